// Tests of GPT.forward's `returnQueriesKeys` (the data of a neuron view): one query and one key tensor per
// block, from which softmax(q·kᵀ/√hs) with the causal mask gives back the block's attention weights.
import { maskedFill, matmul, noGrad, softmax, type Tensor, tensor, tidy } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { weatherConfig } from './__fixtures__/weather-config.js';
import { GPT } from './model.js';

const maxGap = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const y = b.data();
  return Array.from(a.data()).reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
};

describe('GPT.forward(idx, null, { returnQueriesKeys: true })', () => {
  test.each([false, true])(
    'GPT.forward (pretrained %s) returns nLayer queries and keys (B, nh, T, hs) that give the attentions',
    (pretrained) => {
      const model = new GPT(weatherConfig({ pretrained }), { init: 'lcg' }).eval();
      const T = 6;
      tidy(() =>
        noGrad(() => {
          const idx = tensor([[1, 4, 4, 4, 3, 2]], undefined, 'int32'); // (1, T)
          const out = model.forward(idx, null, { returnAttentions: true, returnQueriesKeys: true });
          expect(out.queries).toHaveLength(3);
          expect(out.keys).toHaveLength(3);
          const future = tensor(
            Int32Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? 1 : 0)),
            [1, 1, T, T],
            'int32',
          ); // (1, 1, T, T), 1 above the diagonal
          for (let layer = 0; layer < 3; layer++) {
            const [q, k] = [out.queries![layer]!, out.keys![layer]!];
            expect(q.shape).toEqual([1, 3, T, 16]); // gpt-nano: 3 heads of 48 / 3 channels
            const scores = matmul(q, k, { transposeB: true }).div(Math.sqrt(16)); // (1, nh, T, T)
            const weights = softmax(maskedFill(scores, future, Number.NEGATIVE_INFINITY), -1); // (1, nh, T, T)
            expect(maxGap(weights, out.attentions![layer]!)).toBeLessThan(1e-6);
          }
          // asking for them changes nothing else
          expect(maxGap(out.logits, model.forward(idx).logits)).toBeLessThan(1e-5);
        }),
      );
      model.dispose();
    },
  );

  test('GPT.forward without the option returns only logits and loss', () => {
    const model = new GPT(weatherConfig(), { init: 'lcg' }).eval();
    tidy(() => {
      const out = model.forward(tensor([[1, 2]], undefined, 'int32'));
      expect(Object.keys(out).sort()).toEqual(['logits', 'loss']);
    });
    model.dispose();
  });
});
