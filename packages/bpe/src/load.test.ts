// Tests of load.ts: loadGpt2Files and loadTokenizerJson on GPT-2's files, toy vocabularies and broken input.
import { readFileSync } from 'node:fs';
import { thrownError } from '@lxmls/base';
import { describe, expect, test } from 'vitest';
import { bytesToUnicode, getEncoder, LxmlsBpeError, loadGpt2Files, loadTokenizerJson } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const encoderJson = fixture('encoder.json');
const vocabBpe = fixture('vocab.bpe');
const shakespeare = fixture('tinyshakespeare.txt');
const reference: { text: string; tiktoken: number[]; hf_fast: number[] }[] = JSON.parse(
  fixture('bpe-reference.json'),
);
const gpt2 = getEncoder();

/** The 256 byte tokens in GPT-2's order (ids 0..255 of GPT-2). */
const BYTE_TOKENS = [...bytesToUnicode().values()];

/** Runs `f` and returns the LxmlsBpeError it throws. */
const thrown = (f: () => unknown): LxmlsBpeError => thrownError(LxmlsBpeError, f);

/** Parsed JSON that the tests edit freely. */
// biome-ignore lint/suspicious/noExplicitAny: the tests reach into and break arbitrary JSON on purpose.
type Json = Record<string, any>;

/** A tiny tokenizer.json in Hugging Face's layout: the byte tokens, ' h', ' hi', and a special token. */
function tinyTokenizerJson(): Json {
  const vocab = Object.fromEntries([...BYTE_TOKENS, 'Ġh', 'Ġhi'].map((token, id) => [token, id]));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: 258,
        content: '<|endoftext|>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: true,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: ['Ġ h', 'Ġh i'],
    },
  };
}

