import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BasicTokenizer, isPunctuation } from './basic-tokenizer.js';
import { LxmlsBertError } from './errors.js';
import { BertTokenizer } from './tokenizer.js';
import { WordpieceTokenizer } from './wordpiece.js';

const fixtures = new URL('./__fixtures__/', import.meta.url);
const vocabText = readFileSync(new URL('tiny-bert/vocab.txt', fixtures), 'utf8');

/** The `__metadata__` of a safetensors file (8-byte little-endian header length, then the JSON header). */
function safetensorsMetadata(path: URL): Record<string, string> {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  return JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')).__metadata__;
}

interface Case {
  text: string;
  tokens: string[];
  ids: number[];
}
const reference = safetensorsMetadata(new URL('tiny-bert-reference.safetensors', fixtures));
const cases: Case[] = JSON.parse(reference.wordpiece_cases!);

/** The real tokenizer.json: the stored header with the vocabulary put back from vocab.txt (id = line). */
function tokenizerJson(): Record<string, { vocab: Record<string, number> } & Record<string, unknown>> {
  const json = JSON.parse(readFileSync(new URL('tiny-bert/tokenizer-without-vocab.json', fixtures), 'utf8'));
  json.model.vocab = Object.fromEntries(
    vocabText
      .split('\n')
      .slice(0, -1)
      .map((t, i) => [t, i]),
  );
  return json;
}

const fromVocab = BertTokenizer.fromVocab(vocabText);
const fromJson = BertTokenizer.fromTokenizerJson(tokenizerJson());

describe('the 40 Hugging Face reference strings', () => {
  test('there are 40 cases', () => {
    expect(cases).toHaveLength(40);
  });

  test.each(cases.map((c) => [JSON.stringify(c.text).slice(0, 60), c] as const))(
    'BertTokenizer.fromVocab(vocab.txt).encode(%s)',
    (_, c) => {
      expect(fromVocab.tokenize(c.text)).toEqual(c.tokens);
      expect(fromVocab.encode(c.text).ids).toEqual(c.ids);
    },
  );

  test.each(cases.map((c) => [JSON.stringify(c.text).slice(0, 60), c] as const))(
    'BertTokenizer.fromTokenizerJson(tokenizer.json).encode(%s)',
    (_, c) => {
      expect(fromJson.tokenize(c.text)).toEqual(c.tokens);
      expect(fromJson.encode(c.text).ids).toEqual(c.ids);
    },
  );

  test('BertTokenizer.encode of the notebook sentence gives the reference tokens', () => {
    const text: string = JSON.parse(reference.text!);
    expect(text).toBe('I will go for a run and will jump into a lake.');
    expect(fromVocab.encode(text).tokens).toEqual(JSON.parse(reference.tokens!));
    expect(fromVocab.tokenize(text)).toHaveLength(13);
  });
});

