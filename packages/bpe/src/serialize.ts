/**
 * Saving an encoder's vocabulary in the two usual file formats, as text: the inverse of load.ts.
 *
 * - GPT-2's `encoder.json` + `vocab.bpe`, byte for byte as OpenAI wrote them (Python's `json.dumps` and
 *   one `left right` line per merge), so that saving the bundled GPT-2 encoder gives back the original files;
 * - a Hugging Face `tokenizer.json` in the layout the `tokenizers` library writes for GPT-2.
 *
 * There is no I/O here: write the returned strings wherever you like (as UTF-8).
 */

import type { Encoder } from './encoder.js';
import { check, LxmlsBpeError } from './errors.js';
import { pythonJsonDict } from './python-json.js';

/** The two files of GPT-2's vocabulary, as text. */
export interface Gpt2Files {
  /** `encoder.json`: token → id, in id order, written as Python's `json.dumps` (ASCII only). */
  encoderJson: string;
  /** `vocab.bpe`: `#version: 0.2`, then one merge per line, highest priority first. */
  vocabBpe: string;
}

/**
 * Writes an encoder's vocabulary as GPT-2's two files, `encoder.json` and `vocab.bpe`.
 *
 * `encoder.json` lists every token in id order, special tokens included (as GPT-2's lists `<|endoftext|>`);
 * the format has no room to mark them special, so pass any other special tokens to {@link loadGpt2Files}
 * when reading the files back. For the bundled GPT-2 encoder the output is identical, byte for byte, to
 * OpenAI's files.
 *
 * @remarks Python: the inverse of `lxmls.transformers.bpe.get_encoder`; `encoder.json` is
 *   `json.dumps(encoder.encoder)` and `vocab.bpe` is `'#version: 0.2\n'` plus `f'{left} {right}\n'` per merge.
 * @param encoder - Any {@link Encoder}: GPT-2's, a loaded one or one from {@link trainBPE}.
 * @returns `{ encoderJson, vocabBpe }`, the text of the two files.
 * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` if `encoder` is not an {@link Encoder};
 *   `INVALID_VOCABULARY` if two ids have the same token string, which `encoder.json` cannot hold.
 * @example
 * ```ts
 * import { saveGpt2Files, trainBPE } from '@lxmls/bpe';
 * const { encoderJson, vocabBpe } = saveGpt2Files(trainBPE('hi hi hi', { vocabSize: 259 }));
 * console.log(JSON.stringify(vocabBpe)); // → "#version: 0.2\nh i\nĠ hi\n"
 * console.log(encoderJson.slice(encoderJson.indexOf('"hi"'))); // → "hi": 256, "\u0120hi": 257, "<|endoftext|>": 258}
 * ```
 */
export function saveGpt2Files(encoder: Encoder): Gpt2Files {
  const tokens = tokenList(encoder, 'saveGpt2Files');
  const encoderJson = pythonJsonDict(tokens.map((token, id) => [token, id] as const));
  let vocabBpe = '#version: 0.2\n';
  for (const [left, right] of encoder.getMerges()) vocabBpe += `${left} ${right}\n`;
  return { encoderJson, vocabBpe };
}

/**
 * Writes an encoder's vocabulary as a Hugging Face `tokenizer.json` in GPT-2's layout.
 *
 * The file holds a `BPE` model (the vocabulary, every token in id order, and the merges as `[left, right]`
 * pairs), `ByteLevel` pre-tokenizer, post-processor and decoder as in GPT-2's file, no normalizer, and one
 * entry of `added_tokens` per special token. `tokenizers.Tokenizer.from_str` (or `from_file`) reads it and
 * tokenizes exactly as this encoder; so does {@link loadTokenizerJson}.
 *
 * @remarks Python: what `tokenizers.Tokenizer.to_str(pretty=True)` writes for GPT-2, with the merges in the
 *   newer `[left, right]` form.
 * @param encoder - Any {@link Encoder}.
 * @returns The JSON text, indented by two spaces.
 * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` if `encoder` is not an {@link Encoder};
 *   `INVALID_VOCABULARY` if two ids have the same token string.
 * @example
 * ```ts
 * import { saveTokenizerJson, trainBPE } from '@lxmls/bpe';
 * const json = JSON.parse(saveTokenizerJson(trainBPE('hi hi hi', { vocabSize: 259 })));
 * console.log(json.model.merges, json.added_tokens[0].content, json.added_tokens[0].id); // → [ [ 'h', 'i' ], [ 'Ġ', 'hi' ] ] <|endoftext|> 258
 * ```
 */
export function saveTokenizerJson(encoder: Encoder): string {
  const tokens = tokenList(encoder, 'saveTokenizerJson');
  const addedTokens = [...encoder.specialTokens]
    .sort((a, b) => a[1] - b[1])
    .map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }));
  const head = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  };
  const model = {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: null,
    end_of_word_suffix: null,
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
  };
  // The vocabulary is written by hand: a JavaScript object would list keys such as "0" or "10" first.
  const headText = JSON.stringify(head, null, 2);
  const modelText = JSON.stringify(model, null, 2).replace(/\n/g, '\n  ');
  const vocab = tokens.map((token, id) => `      ${JSON.stringify(token)}: ${id}`);
  const merges = encoder.getMerges().map((pair) => `      ${JSON.stringify(pair)}`);
  return (
    `${headText.slice(0, -2)},\n  "model": ${modelText.slice(0, -4)},\n` +
    `    "vocab": ${block('{', vocab, '}')},\n` +
    `    "merges": ${block('[', merges, ']')}\n  }\n}\n`
  );
}

/** A JSON object or array body from its lines, indented for the model's fields. */
function block(open: string, lines: string[], close: string): string {
  return lines.length === 0 ? `${open}${close}` : `${open}\n${lines.join(',\n')}\n    ${close}`;
}

/** Every token string by id, checking that the encoder is one and that no string is repeated. */
function tokenList(encoder: Encoder, fn: string): string[] {
  if (encoder === null || typeof encoder !== 'object' || typeof encoder.getMerges !== 'function')
    check.fail(
      fn,
      'encoder',
      encoder,
      'encoder must be an Encoder',
      'an Encoder (from getEncoder, trainBPE or a loader)',
    );
  const tokens: string[] = [];
  const seen = new Map<string, number>();
  for (let id = 0; id < encoder.vocabSize; id++) {
    const token = encoder.idToToken(id);
    const other = seen.get(token);
    if (other !== undefined)
      check.fail(
        fn,
        'encoder',
        token,
        `ids ${other} and ${id} are the same token`,
        'a distinct string for each id',
        { code: 'INVALID_VOCABULARY' },
      );
    seen.set(token, id);
    tokens.push(token);
  }
  return tokens;
}
