// Tests of python-repr.ts: expected values were printed by CPython 3 (repr of each value).
import { describe, expect, test } from 'vitest';
import { pyBytesRepr, pyDisplayList, pyFloatRepr, pyRepr, pyStrRepr } from './python-repr.js';

describe('pyStrRepr', () => {
  test.each([
    ['plain', "'plain'"],
    ['', "''"],
    ["I'm", `"I'm"`],
    ['say "hi"', `'say "hi"'`],
    [`both ' and "`, `'both \\' and "'`],
    ['back\\slash', "'back\\\\slash'"],
    ['new\nline', "'new\\nline'"],
    ['tab\there', "'tab\\there'"],
    ['cr\r', "'cr\\r'"],
    ['emoji 🤗', "'emoji 🤗'"],
    ['nul\x00', "'nul\\x00'"],
    ['del\x7f', "'del\\x7f'"],
    ['nel\x85', "'nel\\x85'"],
    ['nbsp\xa0', "'nbsp\\xa0'"],
    ['soft\xad', "'soft\\xad'"],
    ['zwsp\u200b', "'zwsp\\u200b'"],
    ['ls\u2028', "'ls\\u2028'"],
    ['bom\ufeff', "'bom\\ufeff'"],
    ['\u{e0001}', "'\\U000e0001'"],
    ['\ud800', "'\\ud800'"],
    ['é', "'é'"],
    ['ĠðŁ¤Ĺ', "'ĠðŁ¤Ĺ'"],
  ])('pyStrRepr(%j) is %s', (text, expected) => {
    expect(pyStrRepr(text)).toBe(expected);
  });
});

describe('pyBytesRepr', () => {
  test.each([
    [[32, 240, 159, 164, 151], "b' \\xf0\\x9f\\xa4\\x97'"],
    [[105, 116, 39, 115], `b"it's"`],
    [[34, 113, 34], `b'"q"'`],
    [[39, 34], `b'\\'"'`],
    [[0, 9, 10, 13, 127, 92], "b'\\x00\\t\\n\\r\\x7f\\\\'"],
    [[], "b''"],
  ])('pyBytesRepr(%j) is %s', (bytes, expected) => {
    expect(pyBytesRepr(new Uint8Array(bytes))).toBe(expected);
  });
});

describe('pyFloatRepr', () => {
  test.each([
    [0.1, '0.1'],
    [2, '2.0'],
    [1e-5, '1e-05'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [123.456, '123.456'],
    [-0.0001, '-0.0001'],
    [0.00012, '0.00012'],
    [1 / 3, '0.3333333333333333'],
    [2.5e-300, '2.5e-300'],
    [1e22, '1e+22'],
    [-0, '-0.0'],
    [Number.NaN, 'nan'],
    [Number.NEGATIVE_INFINITY, '-inf'],
  ])('pyFloatRepr(%d) is %s', (x, expected) => {
    expect(pyFloatRepr(x)).toBe(expected);
  });
});

describe('pyRepr', () => {
  test('pyRepr prints lists, dicts, ints, bools and None as Python does', () => {
    expect(pyRepr(['Hello', "'m", 15496, true, false, null, 0.5, 10n])).toBe(
      `['Hello', "'m", 15496, True, False, None, 0.5, 10]`,
    );
    expect(
      pyRepr({ token: ' 🤗', token_bytes: new TextEncoder().encode(' 🤗'), token_ix: [12520, 97, 245] }),
    ).toBe("{'token': ' 🤗', 'token_bytes': b' \\xf0\\x9f\\xa4\\x97', 'token_ix': [12520, 97, 245]}");
    expect(pyRepr(new Map([['a', []]]))).toBe("{'a': []}");
    expect(pyRepr([])).toBe('[]');
  });

  test('pyDisplayList wraps a list one item per line when it does not fit in 79 columns, as IPython', () => {
    const words = 'I travelled to Lisbon in July to attend an NLP summer school'.split(' ');
    expect(pyDisplayList(words)).toBe(
      "['I',\n 'travelled',\n 'to',\n 'Lisbon',\n 'in',\n 'July',\n 'to',\n 'attend',\n 'an',\n 'NLP',\n 'summer',\n 'school']",
    );
    expect(pyDisplayList(['a', 'b'])).toBe("['a', 'b']");
  });
});