describe('BertTokenizer.tokenize, targeted cases', () => {
  test.each([
    ['accents', 'Héllo', ['hello']],
    ['combining accent', 'cafe\u0301', ['cafe']],
    ['Chinese characters split one by one', '中文abc', ['中', '文', 'abc']],
    ['control characters removed', 'ze\u0000ro\u0007\u200b!', ['zero', '!']],
    ['U+FFFD removed', 'a\uFFFDb', ['ab']],
    ['lone surrogate removed', 'a\uD800b', ['ab']],
    ['vertical tab is a control character, not a space (as in Rust and Python)', 'a\u000bb', ['ab']],
    ['U+0085 is removed (a control character first)', 'a\u0085b', ['ab']],
    ['no-break space and U+3000 split', 'a\u00a0b\u3000c', ['a', 'b', 'c']],
    ['punctuation inside words', 'state-of-the-art', ['state', '-', 'of', '-', 'the', '-', 'art']],
    ['ASCII symbols count as punctuation', 'a$b+c^d`e', ['a', '$', 'b', '+', 'c', '^', 'd', '`', 'e']],
    ["don't", "don't", ['don', "'", 't']],
    ['Unicode punctuation', '¿qué?', ['¿', 'que', '?']],
    ['special tokens in the text are kept whole', 'a [SEP]b[MASK]', ['a', '[SEP]', 'b', '[MASK]']],
    ['special tokens are case-sensitive', '[sep]', ['[', 'sep', ']']],
    ['a final sigma lower-cases as σ (character by character)', 'ΟΔΟΣ', fromVocab.tokenize('οδοσ')],
    ['a 100-character word is split', 'a'.repeat(100), fromVocab.tokenize('a'.repeat(100))],
    ['a 101-character word is [UNK]', 'a'.repeat(101), ['[UNK]']],
    ['length counts code points', '😀'.repeat(60), ['[UNK]']],
  ] as const)('BertTokenizer.tokenize: %s', (_, text, expected) => {
    expect(fromVocab.tokenize(text)).toEqual(expected);
  });

  test('BertTokenizer.tokenize: a 100-character word is not [UNK]', () => {
    expect(fromVocab.tokenize('a'.repeat(100))).not.toEqual(['[UNK]']);
  });

  test('BertTokenizer.tokenize: doLowerCase false keeps case and accents', () => {
    const cased = BertTokenizer.fromVocab(vocabText, { doLowerCase: false });
    expect(cased.basicTokenizer.tokenize('Héllo WORLD')).toEqual(['Héllo', 'WORLD']);
    // stripAccents alone, without lower-casing
    const stripped = new BasicTokenizer({ doLowerCase: false, stripAccents: true });
    expect(stripped.tokenize('Héllo')).toEqual(['Hello']);
  });

  test('BertTokenizer.tokenize: tokenizeChineseChars false keeps ideographs together', () => {
    const t = BertTokenizer.fromVocab(vocabText, { tokenizeChineseChars: false });
    expect(t.basicTokenizer.tokenize('中文abc')).toEqual(['中文abc']);
  });

  test('BertTokenizer.tokenize: neverSplit keeps extra tokens whole', () => {
    const t = BertTokenizer.fromVocab(vocabText, { neverSplit: ['[unused0]'] });
    expect(t.tokenize('hi [unused0] there')).toEqual(['hi', '[unused0]', 'there']);
    expect(t.encode('[unused0]').ids).toEqual([101, 1, 102]);
  });
});

describe('BasicTokenizer and WordpieceTokenizer', () => {
  test.each([
    ['$', true],
    ['-', true],
    ['`', true],
    ['~', true],
    ['«', true],
    ['、', true],
    ['a', false],
    ['€', false],
    [' ', false],
    ['', false],
  ] as const)('isPunctuation(%j) is %s', (char, expected) => {
    expect(isPunctuation(char)).toBe(expected);
  });

  test('BasicTokenizer.normalize follows the order clean → CJK → accents → lower case', () => {
    expect(new BasicTokenizer().normalize('Ä\t中\u0000')).toBe('a  中 ');
  });

  test('WordpieceTokenizer.tokenize prefers the longest piece', () => {
    const vocab = new Map(['[UNK]', 'a', 'ab', 'abc', '##c', '##bc', '##d'].map((t, i) => [t, i]));
    const wp = new WordpieceTokenizer(vocab);
    expect(wp.tokenize('abcd')).toEqual(['abc', '##d']);
    expect(wp.tokenize('abx')).toEqual(['[UNK]']);
    expect(new WordpieceTokenizer(vocab, { maxInputCharsPerWord: 3 }).tokenize('abcd')).toEqual(['[UNK]']);
  });

  test('new WordpieceTokenizer without [UNK] throws INVALID_VOCABULARY', () => {
    expect(() => new WordpieceTokenizer(new Map([['a', 0]]))).toThrowError(
      expect.objectContaining({ code: 'INVALID_VOCABULARY' }),
    );
  });
});

