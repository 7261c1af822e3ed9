/**
 * Loading a byte-level BPE vocabulary from the two usual file formats, given as text or parsed JSON.
 *
 * - GPT-2's own pair of files, `encoder.json` (token → id) and `vocab.bpe` (the merges, one per line), read
 *   as `get_encoder()` of lxmls.transformers.bpe (= minGPT, = OpenAI's `encoder.py`) reads them;
 * - a Hugging Face `tokenizer.json` with a byte-level BPE model, as the `tokenizers` library writes it.
 *
 * There is no I/O here (the package runs in browsers): read the files yourself and pass their text. Each
 * loader checks its input fully, so a broken file fails here, with the line or entry at fault, and not
 * later in the middle of encoding.
 */

import { bytesToUnicode, charToByte } from './bytes-to-unicode.js';
import { Encoder } from './encoder.js';
import { check, describe, LxmlsBpeError } from './errors.js';
import { splitPythonWhitespace } from './simple.js';
import type { BpeVocabulary } from './vocabulary.js';

/** Options of {@link loadGpt2Files}. */
export interface LoadGpt2FilesOptions {
  /**
   * Tokens of `encoder.json` that are special (never produced from text unless allowed, see
   * {@link EncodeOptions}); each must be in `encoder.json`.
   * @defaultValue `['<|endoftext|>']` if `encoder.json` has it, else none
   */
  specialTokens?: readonly string[];
}

/**
 * Builds an {@link Encoder} from GPT-2's two vocabulary files, `encoder.json` and `vocab.bpe`.
 *
 * `encoder.json` maps each token (in GPT-2's printable byte form, a space is `Ġ`) to its id. `vocab.bpe`
 * lists the merges, the most important first: a first line `#version: 0.2`, then one merge per line, the two
 * tokens separated by a space. The token ids need not follow GPT-2's layout, but they must be `0..n-1`, each
 * once, and the vocabulary must hold the 256 byte tokens and, for every merge, both tokens and their join.
 *
 * @remarks Python: `lxmls.transformers.bpe.get_encoder`, which reads the files as
 *   `json.load(f)` and `bpe_data.split('\n')[1:-1]`, each line split on whitespace. As there, the first line
 *   and the last element are dropped whatever they hold, so the file must end with a newline (GPT-2's does).
 *   Unlike there, a line that is not two tokens, or a repeated merge, is an error rather than ignored.
 * @param encoderJson - The text of `encoder.json`, or the object it parses to.
 * @param vocabBpe - The text of `vocab.bpe`.
 * @param options - {@link LoadGpt2FilesOptions}: which tokens are special.
 * @returns An {@link Encoder} over that vocabulary.
 * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` if an argument has the wrong type, `encoderJson` is not
 *   valid JSON or a special token is not in it; `INVALID_VOCABULARY` if the ids are not `0..n-1` each once,
 *   a byte token is missing, a token holds a character that stands for no byte, or a merge line (named by
 *   its line number) is malformed, repeated or uses a token that is not in `encoder.json`.
 * @example
 * ```ts
 * import { bytesToUnicode, loadGpt2Files } from '@lxmls/bpe';
 * // A toy vocabulary: GPT-2's 256 byte tokens (ids 0..255), then 'Ġh', 'Ġhi' and '<|endoftext|>'.
 * const tokens = [...bytesToUnicode().values(), 'Ġh', 'Ġhi', '<|endoftext|>'];
 * const encoderJson = Object.fromEntries(tokens.map((token, id) => [token, id]));
 * const encoder = loadGpt2Files(encoderJson, '#version: 0.2\nĠ h\nĠh i\n');
 * console.log(encoder.encode(' hi hi'), [encoder.decode([257, 258])]); // → [ 257, 257 ] [ ' hi<|endoftext|>' ]
 * ```
 */
