// Tests of the neuron view without a DOM (toSvg, toHtml) and of its input checks.
import { describe, expect, test } from 'vitest';
import { seeded } from './__fixtures__/attention.js';
import { LxmlsVizError, toHtml, toSvg } from './index.js';

/** Seeded vectors `[layer][head][token][dim]` with no element near 0 (so every cell is visible). */
function vectors(layers: number, heads: number, n: number, dim: number, seed = 9): number[][][][] {
  const rnd = seeded(seed);
  return Array.from({ length: layers }, () =>
    Array.from({ length: heads }, () =>
      Array.from({ length: n }, () =>
        Array.from({ length: dim }, () => (rnd() < 0.5 ? -1 : 1) * (0.1 + 0.9 * rnd())),
      ),
    ),
  );
}

const tokens = ['The', 'Ġcat', 'Ġsat'];
const queries = vectors(2, 2, 3, 4, 1);
const keys = vectors(2, 2, 3, 4, 2);
const count = (svg: string, cls: string) => svg.match(new RegExp(`class="${cls}"`, 'g'))?.length ?? 0;
const weightsOf = (svg: string) => [...svg.matchAll(/data-weight="([^"]+)"/g)].map((m) => Number(m[1]));

describe("toSvg('neuron')", () => {
  test("toSvg('neuron') draws q, one k and q × k row per key, and a softmax that sums to 1", () => {
    const svg = toSvg('neuron', { tokens, queries, keys }, { layer: 1, head: 1, query: 2 });
    expect(count(svg, 'lx-cell lx-q')).toBe(4);
    expect(count(svg, 'lx-cell lx-k')).toBe(3 * 4);
    expect(count(svg, 'lx-cell lx-qk')).toBe(3 * 4);
    const w = weightsOf(svg);
    expect(w).toHaveLength(3);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(svg).toContain('layer 1 · head 1 · query ␣sat');
  });

  test("toSvg('neuron') scores are q · k × scale (1/√dim by default) and the weights their softmax", () => {
    const q = [[[[1, 2]]]];
    const k = [
      [
        [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
      ],
    ];
    const data = { tokens: ['x'], keyTokens: ['a', 'b', 'c'], queries: q, keys: k };
    const scores = [1, 2, 3].map((s) => s / Math.sqrt(2));
    const z = scores.map(Math.exp);
    const want = z.map((v) => v / z.reduce((a, b) => a + b, 0));
    weightsOf(toSvg('neuron', data)).forEach((w, j) => {
      expect(w).toBeCloseTo(want[j]!, 12);
    });
    expect(toSvg('neuron', data, { scale: 1 })).toContain('>3</text>');
  });

  test("toSvg('neuron', …, { causal: true }) masks the keys after the query", () => {
    const w = weightsOf(toSvg('neuron', { tokens, queries, keys }, { query: 0, causal: true }));
    expect(w).toEqual([1, 0, 0]);
  });

  test("toHtml('neuron') embeds the vectors as float32 and has no URL", () => {
    const html = toHtml('neuron', { tokens, queries, keys });
    expect(html).not.toMatch(/https?:\/\//);
    const payload = JSON.parse(html.match(/id="lx-data">([^<]*)<\/script>/)![1]!);
    expect(payload.view).toBe('neuron');
    expect(Buffer.from(payload.data.queries, 'base64').length).toBe(2 * 2 * 3 * 4 * 4);
  });

  test.each([
    [
      'queries with a missing vector',
      { tokens, queries: vectors(1, 1, 2, 4), keys: vectors(1, 1, 3, 4) },
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: queries[0][0] has 2 vectors. Expected 3 vectors (one per token), received 2.',
    ],
    [
      'keys of another size than the queries',
      { tokens, queries: vectors(1, 1, 3, 4), keys: vectors(1, 1, 3, 5) },
      'SHAPE_MISMATCH',
      "[@lxmls/viz] toSvg: keys[0][0][0] has 5 numbers. Expected 4 numbers (the size of queries's vectors), received 5.",
    ],
    [
      'keys with fewer layers',
      { tokens, queries: vectors(2, 1, 3, 4), keys: vectors(1, 1, 3, 4) },
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: keys has 1 layer, but queries has 2. Expected 2 layers, received 1.',
    ],
    [
      'an infinite query',
      { tokens: ['a'], queries: [[[[1, Number.POSITIVE_INFINITY]]]], keys: [[[[1, 1]]]] },
      'NON_FINITE',
      '[@lxmls/viz] toSvg: queries[0][0][0][1] is not a finite number. Expected a finite number, received number Infinity.',
    ],
    [
      'no tokens',
      { tokens: [], queries: [], keys: [] },
      'EMPTY_INPUT',
      '[@lxmls/viz] toSvg: tokens is empty. Expected at least one token, received an empty array.',
    ],
  ])("toSvg('neuron', %s) throws a clear error", (_, data, code, message) => {
    try {
      toSvg('neuron', data);
      expect.unreachable();
    } catch (e) {
      expect(LxmlsVizError.isInstance(e) && e.code).toBe(code);
      expect((e as Error).message).toBe(message);
    }
  });

  test.each([
    [
      { renderer: 'gpu' },
      "options.renderer is out of range. Expected 'auto', 'svg' or 'canvas', received string \"gpu\".",
    ],
    [
      { canvasThreshold: 0 },
      'options.canvasThreshold is out of range. Expected a positive number, received number 0.',
    ],
  ])("toSvg('neuron', …, %o) names the option out of range", (options, message) => {
    expect(() => toSvg('neuron', { tokens, queries, keys }, options as never)).toThrow(
      `[@lxmls/viz] toSvg: ${message}`,
    );
  });

  test("toSvg('neuron') is the same picture whatever the live renderer option", () => {
    const data = { tokens, queries, keys };
    expect(toSvg('neuron', data, { renderer: 'canvas', query: 1 })).toBe(toSvg('neuron', data, { query: 1 }));
  });

  test("toSvg('neuron', …, { head: 2 }) names the option out of range", () => {
    expect(() => toSvg('neuron', { tokens, queries, keys }, { head: 2 })).toThrow(
      '[@lxmls/viz] toSvg: options.head is out of range. Expected an integer in [0, 2), received number 2.',
    );
  });
});
