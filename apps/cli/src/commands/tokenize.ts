/**
 * `lxmls tokenize`: GPT-2 BPE tokens and ids of a text, printed as the notebook prints them, as JSON, or
 * streamed over JSON Lines.
 *
 * Follows Exercise 1 of the Transformer Day notebook (`tokenizer.encoder.encode_and_show_work(sentence)`) and
 * the `__main__` demo of `lxmls/transformers/bpe.py` for `--show-work`.
 */

import { pyRepr } from '@lxmls/base';
import type { EncodeOptions } from '@lxmls/bpe';
import { getEncoder } from '@lxmls/bpe';
import { partRepr } from '@lxmls/course';
import { toHtml } from '@lxmls/viz';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { mapLines, readAllText } from '../io.js';
import { atLine, parseJsonLine } from '../json-lines.js';
import { writeFileAtomic } from '../write-file.js';

/**
 * `lxmls tokenize`: see its help (`lxmls help tokenize`).
 *
 * @example
 * ```ts
 * import { tokenizeCommand } from './commands/tokenize.js';
 * console.log(tokenizeCommand.optionNames); // → [ 'show-work', 'json', 'jsonl', 'html', 'allowed-special' ]
 * ```
 */
export const tokenizeCommand = defineCommand({
  name: 'tokenize',
  summary: 'GPT-2 BPE: print the tokens and ids of TEXT (or of stdin)',
  usage: 'lxmls tokenize [options] [TEXT...]',
  description: `Encodes TEXT with GPT-2's byte-level BPE (the course's BPETokenizer) and prints, as Python prints lists:
  ['Your', 'Ġdrawing', 'Ġis', ...]    the merged tokens (Ġ stands for a space, Ċ for a newline)
  [7120, 8263, 318, ...]              their ids
Several TEXT arguments are joined with single spaces. Without TEXT, all of stdin is read, exactly as it is
(a trailing newline included).`,
  options: {
    'show-work': {
      type: 'flag',
      help: "Before the two lines, print each chunk's steps as one Python dict per line, as bpe.py's demo does:\n{'token': 'Hello', 'token_bytes': b'Hello', 'token_translated': 'Hello',\n 'token_merged': ['Hello'], 'token_ix': [15496]}   (on one line)",
    },
    json: {
      type: 'flag',
      help: 'Print one line of JSON instead: {"ids":[...],"tokens":[...]}\n  ids     the token ids (integers in [0, 50257))\n  tokens  the merged token strings as in encoder.json (e.g. "Ġdrawing")',
    },
    jsonl: {
      type: 'flag',
      help: 'Stream JSON Lines: read stdin line by line, each line a JSON string, and write for each the JSON array of its ids, e.g. "hi" -> [5303]. A malformed line stops the run with exit code 2; the output of the earlier lines is kept.',
    },
    html: {
      type: 'string',
      value: 'FILE',
      help: "Also write the --show-work trace as a self-contained HTML page (coloured tokens with their ids, then each chunk's bytes and merges; no network needed to view it). What is printed does not change.",
    },
    'allowed-special': {
      type: 'string',
      value: 'LIST',
      help: 'Recognise special tokens in the text: "all", or a comma separated list such as "<|endoftext|>". By default they are plain text, as in the Python toolkit.',
    },
  },
  exclusive: [
    ['json', 'show-work', 'jsonl'],
    ['show-work', 'allowed-special'],
    ['html', 'json'],
    ['html', 'jsonl'],
    ['html', 'allowed-special'],
  ],
  examples: [
    'lxmls tokenize "Your drawing is charmingly anachronistic."',
    'lxmls tokenize --show-work "Hello!! I\'m Andrej Karpathy."',
    'lxmls tokenize --show-work --html bpe.html "Your drawing is charmingly anachronistic."',
    'echo \'"hi"\' | lxmls tokenize --jsonl',
  ],
  run: async (o, positionals, { io, out }) => {
    const encoder = getEncoder();
    const options = encodeOptions(o['allowed-special']);
    encoder.encode('', options); // reports an unknown special token before any input is read

    if (o.jsonl) {
      if (positionals.length > 0) throw new CliError('--jsonl reads JSON lines from stdin; it takes no TEXT');
      await mapLines(io.stdin, out, (line, n) => {
        const text = parseJsonLine(line, n, 'string');
        return JSON.stringify(atLine(n, () => encoder.encode(text, options)));
      });
      return 0;
    }

    let text: string;
    if (positionals.length > 0) text = positionals.join(' ');
    else if (io.isTTY) throw new CliError('missing TEXT: pass it as an argument or pipe text into stdin');
    else text = await readAllText(io.stdin);

    if ((o['show-work'] || o.html !== undefined) && text.length > SHOW_WORK_CHARS)
      throw new CliError(
        `--show-work and --html trace at most ${SHOW_WORK_CHARS / 2 ** 20} Mi characters (a teaching view), received ${text.length}: tokenize it without them`,
      );
    if (o.html !== undefined) {
      const work = encoder.encodeAndShowWork(text);
      const title = `GPT-2 BPE: ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
      await writeFileAtomic(o.html, toHtml('bpe', work, { title, pageTitle: title }), '--html');
    }
    if (o['show-work']) {
      const work = encoder.encodeAndShowWork(text);
      for (const part of work.parts) await out.write(`${partRepr(part)}\n`);
      const tokens = work.parts.flatMap((part) => part.tokenMerged);
      await out.write(`${pyRepr(tokens)}\n${pyRepr(work.bpeIdx)}\n`);
      return 0;
    }
    const ids = encoder.encode(text, options);
    const tokens = ids.map((id) => encoder.idToToken(id));
    if (o.json) await out.write(`${JSON.stringify({ ids, tokens })}\n`);
    else await out.write(`${pyRepr(tokens)}\n${pyRepr(ids)}\n`);
    return 0;
  },
});

/** The longest text `--show-work` and `--html` trace: every chunk's steps are held (30 MB ran out of heap). */
const SHOW_WORK_CHARS = 2 ** 20;

/** `--allowed-special all` or `a,b` → `EncodeOptions`. */
function encodeOptions(allowed: string | undefined): EncodeOptions | undefined {
  if (allowed === undefined) return undefined;
  if (allowed === 'all') return { allowedSpecial: 'all' };
  return { allowedSpecial: allowed.split(',').filter((token) => token !== '') };
}