describe('loadGpt2Files', () => {
  const loaded = loadGpt2Files(encoderJson, vocabBpe);

  test('loadGpt2Files(encoder.json, vocab.bpe) encodes the 40 reference strings as tiktoken', () => {
    for (const c of reference) {
      expect(loaded.encode(c.text)).toEqual(c.tiktoken);
      expect(loaded.encode(c.text, { allowedSpecial: 'all' })).toEqual(c.hf_fast);
      expect(loaded.decode(c.tiktoken)).toBe(c.text);
    }
  });

  test('loadGpt2Files(encoder.json, vocab.bpe) equals the bundled encoder on tinyshakespeare', () => {
    const ids = gpt2.encode(shakespeare);
    expect(loaded.encode(shakespeare)).toEqual(ids);
    expect(loaded.decode(ids)).toBe(shakespeare);
  });

  test('loadGpt2Files(encoder.json, vocab.bpe) gives the same vocabulary as the bundled encoder', () => {
    expect(loaded.vocabSize).toBe(50257);
    expect(loaded.specialTokens).toEqual(new Map([['<|endoftext|>', 50256]]));
    const { byteToId, mergeLeft, mergeRight, mergeResult } = loaded.vocabulary;
    expect(byteToId).toEqual(gpt2.vocabulary.byteToId);
    expect(mergeLeft).toEqual(gpt2.vocabulary.mergeLeft);
    expect(mergeRight).toEqual(gpt2.vocabulary.mergeRight);
    expect(mergeResult).toEqual(gpt2.vocabulary.mergeResult);
    expect(loaded.getMerges()[0]).toEqual(['Ġ', 't']);
    expect(loaded.idToToken(262)).toBe('Ġthe');
  });

  test('loadGpt2Files(object, vocab.bpe) takes encoder.json already parsed', () => {
    const encoder = loadGpt2Files(JSON.parse(encoderJson), vocabBpe);
    expect(encoder.encode('Hello, my name is')).toEqual([15496, 11, 616, 1438, 318]);
  });

  test('loadGpt2Files reads a vocab.bpe with Windows line endings, as Python split() does', () => {
    const encoder = loadGpt2Files(encoderJson, vocabBpe.replace(/\n/g, '\r\n'));
    expect(encoder.encode('Alan Turing, the')).toEqual([36235, 39141, 11, 262]);
  });

  test('loadGpt2Files(..., { specialTokens: [] }) makes <|endoftext|> an ordinary token', () => {
    const encoder = loadGpt2Files(encoderJson, vocabBpe, { specialTokens: [] });
    expect(encoder.specialTokens.size).toBe(0);
    expect(encoder.encode('<|endoftext|>', { allowedSpecial: 'all' })).toEqual([
      27, 91, 437, 1659, 5239, 91, 29,
    ]);
    expect(encoder.decode([50256])).toBe('<|endoftext|>');
  });

  test('loadGpt2Files accepts ids in any order: GPT-2 with its ids reversed', () => {
    const reversed = Object.fromEntries(
      Object.entries(JSON.parse(encoderJson) as Record<string, number>).map(([token, id]) => [
        token,
        50256 - id,
      ]),
    );
    const encoder = loadGpt2Files(reversed, vocabBpe);
    expect(encoder.specialTokens).toEqual(new Map([['<|endoftext|>', 0]]));
    for (const c of reference.slice(0, 20)) {
      const ids = c.tiktoken.map((id) => 50256 - id);
      expect(encoder.encode(c.text)).toEqual(ids);
      expect(encoder.decode(ids)).toBe(c.text);
    }
  });

  test('loadGpt2Files builds a toy vocabulary by hand', () => {
    const tokens = [...BYTE_TOKENS, 'Ġh', 'Ġhi', '<|endoftext|>'];
    const encoder = loadGpt2Files(
      Object.fromEntries(tokens.map((token, id) => [token, id])),
      '#version: 0.2\nĠ h\nĠh i\n',
    );
    expect(encoder.encode(' hi hi high')).toEqual([257, 257, 257, 70, 71]);
    expect(encoder.decode([257, 258])).toBe(' hi<|endoftext|>');
    expect(encoder.getMerges()).toEqual([
      ['Ġ', 'h'],
      ['Ġh', 'i'],
    ]);
  });

  test('loadGpt2Files follows Python: the first line and the last element of vocab.bpe are dropped', () => {
    const tokens = [...BYTE_TOKENS, 'Ġh', 'Ġhi'];
    const json = Object.fromEntries(tokens.map((token, id) => [token, id]));
    // Without a final newline, Python's split('\n')[1:-1] loses the last merge: so do we.
    expect(loadGpt2Files(json, '#version: 0.2\nĠ h\nĠh i').getMerges()).toEqual([['Ġ', 'h']]);
    expect(loadGpt2Files(json, '').getMerges()).toEqual([]);
  });

  const tokens = [...BYTE_TOKENS, 'Ġh', 'Ġhi'];
  const toy = () => Object.fromEntries(tokens.map((token, id) => [token, id]));
  test.each([
    [
      'a merge whose token is missing',
      toy(),
      '#version: 0.2\nĠ h\nĠh o\n',
      'INVALID_VOCABULARY',
      '[@lxmls/bpe] loadGpt2Files: vocab.bpe line 3 uses a token that is not in encoder.json. Expected "Ġh", "o" and "Ġho" in encoder.json, received no "Ġho".',
    ],
    [
      'a line that is not two tokens',
      toy(),
      '#version: 0.2\nĠ h\nĠh i x\n',
      'INVALID_VOCABULARY',
      '[@lxmls/bpe] loadGpt2Files: vocab.bpe line 3 is not a merge. Expected two tokens separated by a space, such as "Ġ t", received string "Ġh i x".',
    ],
    [
      'a repeated merge',
      toy(),
      '#version: 0.2\nĠ h\nĠ h\n',
      'INVALID_VOCABULARY',
      '[@lxmls/bpe] loadGpt2Files: vocab.bpe line 3 repeats a merge. Expected each merge once, received "Ġ h", already at vocab.bpe line 2.',
    ],
    [
      'two tokens with the same id',
      { ...toy(), Ġhi: 256 },
      '',
      'INVALID_VOCABULARY',
      '[@lxmls/bpe] loadGpt2Files: two tokens have id 256. Expected each id once, received "Ġh" and "Ġhi".',
    ],
    [
      'an id out of range',
      { ...toy(), Ġhi: 300 },
      '',
      'INVALID_VOCABULARY',
      '[@lxmls/bpe] loadGpt2Files: the id of "Ġhi" is out of range. Expected ids 0..257, each once (there are 258 tokens), received number 300.',
    ],
    [
      'a missing byte token',
      Object.fromEntries(tokens.slice(1).map((token, id) => [token, id])),
      '',
      'INVALID_VOCABULARY',
      '[@lxmls/bpe] loadGpt2Files: the token of byte 33 is missing. Expected all 256 byte tokens, including "!", received a vocabulary of 257 tokens without it.',
    ],
    [
      'a token that stands for no bytes',
      { ...toy(), 'h i': 258 },
      '',
      'INVALID_VOCABULARY',
      '[@lxmls/bpe] loadGpt2Files: token 258 holds a character that stands for no byte. Expected tokens in GPT-2\'s byte-to-unicode form, or listed as special tokens, received string "h i".',
    ],
    [
      'malformed JSON',
      '{"!": 0,',
      '',
      'INVALID_ARGUMENT',
      /^\[@lxmls\/bpe\] loadGpt2Files: encoderJson is not valid JSON\. Expected JSON text, received string "\{\\"!\\": 0," \(.*\)\.$/,
    ],
    [
      'JSON that is not an object',
      '[1, 2]',
      '',
      'INVALID_ARGUMENT',
      '[@lxmls/bpe] loadGpt2Files: encoderJson must be a JSON object. Expected the text of encoder.json or its object, received array of length 2.',
    ],
    [
      'a vocab.bpe that is not text',
      toy(),
      ['Ġ h'],
      'INVALID_ARGUMENT',
      '[@lxmls/bpe] loadGpt2Files: vocabBpe must be the text of vocab.bpe. Expected a string, received array of length 1.',
    ],
  ])('loadGpt2Files with %s throws a clear error', (_, json, bpe, code, message) => {
    const error = thrown(() => loadGpt2Files(json as Record<string, number>, bpe as string));
    expect(error.code).toBe(code);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  test('loadGpt2Files with a special token that is not in encoder.json throws INVALID_ARGUMENT', () => {
    const error = thrown(() => loadGpt2Files(toy(), '', { specialTokens: ['<|pad|>'] }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.argument).toBe('options.specialTokens');
    expect(error.message).toContain('received string "<|pad|>"');
  });

  test('loadGpt2Files accepts special tokens that are not byte strings', () => {
    const encoder = loadGpt2Files({ ...toy(), '<|ünïcödé|>': 258 }, '#version: 0.2\nĠ h\n', {
      specialTokens: ['<|ünïcödé|>'],
    });
    expect(encoder.decode([258, 256])).toBe('<|ünïcödé|> h');
    expect(encoder.encode('<|ünïcödé|>', { allowedSpecial: 'all' })).toEqual([258]);
  });
});

describe('loadTokenizerJson', () => {
  test('loadTokenizerJson(tiny tokenizer.json) encodes with its merges and special tokens', () => {
    const encoder = loadTokenizerJson(tinyTokenizerJson());
    expect(encoder.vocabSize).toBe(259);
    expect(encoder.encode(' hi hi<|endoftext|>', { allowedSpecial: 'all' })).toEqual([257, 257, 258]);
    expect(encoder.decode([257, 258])).toBe(' hi<|endoftext|>');
    expect(encoder.idToToken(258)).toBe('<|endoftext|>');
  });

  test('loadTokenizerJson accepts merges as [left, right] pairs and JSON text', () => {
    const json = tinyTokenizerJson();
    json.model.merges = [
      ['Ġ', 'h'],
      ['Ġh', 'i'],
    ];
    const encoder = loadTokenizerJson(JSON.stringify(json));
    expect(encoder.encode(' hi')).toEqual([257]);
  });

  test('loadTokenizerJson adds a special token that model.vocab lacks', () => {
    const json = tinyTokenizerJson();
    json.added_tokens.push({ id: 259, content: '<|pad|>', special: true });
    const encoder = loadTokenizerJson(json);
    expect(encoder.vocabSize).toBe(260);
    expect(encoder.specialTokens).toEqual(
      new Map([
        ['<|endoftext|>', 258],
        ['<|pad|>', 259],
      ]),
    );
  });

  test('loadTokenizerJson ignores a non-special added token that model.vocab already has with that id', () => {
    const json = tinyTokenizerJson();
    json.added_tokens.push({ id: 257, content: 'Ġhi', special: false });
    expect(loadTokenizerJson(json).encode(' hi')).toEqual([257]);
  });

  const edit = (change: (json: Json) => void) => {
    const json = tinyTokenizerJson();
    change(json);
    return json;
  };
  test.each([
    ['a WordPiece model', edit((j) => (j.model.type = 'WordPiece')), 'UNSUPPORTED_FORMAT', 'json.model.type'],
    ['BPE dropout', edit((j) => (j.model.dropout = 0.1)), 'UNSUPPORTED_FORMAT', 'json.model.dropout'],
    [
      'a subword prefix',
      edit((j) => (j.model.continuing_subword_prefix = '##')),
      'UNSUPPORTED_FORMAT',
      'json.model.continuing_subword_prefix',
    ],
    [
      'an end-of-word suffix',
      edit((j) => (j.model.end_of_word_suffix = '</w>')),
      'UNSUPPORTED_FORMAT',
      'json.model.end_of_word_suffix',
    ],
    [
      'byte fallback',
      edit((j) => (j.model.byte_fallback = true)),
      'UNSUPPORTED_FORMAT',
      'json.model.byte_fallback',
    ],
    [
      'ignore_merges',
      edit((j) => (j.model.ignore_merges = true)),
      'UNSUPPORTED_FORMAT',
      'json.model.ignore_merges',
    ],
    ['a normalizer', edit((j) => (j.normalizer = { type: 'NFC' })), 'UNSUPPORTED_FORMAT', 'json.normalizer'],
    [
      'a Whitespace pre-tokenizer',
      edit((j) => (j.pre_tokenizer = { type: 'Whitespace' })),
      'UNSUPPORTED_FORMAT',
      'json.pre_tokenizer',
    ],
    ['no pre-tokenizer', edit((j) => (j.pre_tokenizer = null)), 'UNSUPPORTED_FORMAT', 'json.pre_tokenizer'],
    [
      'add_prefix_space',
      edit((j) => (j.pre_tokenizer.add_prefix_space = true)),
      'UNSUPPORTED_FORMAT',
      'json.pre_tokenizer.add_prefix_space',
    ],
    [
      'an absent add_prefix_space (Hugging Face defaults to true)',
      edit((j) => delete j.pre_tokenizer.add_prefix_space),
      'UNSUPPORTED_FORMAT',
      'json.pre_tokenizer.add_prefix_space',
    ],
    [
      'use_regex false',
      edit((j) => (j.pre_tokenizer.use_regex = false)),
      'UNSUPPORTED_FORMAT',
      'json.pre_tokenizer.use_regex',
    ],
    [
      'a WordPiece decoder',
      edit((j) => (j.decoder = { type: 'WordPiece', prefix: '##' })),
      'UNSUPPORTED_FORMAT',
      'json.decoder',
    ],
    [
      'a non-special added token',
      edit((j) => j.added_tokens.push({ id: 259, content: '<x>', special: false })),
      'UNSUPPORTED_FORMAT',
      'json.added_tokens[1].special',
    ],
    [
      'an added token with another id than in the vocabulary',
      edit((j) => j.added_tokens.push({ id: 259, content: 'Ġhi', special: true })),
      'INVALID_VOCABULARY',
      'json.added_tokens[1]',
    ],
    [
      'an added token reusing an id',
      edit((j) => j.added_tokens.push({ id: 257, content: '<x>', special: true })),
      'INVALID_VOCABULARY',
      'json.added_tokens[1]',
    ],
    [
      'a missing merge token',
      edit((j) => j.model.merges.push('Ġh o')),
      'INVALID_VOCABULARY',
      'model.merges[2]',
    ],
    [
      'a merge of three tokens',
      edit((j) => j.model.merges.push('a b c')),
      'INVALID_VOCABULARY',
      'json.model.merges[2]',
    ],
    [
      'a merge that is a number',
      edit((j) => j.model.merges.push(7)),
      'INVALID_VOCABULARY',
      'json.model.merges[2]',
    ],
    ['a duplicate id', edit((j) => (j.model.vocab.Ġhi = 0)), 'INVALID_VOCABULARY', 'model.vocab'],
    ['no model', edit((j) => delete j.model), 'INVALID_VOCABULARY', 'json.model'],
    ['a vocab that is an array', edit((j) => (j.model.vocab = [])), 'INVALID_VOCABULARY', 'json.model.vocab'],
    [
      'merges that are an object',
      edit((j) => (j.model.merges = {})),
      'INVALID_VOCABULARY',
      'json.model.merges',
    ],
    ['malformed JSON text', '{"model": ', 'INVALID_ARGUMENT', 'json'],
    ['a number', 42, 'INVALID_ARGUMENT', 'json'],
  ])('loadTokenizerJson with %s throws an error naming the field', (_, json, code, argument) => {
    const error = thrown(() => loadTokenizerJson(json as object));
    expect(error.code).toBe(code);
    expect(error.argument).toBe(argument);
    expect(error.message).toMatch(/^\[@lxmls\/bpe\] loadTokenizerJson: .*\. Expected .*, received .*\.$/s);
  });

  test('loadTokenizerJson names the unsupported value in the message', () => {
    expect(thrown(() => loadTokenizerJson(edit((j) => (j.model.type = 'Unigram')))).message).toBe(
      '[@lxmls/bpe] loadTokenizerJson: model.type is not supported. Expected "BPE", received string "Unigram".',
    );
    expect(thrown(() => loadTokenizerJson(edit((j) => (j.normalizer = { type: 'NFKC' })))).message).toBe(
      '[@lxmls/bpe] loadTokenizerJson: normalizer is not supported. Expected null (no normalizer), received an object of type "NFKC".',
    );
  });
});
