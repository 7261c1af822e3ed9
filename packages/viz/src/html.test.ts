// Tests of toHtml and of the renderer's inlined source: the page is self-contained (no URL, no external
// src/href, a CSP forbidding requests), its data survives the trip, and the inlined code is closed.
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { fixture, TOKENS } from './__fixtures__/attention.js';
import { toHtml, toSvg } from './index.js';
import { runtimeSource } from './runtime/index.js';

const attention = fixture(2, 3, 5);
const payloadOf = (html: string) =>
  JSON.parse(html.match(/<script type="application\/json" id="lx-data">([^<]*)<\/script>/)![1]!);

describe('toHtml', () => {
  test.each(['head', 'model'] as const)(
    "toHtml('%s') has no URL, no external src or href, and a CSP",
    (view) => {
      const html = toHtml(view, { tokens: TOKENS, attention });
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/\s(src|href)\s*=/i);
      expect(html).not.toMatch(/@import|url\(/);
      expect(html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'`);
      expect(html.match(/<script/g)).toHaveLength(2);
    },
  );

  test('toHtml keeps float32 weights exactly, or rounds them to uint8 when asked', () => {
    const exact = payloadOf(toHtml('head', { tokens: TOKENS, attention }));
    expect(exact.data.encoding).toBe('float32');
    const bytes = Buffer.from(exact.data.weights, 'base64');
    const w = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    expect(w.length).toBe(2 * 3 * 25);
    expect(w[25 * 4 + 7]).toBeCloseTo(attention[1]![1]![1]![2]!, 6); // layer 1, head 1, query 1, key 2
    const small = payloadOf(toHtml('head', { tokens: TOKENS, attention }, { precision: 'uint8' }));
    expect(small.data.encoding).toBe('uint8');
    expect(Buffer.from(small.data.weights, 'base64').length).toBe(150);
  });

  test('toHtml escapes tokens that could close the script element', () => {
    const html = toHtml('head', { tokens: ['</script><script>alert(1)</script>'], attention: [[[[1]]]] });
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(payloadOf(html).data.tokens).toEqual(['</script><script>alert(1)</script>']);
  });

  test("toHtml('bpe') and toHtml('loss') embed their data", () => {
    const work = {
      parts: [
        { token: 'hi', tokenBytes: [104, 105], tokenTranslated: 'hi', tokenMerged: ['hi'], tokenIx: [5303] },
      ],
    };
    expect(payloadOf(toHtml('bpe', work)).data[0].ids).toEqual([5303]);
    expect(
      payloadOf(toHtml('loss', { points: [{ step: 1, loss: 2 }], bayesLoss: 0.25 })).data.bayesLoss,
    ).toBe(0.25);
  });
});

describe('runtimeSource', () => {
  test('runtimeSource() evaluates in an empty context and draws the same SVG as toSvg', () => {
    // No globals but the language's own: any reference to a module variable would throw here.
    const lib = runInNewContext(runtimeSource(), {}) as {
      headSvg: (...args: unknown[]) => string;
    };
    const model = {
      tokens: TOKENS.map((t) => t.replace('Ġ', '␣')),
      keyTokens: TOKENS.map((t) => t.replace('Ġ', '␣')),
      layers: 2,
      heads: 3,
      weights: attention.flatMap((layer) => layer.map((head) => Float32Array.from(head.flat()))),
    };
    const options = {
      layer: 1,
      heads: [0, 1, 2],
      theme: 'light',
      renderer: 'auto',
      minWeight: 0,
      canvasThreshold: 2e4,
      sentences: 'all',
      pngButton: true,
    };
    const svg = lib.headSvg(model, options, { lines: true, allHeads: false });
    expect(svg.replace('<svg ', '<svg xmlns="http://www.w3.org/2000/svg" ')).toBe(
      toSvg('head', { tokens: TOKENS, attention }, { layer: 1 }),
    );
    expect(runtimeSource()).not.toMatch(/<\/script/i);
  });
});