describe('BertTokenizer.encode, decode and conversions', () => {
  test('BertTokenizer.encode({ addSpecialTokens: false }) has no [CLS]/[SEP]', () => {
    const enc = fromVocab.encode('Hello world', { addSpecialTokens: false });
    expect(enc).toEqual({
      ids: [7592, 2088],
      tokens: ['hello', 'world'],
      tokenTypeIds: [0, 0],
      attentionMask: [1, 1],
    });
  });

  test('BertTokenizer.encode(a, { pair: b }) gives [CLS] a [SEP] b [SEP] with types 0/1', () => {
    const enc = fromVocab.encode('Hello world', { pair: 'Good bye!' });
    expect(enc.tokens).toEqual(['[CLS]', 'hello', 'world', '[SEP]', 'good', 'bye', '!', '[SEP]']);
    expect(enc.ids).toEqual([101, 7592, 2088, 102, 2204, 9061, 999, 102]);
    expect(enc.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(enc.attentionMask).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  test('BertTokenizer.encodeBatch pads with [PAD] on the right', () => {
    const batch = fromVocab.encodeBatch(['Hello world', 'Hi']);
    expect(batch.ids).toEqual([
      [101, 7592, 2088, 102],
      [101, 7632, 102, 0],
    ]);
    expect(batch.tokens[1]).toEqual(['[CLS]', 'hi', '[SEP]', '[PAD]']);
    expect(batch.attentionMask).toEqual([
      [1, 1, 1, 1],
      [1, 1, 1, 0],
    ]);
    expect(batch.tokenTypeIds).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(fromVocab.encodeBatch([])).toEqual({ ids: [], tokens: [], tokenTypeIds: [], attentionMask: [] });
  });

  test.each([
    [
      "I'm sure you'll see they've done what we'd said it's for.",
      "i'm sure you'll see they've done what we'd said it's for.",
    ],
    ['Your drawing is charmingly anachronistic.', 'your drawing is charmingly anachronistic.'],
    ['naïve café', 'naive cafe'],
  ])('BertTokenizer.decode(encode(%j)) skipping specials', (text, expected) => {
    expect(fromVocab.decode(fromVocab.encode(text).ids, { skipSpecialTokens: true })).toBe(expected);
  });

  test('BertTokenizer.decode keeps specials by default and can skip the clean-up', () => {
    const ids = fromVocab.encode('Hello, world!').ids;
    expect(fromVocab.decode(ids)).toBe('[CLS] hello, world! [SEP]');
    expect(fromVocab.decode(ids, { cleanUpTokenizationSpaces: false })).toBe('[CLS] hello , world ! [SEP]');
    expect(fromVocab.decode([])).toBe('');
  });

  test('BertTokenizer.convertTokensToIds maps unknown tokens to [UNK]; convertIdsToTokens inverts', () => {
    expect(fromVocab.convertTokensToIds(['[CLS]', 'lake', 'zzzzqqq'])).toEqual([101, 2697, 100]);
    expect(fromVocab.convertIdsToTokens([101, 2697, 100])).toEqual(['[CLS]', 'lake', '[UNK]']);
  });

  test('BertTokenizer ids and sizes', () => {
    expect(fromVocab.vocabSize).toBe(30522);
    expect([fromVocab.padTokenId, fromVocab.unkTokenId, fromVocab.clsTokenId, fromVocab.sepTokenId]).toEqual([
      0, 100, 101, 102,
    ]);
    expect(fromVocab.maskTokenId).toBe(103);
    expect(fromVocab.specialTokens).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(fromVocab.getVocab().get('lake')).toBe(2697);
    expect(fromJson.getVocab()).toEqual(fromVocab.getVocab());
  });

  test('BertTokenizer.fromVocab reads \\r\\n line endings and a file without a final newline', () => {
    const t = BertTokenizer.fromVocab('[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nhi');
    expect(t.encode('hi').ids).toEqual([2, 4, 3]);
    expect(t.vocabSize).toBe(5);
  });
});

describe('BertTokenizer errors', () => {
  test.each([
    ['decode of an unknown id', () => fromVocab.decode([101, 40000]), 'UNKNOWN_ID'],
    ['decode of a non-integer', () => fromVocab.decode([1.5]), 'UNKNOWN_ID'],
    ['tokenize of a number', () => fromVocab.tokenize(5 as unknown as string), 'INVALID_ARGUMENT'],
    [
      'encode with a non-string pair',
      () => fromVocab.encode('a', { pair: 1 as unknown as string }),
      'INVALID_ARGUMENT',
    ],
    ['fromVocab without [UNK]', () => BertTokenizer.fromVocab('[CLS]\n[SEP]\n'), 'INVALID_VOCABULARY'],
    ['fromVocab without [CLS]', () => BertTokenizer.fromVocab('[UNK]\n[SEP]\n'), 'INVALID_VOCABULARY'],
    [
      'fromVocab of a Buffer',
      () => BertTokenizer.fromVocab(Buffer.from('x') as unknown as string),
      'INVALID_ARGUMENT',
    ],
    [
      'fromTokenizerJson of broken JSON',
      () => BertTokenizer.fromTokenizerJson('{"model":'),
      'UNSUPPORTED_TOKENIZER',
    ],
    [
      'fromTokenizerJson of a BPE tokenizer',
      () => BertTokenizer.fromTokenizerJson({ model: { type: 'BPE', vocab: {}, merges: [] } }),
      'UNSUPPORTED_TOKENIZER',
    ],
    [
      'fromTokenizerJson with another pre-tokenizer',
      () => BertTokenizer.fromTokenizerJson({ ...tokenizerJson(), pre_tokenizer: { type: 'ByteLevel' } }),
      'UNSUPPORTED_TOKENIZER',
    ],
    [
      'encodeBatch needing padding without [PAD]',
      () => BertTokenizer.fromVocab('[UNK]\n[CLS]\n[SEP]\na\n').encodeBatch(['a', 'a a']),
      'INVALID_VOCABULARY',
    ],
  ] as const)('BertTokenizer: %s throws %s', (_, call, code) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(LxmlsBertError.isInstance(error)).toBe(true);
    expect((error as LxmlsBertError).code).toBe(code);
    expect((error as Error).message).toMatch(/^\[@lxmls\/bert\] \S+: /);
  });

  test('BertTokenizer.decode names the bad id', () => {
    expect(() => fromVocab.decode([101, 40000])).toThrow(
      '[@lxmls/bert] BertTokenizer.decode: ids[1] is not a token id. Expected an integer in [0, 30522), received number 40000.',
    );
  });
});

describe('BertTokenizer properties', () => {
  test('BertTokenizer.encode never throws on random Unicode and gives ids in range', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const { ids, tokens, tokenTypeIds, attentionMask } = fromVocab.encode(text);
        expect(ids[0]).toBe(101);
        expect(ids[ids.length - 1]).toBe(102);
        expect(tokens).toHaveLength(ids.length);
        expect(tokenTypeIds.every((t) => t === 0)).toBe(true);
        expect(attentionMask.every((m) => m === 1)).toBe(true);
        for (const id of ids) expect(Number.isInteger(id) && id >= 0 && id < fromVocab.vocabSize).toBe(true);
        expect(fromVocab.convertIdsToTokens(ids)).toEqual(tokens);
      }),
      { seed: 20240712, numRuns: 400 },
    );
  });

  test('BertTokenizer.encode of random strings with lone surrogates and controls never throws', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary-ascii', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        (a, b) => {
          const text = `${a}\uD800${b}\u0000`;
          const enc = fromJson.encode(text, { pair: b });
          expect(enc.ids).toEqual(fromVocab.encode(text, { pair: b }).ids);
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  test('BertTokenizer.decode(encode(s)) for lower-case ASCII words in the vocabulary gives s back', () => {
    const words = ['the', 'lake', 'run', 'jump', 'into', 'will', 'go', 'a'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 12 }), (ws) => {
        const text = ws.join(' ');
        expect(fromVocab.decode(fromVocab.encode(text).ids, { skipSpecialTokens: true })).toBe(text);
      }),
      { seed: 3, numRuns: 100 },
    );
  });
});