export function loadGpt2Files(
  encoderJson: string | Record<string, number>,
  vocabBpe: string,
  options: LoadGpt2FilesOptions = {},
): Encoder {
  const fn = 'loadGpt2Files';
  const encoder = parseJsonObject(encoderJson, fn, 'encoderJson', 'the text of encoder.json or its object');
  if (typeof vocabBpe !== 'string')
    check.fail(fn, 'vocabBpe', vocabBpe, 'vocabBpe must be the text of vocab.bpe', 'a string');
  const entries: [string, number][] = Object.entries(encoder as Record<string, number>);
  const known = new Map<string, number>(entries);

  let specialTokens: readonly string[];
  if (options.specialTokens === undefined) {
    specialTokens = known.has('<|endoftext|>') ? ['<|endoftext|>'] : [];
  } else {
    if (!Array.isArray(options.specialTokens))
      check.fail(
        fn,
        'options.specialTokens',
        options.specialTokens,
        'specialTokens must be an array',
        'an array of tokens of encoder.json',
      );
    specialTokens = options.specialTokens;
  }
  const specials = new Map<string, number>();
  for (const token of specialTokens) {
    const id = typeof token === 'string' ? known.get(token) : undefined;
    if (id === undefined)
      check.fail(
        fn,
        'options.specialTokens',
        token,
        'a special token is not in encoder.json',
        'tokens of encoder.json',
      );
    specials.set(token, id);
  }

  // Python: bpe_data.split('\n')[1:-1], then tuple(line.split()) for each line.
  const lines = vocabBpe.split('\n').slice(1, -1);
  const merges: Merge[] = lines.map((line, r) => {
    const parts = splitPythonWhitespace(line);
    const where = `vocab.bpe line ${r + 2}`;
    if (parts.length !== 2)
      check.fail(
        fn,
        'vocabBpe',
        line,
        `${where} is not a merge`,
        'two tokens separated by a space, such as "Ġ t"',
        { code: 'INVALID_VOCABULARY' },
      );
    return { left: parts[0]!, right: parts[1]!, where };
  });
  return new Encoder(buildVocabulary(fn, entries, merges, specials, 'encoder.json'));
}

/**
 * Builds an {@link Encoder} from a Hugging Face `tokenizer.json` holding a byte-level BPE model (GPT-2's,
 * RoBERTa's, or one trained with `tokenizers`' `ByteLevelBPETokenizer`).
 *
 * Only what this package can reproduce exactly is accepted: `model.type` `"BPE"` without dropout, subword
 * prefix or suffix, byte fallback or `ignore_merges`; no normalizer; a `ByteLevel` pre-tokenizer with
 * `add_prefix_space: false` and `use_regex: true` (GPT-2's pattern); a `ByteLevel` decoder or none. Anything
 * else is refused with the field and its value, rather than tokenized differently from Hugging Face.
 * Merges may be written `"Ġ t"` or `["Ġ", "t"]`. Entries of `added_tokens` with `special: true` become the
 * special tokens. The post-processor (which adds tokens around a sequence) is ignored.
 *
 * @remarks Python: `tokenizers.Tokenizer.from_str(json)` of Hugging Face, for this subset.
 * @param json - The text of `tokenizer.json`, or the object it parses to.
 * @returns An {@link Encoder} over that vocabulary.
 * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` if `json` is neither a string nor an object, or is not
 *   valid JSON; `UNSUPPORTED_FORMAT` for a model, normalizer, pre-tokenizer, decoder, option or non-special
 *   added token outside the subset above (naming the field); `INVALID_VOCABULARY` if the ids are not
 *   `0..n-1` each once, a byte token is missing, or a merge (named by its index) is malformed, repeated or
 *   uses a token that is not in the vocabulary.
 * @example
 * ```ts
 * import { getEncoder, loadTokenizerJson, saveTokenizerJson } from '@lxmls/bpe';
 * const encoder = loadTokenizerJson(saveTokenizerJson(getEncoder()));
 * console.log(encoder.encode('Hello, my name is'), encoder.specialTokens); // → [ 15496, 11, 616, 1438, 318 ] Map(1) { '<|endoftext|>' => 50256 }
 * ```
 */
