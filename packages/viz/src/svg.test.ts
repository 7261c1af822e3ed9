// Tests of toSvg: element counts of each view for a fixture, themes, layers and heads.
import { describe, expect, test } from 'vitest';
import { fixture, TOKENS } from './__fixtures__/attention.js';
import { toSvg } from './index.js';

const attention = fixture(2, 3, 5); // 2 layers × 3 heads × 5 tokens
const count = (svg: string, cls: string) => svg.match(new RegExp(`class="${cls}"`, 'g'))?.length ?? 0;

describe('toSvg', () => {
  test("toSvg('head') draws heads × queries × keys lines for the chosen layer", () => {
    const svg = toSvg('head', { tokens: TOKENS, attention }, { layer: 1 });
    expect(count(svg, 'lx-line')).toBe(3 * 5 * 5);
    expect(count(svg, 'lx-token')).toBe(10);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
    expect(svg).toContain('layer 1');
  });

  test.each([
    [[0], 25],
    [[0, 2], 50],
    [[2, 2, 1], 50],
  ])("toSvg('head', …, { heads: %j }) draws only the selected heads", (heads, lines) => {
    const svg = toSvg('head', { tokens: TOKENS, attention }, { heads });
    expect(count(svg, 'lx-line')).toBe(lines);
    expect(count(svg, 'lx-swatch')).toBe(new Set(heads).size);
  });

  test("toSvg('head') uses each weight as the line's opacity, skips zeros and weights under minWeight", () => {
    const tokens = ['a', 'b'];
    const head = [
      [1, 0],
      [0.25, 0.75],
    ];
    const svg = toSvg('head', { tokens, attention: [[head]] });
    expect(svg.match(/stroke-opacity="[^"]+"/g)).toEqual([
      'stroke-opacity="1"',
      'stroke-opacity="0.25"',
      'stroke-opacity="0.75"',
    ]);
    expect(count(toSvg('head', { tokens, attention: [[head]] }, { minWeight: 0.5 }), 'lx-line')).toBe(2);
  });

  test("toSvg('head') takes typed-array rows and flat typed-array heads, and cross-attention key tokens", () => {
    const rows = attention.map((layer) => layer.map((head) => head.map((row) => Float32Array.from(row))));
    expect(count(toSvg('head', { tokens: TOKENS, attention: rows }), 'lx-line')).toBe(75);
    const flat = attention.map((layer) => layer.map((head) => Float64Array.from(head.flat())));
    expect(count(toSvg('head', { tokens: TOKENS, attention: flat }), 'lx-line')).toBe(75);
    const cross = fixture(1, 2, 3, 4);
    const svg = toSvg('head', { tokens: ['x', 'y', 'z'], keyTokens: ['p', 'q', 'r', 's'], attention: cross });
    expect(count(svg, 'lx-line')).toBe(2 * 3 * 4);
    expect(svg.match(/data-side="k"/g)).toHaveLength(4);
  });

  test("toSvg('head') prettifies tokens by default and escapes markup", () => {
    const svg = toSvg('head', { tokens: ['<b>', 'Ġ&'], attention: [[fixture(1, 1, 2)[0]![0]!]] });
    expect(svg).toContain('&lt;b&gt;');
    expect(svg).toContain('␣&amp;');
    expect(toSvg('head', { tokens: ['Ġa'], attention: [[[[1]]]] }, { prettify: false })).toContain('>Ġa<');
  });

  test("toSvg('head', …, { theme: 'dark' }) draws on a dark background", () => {
    expect(toSvg('head', { tokens: TOKENS, attention }, { theme: 'dark' })).toContain('fill="#1e1e1e"');
    expect(toSvg('head', { tokens: TOKENS, attention })).toContain('fill="#ffffff"');
  });

  test("toSvg('model') draws layers × heads thumbnails of queries × keys cells", () => {
    const svg = toSvg('model', { tokens: TOKENS, attention });
    expect(count(svg, 'lx-thumb')).toBe(2 * 3);
    expect(count(svg, 'lx-cell')).toBe(2 * 3 * 5 * 5);
  });

  test("toSvg('model') max-pools long inputs to maxCells per side", () => {
    const tokens = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const svg = toSvg('model', { tokens, attention: fixture(1, 2, 20) }, { maxCells: 8 });
    expect(count(svg, 'lx-cell')).toBe(2 * 8 * 8);
  });

  test("toSvg('bpe') draws one box per merged token with its id", () => {
    const work = {
      tokens: ['Hello', ' world'],
      parts: [
        {
          token: 'Hello',
          tokenBytes: new Uint8Array([72, 101, 108, 108, 111]),
          tokenTranslated: 'Hello',
          tokenMerged: ['Hello'],
          tokenIx: [15496],
        },
        {
          token: ' 🤗',
          tokenBytes: [32, 240, 159, 164, 151],
          tokenTranslated: 'ĠðŁ¤Ĺ',
          tokenMerged: ['ĠðŁ', '¤', 'Ĺ'],
          tokenIx: [12520, 97, 245],
        },
      ],
    };
    const svg = toSvg('bpe', work);
    expect(count(svg, 'lx-bpe-token')).toBe(4);
    expect(count(svg, 'lx-bpe-merged')).toBe(4);
    expect(count(svg, 'lx-bpe-row')).toBe(2);
    for (const id of ['15496', '12520', '97', '245']) expect(svg).toContain(`>${id}<`);
    expect(svg).toContain('20 f0 9f a4 97');
    expect(svg).toContain('4 tokens, 2 chunks');
    expect(count(toSvg('bpe', { parts: [] }), 'lx-bpe-token')).toBe(0);
  });

  test("toSvg('loss') draws the curve and the Bayes-optimal line", () => {
    const points = [
      { step: 0, loss: 1.4 },
      { step: 10, loss: 0.7 },
      { step: 20, loss: 0.3 },
    ];
    const svg = toSvg('loss', { points, bayesLoss: 0.2502 });
    expect(count(svg, 'lx-loss-line')).toBe(1);
    expect(count(svg, 'lx-bayes')).toBe(1);
    expect(svg).toContain('Bayes-optimal 0.2502');
    expect(svg.match(/points="([^"]+)"/)![1]!.split(' ')).toHaveLength(3);
    expect(count(toSvg('loss', { points: [] }), 'lx-loss-line')).toBe(0);
    expect(count(toSvg('loss', { points }), 'lx-bayes')).toBe(0);
  });
});

