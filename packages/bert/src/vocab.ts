/**
 * Reading BERT vocabularies: the `vocab.txt` of the original BERT release (one token per line, the line
 * number is the id, as transformers' `load_vocab` reads it) and the `tokenizer.json` of the `tokenizers`
 * library (a WordPiece model with a BertNormalizer, a BertPreTokenizer and `[CLS] $A [SEP]` post-processing).
 */

import { check, describe, LxmlsBertError, parseJsonArgument } from './errors.js';
import type { BertTokenizerOptions } from './tokenizer.js';

/**
 * @internal Parses a `vocab.txt`: token → line number. A later duplicate wins, as in Python's `load_vocab`.
 * Lines end at `\n`, `\r\n` or `\r` (Python's universal newlines); a final newline ends the last line.
 */
export function parseVocabTxt(text: string, fn: string): Map<string, number> {
  if (typeof text !== 'string')
    check.fail(
      fn,
      'text',
      text,
      'the vocabulary must be the text of a vocab.txt',
      'a string with one token per line',
    );
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const vocab = new Map<string, number>();
  lines.forEach((token, id) => {
    vocab.set(token, id);
  });
  return vocab;
}

const unsupported = (fn: string, what: string, expected: string, received: string) =>
  new LxmlsBertError('UNSUPPORTED_TOKENIZER', what, { fn, argument: 'json', expected, received });

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The special token of a `TemplateProcessing` piece, or null for a `Sequence` piece. */
function templateToken(piece: unknown): string | null | undefined {
  if (!isObject(piece)) return undefined;
  if (isObject(piece.SpecialToken) && typeof piece.SpecialToken.id === 'string') return piece.SpecialToken.id;
  if (isObject(piece.Sequence)) return null;
  return undefined;
}

/**
 * @internal Parses a BERT `tokenizer.json`: the vocabulary and the options it implies. Anything that is not a
 * BERT WordPiece tokenizer throws `UNSUPPORTED_TOKENIZER` naming the part at fault.
 */
export function parseTokenizerJson(
  json: string | object,
  fn: string,
): { vocab: Map<string, number>; options: BertTokenizerOptions } {
  const root = parseJsonArgument(
    json,
    fn,
    'the tokenizer.json is not valid JSON',
    'the text of a tokenizer.json',
    'UNSUPPORTED_TOKENIZER',
  );
  if (!isObject(root))
    throw unsupported(fn, 'json must be an object', 'a tokenizer.json object', describe(root));
  // a part of another type than BERT's, received as `<field>.type "…"`
  const wrongType = (what: string, field: string, expected: string, part: unknown) =>
    unsupported(
      fn,
      what,
      `${field}.type ${expected}`,
      `${field}.type ${JSON.stringify(isObject(part) ? part.type : part)}`,
    );
  const model = root.model;
  if (!isObject(model) || model.type !== 'WordPiece' || !isObject(model.vocab)) {
    throw unsupported(
      fn,
      'only WordPiece tokenizers are supported',
      'model.type "WordPiece" with a vocab object',
      isObject(model) ? `model.type ${JSON.stringify(model.type)}` : describe(model),
    );
  }
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
      check.fail(
        fn,
        `model.vocab[${JSON.stringify(token)}]`,
        id,
        'a vocabulary id is not a non-negative integer',
        'an integer ≥ 0',
        { code: 'INVALID_VOCABULARY' },
      );
    vocab.set(token, id);
  }
  const options: BertTokenizerOptions = {};
  if (typeof model.unk_token === 'string') options.unkToken = model.unk_token;
  if (typeof model.max_input_chars_per_word === 'number')
    options.maxInputCharsPerWord = model.max_input_chars_per_word;
  if (typeof model.continuing_subword_prefix === 'string')
    options.continuingSubwordPrefix = model.continuing_subword_prefix;

  const normalizer = root.normalizer;
  if (normalizer === null || normalizer === undefined) {
    Object.assign(options, {
      cleanText: false,
      tokenizeChineseChars: false,
      doLowerCase: false,
      stripAccents: false,
    });
  } else if (isObject(normalizer) && normalizer.type === 'BertNormalizer') {
    options.cleanText = normalizer.clean_text !== false;
    options.tokenizeChineseChars = normalizer.handle_chinese_chars !== false;
    options.doLowerCase = normalizer.lowercase !== false;
    options.stripAccents = typeof normalizer.strip_accents === 'boolean' ? normalizer.strip_accents : null;
  } else {
    throw wrongType(
      'only the BertNormalizer is supported',
      'normalizer',
      '"BertNormalizer" or null',
      normalizer,
    );
  }

  const pre = root.pre_tokenizer;
  if (!isObject(pre) || pre.type !== 'BertPreTokenizer') {
    throw unsupported(
      fn,
      'only the BertPreTokenizer is supported',
      'pre_tokenizer.type "BertPreTokenizer"',
      `pre_tokenizer ${isObject(pre) ? `type ${JSON.stringify(pre.type)}` : describe(pre)}`,
    );
  }

  const post = root.post_processor;
  if (isObject(post) && post.type === 'BertProcessing') {
    if (Array.isArray(post.cls) && typeof post.cls[0] === 'string') options.clsToken = post.cls[0];
    if (Array.isArray(post.sep) && typeof post.sep[0] === 'string') options.sepToken = post.sep[0];
  } else if (isObject(post) && post.type === 'TemplateProcessing' && Array.isArray(post.single)) {
    const pieces = post.single.map(templateToken);
    const [cls, seq, sep] = pieces;
    if (pieces.length !== 3 || typeof cls !== 'string' || seq !== null || typeof sep !== 'string') {
      throw unsupported(
        fn,
        'the post-processor template is not BERT’s',
        'post_processor.single [CLS] $A [SEP]',
        `a template of ${pieces.length} pieces`,
      );
    }
    options.clsToken = cls;
    options.sepToken = sep;
  } else if (post !== null && post !== undefined) {
    throw wrongType(
      'only BERT post-processing is supported',
      'post_processor',
      '"TemplateProcessing" or "BertProcessing"',
      post,
    );
  }

  const decoder = root.decoder;
  if (isObject(decoder) && decoder.type === 'WordPiece' && typeof decoder.cleanup === 'boolean')
    options.cleanUpTokenizationSpaces = decoder.cleanup;

  // Added tokens the file marks as special, besides the five standard ones, are kept whole as well.
  if (Array.isArray(root.added_tokens)) {
    const extra = root.added_tokens
      .filter((t): t is Json => isObject(t) && typeof t.content === 'string' && t.content !== '')
      .map((t) => t.content as string);
    for (const t of root.added_tokens) {
      if (isObject(t) && typeof t.content === 'string' && typeof t.id === 'number' && !vocab.has(t.content))
        vocab.set(t.content, t.id);
    }
    if (extra.length > 0) options.neverSplit = extra;
  }
  return { vocab, options };
}
