// clipByNorm, the global-norm clip of one vector: composed from core ops it gives torch's clip_grad_norm_
// values; a backend's optional clipNorm kernel is called once with the vector's size and maxNorm.
import { describe, expect, test } from 'vitest';
import type { ClipNormAttrs, ClipNormInputs } from '../backend.js';
import { JsBackend } from '../backends/js.js';
import { RandomGenerator } from '../random.js';
import { withBackend } from '../registry.js';
import * as ops from './index.js';

/** js with a clipNorm kernel (float64 arithmetic, rounded once), recording each call's attributes. */
class WithClip extends JsBackend {
  override readonly name = 'js-clip';
  readonly calls: ClipNormAttrs[] = [];
  clipNorm({ x, out, norm }: ClipNormInputs<Float32Array>, attrs: ClipNormAttrs): void {
    this.calls.push(attrs);
    let s = 0;
    for (let i = 0; i < attrs.size; i++) s += x[i]! * x[i]!;
    const n = Math.fround(Math.sqrt(s));
    const c = Math.min(1, Math.fround(attrs.maxNorm / Math.fround(n + 1e-6)));
    norm[0] = n;
    for (let i = 0; i < attrs.size; i++) out[i] = x[i]! * c;
  }
}

describe('clipByNorm', () => {
  test.each([
    ['above maxNorm: scaled to it', [3, 4], 1, 5, [0.6, 0.8]],
    ['below maxNorm: unchanged', [0.3, 0.4], 1, 0.5, [0.3, 0.4]],
    ['a zero vector: unchanged', [0, 0, 0], 2, 0, [0, 0, 0]],
  ])('clipByNorm %s', (_, values, maxNorm, norm, scaled) => {
    const [y, n] = ops.clipByNorm(ops.tensor(values), maxNorm);
    expect(n.shape).toEqual([]);
    expect(n.item()).toBeCloseTo(norm, 5);
    expect(Array.from(y.data())).toEqual(scaled.map((v) => expect.closeTo(v, 5)));
  });

  test('clipByNorm calls the optional clipNorm kernel once and gives the composition within float rounding', () => {
    const x = Array.from(ops.randn([50], new RandomGenerator(3)).mul(2).data()); // norm ≈ 14
    const [y0, n0] = ops.clipByNorm(ops.tensor(x), 1);
    const backend = new WithClip();
    withBackend(backend, () => {
      const [y1, n1] = ops.clipByNorm(ops.tensor(x), 1);
      expect(backend.calls).toEqual([{ size: 50, maxNorm: 1 }]);
      expect(n1.item()).toBeCloseTo(n0.item(), 4);
      const a = y1.data();
      for (const [i, v] of y0.data().entries()) expect(a[i]).toBeCloseTo(v, 6);
    });
  });

  test.each([[0], [-1], [Number.NaN]])('clipByNorm rejects maxNorm %s', (maxNorm) => {
    expect(() => ops.clipByNorm(ops.tensor([1]), maxNorm)).toThrow(/INVALID_ARGUMENT|maxNorm/);
  });
});