describe('toSvg head view: sentence pairs, cross-attention, themes', () => {
  const seven = ['[CLS]', 'a', 'b', '[SEP]', 'c', 'd', '[SEP]'];
  const pair = fixture(1, 2, 7);

  test.each([
    ['all', 2 * 7 * 7],
    ['a-a', 2 * 4 * 4],
    ['a-b', 2 * 4 * 3],
    ['b-a', 2 * 3 * 4],
    ['b-b', 2 * 3 * 3],
  ] as const)(
    "toSvg('head', …, { sentenceBStart: 4, sentences: '%s' }) draws %i lines",
    (sentences, lines) => {
      const svg = toSvg('head', { tokens: seven, attention: pair }, { sentenceBStart: 4, sentences });
      expect(count(svg, 'lx-line')).toBe(lines);
    },
  );

  test("toSvg('head') dims the tokens outside the chosen block", () => {
    const svg = toSvg('head', { tokens: seven, attention: pair }, { sentenceBStart: 4, sentences: 'a-b' });
    expect(svg.match(/class="lx-token lx-dim" data-side="q"/g)).toHaveLength(3);
    expect(svg.match(/class="lx-token lx-dim" data-side="k"/g)).toHaveLength(4);
    expect(svg).toContain('layer 0 · A → B · heads');
  });

  test.each([
    [
      { sentenceBStart: 0 },
      'options.sentenceBStart is out of range. Expected an integer in [1, 7) (both sentences non-empty), received number 0.',
    ],
    [
      { sentenceBStart: 7 },
      'options.sentenceBStart is out of range. Expected an integer in [1, 7) (both sentences non-empty), received number 7.',
    ],
    [
      { sentences: 'a-b' as const },
      'options.sentences is out of range. Expected \'all\' unless options.sentenceBStart is set, received string "a-b".',
    ],
    [
      { sentenceBStart: 2, sentences: 'ab' as never },
      "options.sentences is out of range. Expected 'all', 'a-a', 'a-b', 'b-a' or 'b-b', received string \"ab\".",
    ],
  ])('toSvg(head, pair, %j) names the option', (options, message) => {
    expect(() => toSvg('head', { tokens: seven, attention: pair }, options)).toThrow(
      `[@lxmls/viz] toSvg: ${message}`,
    );
  });

  test("toSvg('head') refuses sentenceBStart with keyTokens (cross-attention has no sentence pair)", () => {
    expect(() =>
      toSvg(
        'head',
        { tokens: ['x', 'y'], keyTokens: ['p', 'q'], attention: fixture(1, 1, 2) },
        { sentenceBStart: 1 },
      ),
    ).toThrow(
      'options.sentenceBStart is out of range. Expected no sentenceBStart with keyTokens (cross-attention)',
    );
  });

  test("toSvg(…, { theme: 'auto' }) is light without a browser to ask", () => {
    expect(toSvg('head', { tokens: TOKENS, attention }, { theme: 'auto' })).toContain('fill="#ffffff"');
  });
});