export function loadTokenizerJson(json: string | object): Encoder {
  const fn = 'loadTokenizerJson';
  const root = parseJsonObject(json, fn, 'json', 'the text of tokenizer.json or its object');
  // a part that must be an object, else INVALID_VOCABULARY
  const part = (
    value: unknown,
    argument: string,
    what: string,
    expected: string,
  ): Record<string, unknown> => {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      check.fail(fn, argument, value, what, expected, { code: 'INVALID_VOCABULARY' });
    return value as Record<string, unknown>;
  };
  const m = part(
    root.model,
    'json.model',
    'the tokenizer has no model',
    'an object such as { "type": "BPE", "vocab": {...}, "merges": [...] }',
  );
  const unsupported = (field: string, expected: string, value: unknown): never => {
    check.fail(fn, `json.${field}`, undefined, `${field} is not supported`, expected, {
      code: 'UNSUPPORTED_FORMAT',
      received: describeComponent(value),
    });
  };
  if (m.type !== 'BPE') unsupported('model.type', '"BPE"', m.type);
  if (!(m.dropout === undefined || m.dropout === null || m.dropout === 0)) {
    unsupported('model.dropout', 'null (BPE dropout is random)', m.dropout);
  }
  for (const field of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    const value = m[field];
    if (!(value === undefined || value === null || value === '')) {
      unsupported(`model.${field}`, 'null or "" (byte-level BPE uses neither)', value);
    }
  }
  if (!(m.byte_fallback === undefined || m.byte_fallback === false)) {
    unsupported('model.byte_fallback', 'false', m.byte_fallback);
  }
  if (!(m.ignore_merges === undefined || m.ignore_merges === false)) {
    unsupported('model.ignore_merges', 'false', m.ignore_merges);
  }
  if (!(root.normalizer === undefined || root.normalizer === null)) {
    unsupported('normalizer', 'null (no normalizer)', root.normalizer);
  }
  const pre = root.pre_tokenizer as Record<string, unknown> | null | undefined;
  if (pre === null || typeof pre !== 'object' || pre.type !== 'ByteLevel') {
    unsupported('pre_tokenizer', 'a ByteLevel pre-tokenizer', pre);
  }
  // Hugging Face's defaults when a field is absent: add_prefix_space true, use_regex true.
  if ((pre as Record<string, unknown>).add_prefix_space !== false) {
    unsupported(
      'pre_tokenizer.add_prefix_space',
      'false (GPT-2 adds no space; when the field is absent, Hugging Face takes true)',
      (pre as Record<string, unknown>).add_prefix_space,
    );
  }
  const useRegex = (pre as Record<string, unknown>).use_regex;
  if (!(useRegex === undefined || useRegex === true)) {
    unsupported('pre_tokenizer.use_regex', 'true (GPT-2 pre-tokenizes with its regex)', useRegex);
  }
  const decoder = root.decoder as Record<string, unknown> | null | undefined;
  if (
    !(
      decoder === undefined ||
      decoder === null ||
      (typeof decoder === 'object' && decoder.type === 'ByteLevel')
    )
  ) {
    unsupported('decoder', 'a ByteLevel decoder or null', decoder);
  }

  const vocab = part(
    m.vocab,
    'json.model.vocab',
    'model.vocab must map tokens to ids',
    'an object such as { "!": 0, ... }',
  );
  const entries: [string, number][] = Object.entries(vocab as Record<string, number>);
  const known = new Map<string, number>(entries);
  const used = new Map<number, string>();
  for (const [token, id] of entries) used.set(id, token);

  const specials = new Map<string, number>();
  const added = root.added_tokens ?? [];
  if (!Array.isArray(added))
    check.fail(
      fn,
      'json.added_tokens',
      added,
      'added_tokens must be an array',
      'an array of { id, content, special } objects',
      { code: 'INVALID_VOCABULARY' },
    );
  added.forEach((entry: unknown, i: number) => {
    const where = `json.added_tokens[${i}]`;
    const e = (entry ?? {}) as Record<string, unknown>;
    if (typeof e.content !== 'string' || typeof e.id !== 'number')
      check.fail(
        fn,
        where,
        entry,
        `${where} is not an added token`,
        'an object with a string content and an integer id',
        { code: 'INVALID_VOCABULARY' },
      );
    const { content, id } = e as { content: string; id: number };
    const inVocab = known.get(content);
    if (inVocab !== undefined && inVocab !== id)
      check.fail(
        fn,
        where,
        id,
        `${where} has another id than in model.vocab`,
        `id ${inVocab}, as model.vocab gives ${JSON.stringify(content)}`,
        { code: 'INVALID_VOCABULARY' },
      );
    if (e.special !== true) {
      if (inVocab === id) return; // an ordinary token of the vocabulary: nothing to add
      unsupported(
        `added_tokens[${i}].special`,
        'true: added tokens that are not special are matched in the text before BPE, which this package does not do',
        e.special,
      );
    }
    if (inVocab === undefined) {
      const other = used.get(id);
      if (other !== undefined)
        check.fail(
          fn,
          where,
          content,
          `${where} reuses the id of another token`,
          `an id of no other token (${id} is ${JSON.stringify(other)})`,
          { code: 'INVALID_VOCABULARY' },
        );
      entries.push([content, id]);
      known.set(content, id);
      used.set(id, content);
    }
    specials.set(content, id);
  });

  const rawMerges = m.merges;
  if (!Array.isArray(rawMerges))
    check.fail(
      fn,
      'json.model.merges',
      rawMerges,
      'model.merges must be an array',
      'an array of "left right" strings or [left, right] pairs',
      { code: 'INVALID_VOCABULARY' },
    );
  const merges: Merge[] = rawMerges.map((merge: unknown, r: number) => {
    const where = `model.merges[${r}]`;
    const parts = typeof merge === 'string' ? merge.split(' ') : merge;
    if (
      !Array.isArray(parts) ||
      parts.length !== 2 ||
      typeof parts[0] !== 'string' ||
      typeof parts[1] !== 'string'
    ) {
      check.fail(
        fn,
        `json.${where}`,
        merge,
        `${where} is not a merge`,
        'a string "left right" or an array [left, right]',
        { code: 'INVALID_VOCABULARY' },
      );
    }
    return { left: parts[0], right: parts[1], where };
  });
  return new Encoder(buildVocabulary(fn, entries, merges, specials, 'model.vocab'));
}

