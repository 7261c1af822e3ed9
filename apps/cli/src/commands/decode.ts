/**
 * `lxmls decode`: GPT-2 token ids back to text, from arguments or streamed over JSON Lines.
 *
 * Follows `Encoder.decode` of `lxmls/transformers/bpe.py` (Exercise 1, cell In [12] of the notebook): invalid
 * UTF-8 becomes U+FFFD, as Python's `errors='replace'` does.
 */

import { getEncoder } from '@lxmls/bpe';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { mapLines } from '../io.js';
import { atLine, parseJsonLine } from '../json-lines.js';

/**
 * `lxmls decode`: see its help (`lxmls help decode`).
 *
 * @example
 * ```ts
 * import { decodeCommand } from './commands/decode.js';
 * console.log(decodeCommand.name); // → decode
 * ```
 */
export const decodeCommand = defineCommand({
  name: 'decode',
  summary: 'GPT-2 BPE: print the text of token ids',
  usage: 'lxmls decode [options] ID...',
  description: `Decodes GPT-2 token ids and prints the text. The ids may be separate arguments (15496 11 616), one
argument separated by commas or spaces ("15496,11,616"), or a JSON array ("[15496, 11, 616]").
Every id must be an integer in [0, 50257).`,
  options: {
    jsonl: {
      type: 'flag',
      help: 'Stream JSON Lines: read stdin line by line, each line a JSON array of ids, and write for each the decoded text as a JSON string, e.g. [5303] -> "hi". A malformed line or a bad id stops the run with exit code 2; the output of the earlier lines is kept.',
    },
  },
  examples: [
    'lxmls decode 15496 11 616 1438 318',
    'lxmls decode "[1135, 389, 546]"',
    "echo '[5303]' | lxmls decode --jsonl",
  ],
  run: async ({ jsonl }, positionals, { io, out }) => {
    const encoder = getEncoder();
    if (jsonl) {
      if (positionals.length > 0) throw new CliError('--jsonl reads JSON lines from stdin; it takes no ID');
      await mapLines(io.stdin, out, (line, n) => {
        const ids = parseJsonLine(line, n, 'array');
        return JSON.stringify(atLine(n, () => encoder.decode(ids as number[])));
      });
      return 0;
    }
    if (positionals.length === 0) throw new CliError('missing ID: for example, lxmls decode 15496 11 616');
    await out.write(`${encoder.decode(parseIds(positionals))}\n`);
    return 0;
  },
});

/**
 * The ids given as arguments: separate numbers, comma or space separated lists, or JSON arrays.
 *
 * Only the syntax is checked here; `Encoder.decode` checks that each is an integer id in range and says which
 * one is not.
 *
 * @param args - The positional arguments.
 * @returns The ids, in order (JSON array items as they are, for `decode` to check).
 * @throws {@link CliError} for an argument that is neither a number nor a JSON array.
 * @example
 * ```ts
 * import { parseIds } from './commands/decode.js';
 * console.log(parseIds(['15496', '11,616', '[1438, 318]'])); // → [ 15496, 11, 616, 1438, 318 ]
 * ```
 */
export function parseIds(args: readonly string[]): number[] {
  const ids: number[] = [];
  for (const arg of args) {
    const trimmed = arg.trim();
    if (trimmed.startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        throw new CliError(`argument ${JSON.stringify(arg)} is not a valid JSON array of ids`);
      }
      if (!Array.isArray(parsed))
        throw new CliError(`argument ${JSON.stringify(arg)} is not a JSON array of ids`);
      ids.push(...(parsed as number[]));
      continue;
    }
    for (const piece of trimmed.split(/[\s,]+/)) {
      if (piece === '') continue;
      if (!/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?$/.test(piece))
        throw new CliError(
          `${JSON.stringify(piece)} is not a token id. Expected integers in [0, 50257), such as 15496 11 616`,
        );
      ids.push(Number(piece));
    }
  }
  return ids;
}