/** One merge as read from a file, with where it was read for error messages. */
interface Merge {
  left: string;
  right: string;
  where: string;
}

/**
 * Checks a token → id list, the merges and the special tokens, and turns them into a {@link BpeVocabulary}.
 * `source` names the vocabulary in messages (`encoder.json`, `model.vocab`).
 */
function buildVocabulary(
  fn: string,
  entries: readonly [string, number][],
  merges: readonly Merge[],
  specials: Map<string, number>,
  source: string,
): BpeVocabulary {
  const size = entries.length;
  const tokens: (string | undefined)[] = new Array(size);
  const ids = new Map<string, number>();
  for (const [token, id] of entries) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= size)
      check.fail(
        fn,
        source,
        id,
        `the id of ${JSON.stringify(token)} is out of range`,
        `ids 0..${size - 1}, each once (there are ${size} tokens)`,
        { code: 'INVALID_VOCABULARY' },
      );
    const other = tokens[id];
    if (other !== undefined)
      check.fail(fn, source, undefined, `two tokens have id ${id}`, 'each id once', {
        code: 'INVALID_VOCABULARY',
        received: `${JSON.stringify(other)} and ${JSON.stringify(token)}`,
      });
    tokens[id] = token;
    ids.set(token, id);
  }
  const specialIds = new Set(specials.values());
  for (let id = 0; id < size; id++) {
    const token = tokens[id]!;
    if (specialIds.has(id)) continue;
    for (let i = 0; i < token.length; i++) {
      if (charToByte(token.charCodeAt(i)) < 0)
        check.fail(
          fn,
          source,
          token,
          `token ${id} holds a character that stands for no byte`,
          `tokens in GPT-2's byte-to-unicode form, or listed as special tokens`,
          { code: 'INVALID_VOCABULARY' },
        );
    }
  }
  const byteToId = new Int32Array(256);
  for (const [byte, char] of bytesToUnicode()) {
    const id = ids.get(char);
    if (id === undefined)
      check.fail(
        fn,
        source,
        undefined,
        `the token of byte ${byte} is missing`,
        `all 256 byte tokens, including ${JSON.stringify(char)}`,
        { code: 'INVALID_VOCABULARY', received: `a vocabulary of ${size} tokens without it` },
      );
    byteToId[byte] = id;
  }
  const mergeLeft = new Int32Array(merges.length);
  const mergeRight = new Int32Array(merges.length);
  const mergeResult = new Int32Array(merges.length);
  const seen = new Map<string, string>();
  merges.forEach(({ left, right, where }, r) => {
    for (const token of [left, right, left + right]) {
      if (!ids.has(token))
        check.fail(
          fn,
          where,
          undefined,
          `${where} uses a token that is not in ${source}`,
          `${JSON.stringify(left)}, ${JSON.stringify(right)} and ${JSON.stringify(left + right)} in ${source}`,
          { code: 'INVALID_VOCABULARY', received: `no ${JSON.stringify(token)}` },
        );
    }
    const pair = `${left} ${right}`;
    const first = seen.get(pair);
    if (first !== undefined)
      check.fail(fn, where, undefined, `${where} repeats a merge`, 'each merge once', {
        code: 'INVALID_VOCABULARY',
        received: `${JSON.stringify(pair)}, already at ${first}`,
      });
    seen.set(pair, where);
    mergeLeft[r] = ids.get(left)!;
    mergeRight[r] = ids.get(right)!;
    mergeResult[r] = ids.get(left + right)!;
  });
  return { byteToId, mergeLeft, mergeRight, mergeResult, specialTokens: specials, vocabSize: size, tokens };
}

/** Parses a JSON object given as text, or checks an object given as is. */
function parseJsonObject(
  value: unknown,
  fn: string,
  argument: string,
  expected: string,
): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (cause) {
      check.fail(fn, argument, undefined, `${argument} is not valid JSON`, 'JSON text', {
        received: `${describe(value)} (${(cause as Error).message})`,
        cause,
      });
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    check.fail(fn, argument, parsed, `${argument} must be a JSON object`, expected);
  return parsed as Record<string, unknown>;
}

/** A value of tokenizer.json for a message; a component (normalizer, decoder, ...) by its type. */
function describeComponent(value: unknown): string {
  if (value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
    return `an object of type ${JSON.stringify((value as { type: string }).type)}`;
  }
  return describe(value);
}
