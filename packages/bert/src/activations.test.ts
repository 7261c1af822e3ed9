import { gelu, tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { activation, geluErf } from './activations.js';

/** erfc in float64 for a ≥ 0: 1 − the Maclaurin series of erf up to 3 (~1e-12 absolute), the continued fraction beyond. */
function erfc64(a: number): number {
  if (a <= 3) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(a) = e^(−a²)/√π · 1/(a + ½/(a + 1/(a + (3/2)/(a + …)))), evaluated from the tail
  let f = 0;
  for (let k = 60; k >= 1; k--) f = k / 2 / (a + f);
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
}
const erf64 = (z: number) => Math.sign(z) * (1 - erfc64(Math.abs(z)));
/** The exact GELU in float64, written with erfc so that the left tail keeps its digits. */
const gelu64 = (x: number) =>
  x >= 0 ? x * (1 - 0.5 * erfc64(x / Math.SQRT2)) : 0.5 * x * erfc64(-x / Math.SQRT2);
const dgelu64 = (x: number) =>
  0.5 * (1 + erf64(x / Math.SQRT2)) + (x * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI);

const grid = Array.from({ length: 2001 }, (_, i) => -10 + i / 100); // -10 … 10 by 0.01

describe('geluErf', () => {
  test('erf64 itself matches known values', () => {
    expect(erf64(0.5)).toBeCloseTo(0.5204998778130465, 12);
    expect(erf64(1)).toBeCloseTo(0.8427007929497149, 12);
    expect(erf64(-2)).toBeCloseTo(-0.9953222650189527, 12);
    expect(erf64(3.5)).toBeCloseTo(0.9999992569016276, 12);
    expect(erfc64(8 / Math.SQRT2) / 1.2441921148543639e-15 - 1).toBeCloseTo(0, 10);
  });

  test('geluErf matches the float64 exact GELU within 3e-7 · max(1, |GELU|) on [-10, 10]', () => {
    const y = geluErf(tensor(grid)).data();
    let worst = 0;
    grid.forEach((x, i) => {
      worst = Math.max(worst, Math.abs(y[i]! - gelu64(x)) / Math.max(1, Math.abs(gelu64(x))));
    });
    expect(worst).toBeLessThan(3e-7);
  });

  test('geluErf is relatively accurate in the negative tail', () => {
    const xs = [-3, -4, -5, -6, -8];
    const y = geluErf(tensor(xs)).data();
    xs.forEach((x, i) => {
      expect(Math.abs(y[i]! / gelu64(x) - 1)).toBeLessThan(1e-5);
    });
  });

  test('geluErf differs from the tanh GELU by more than the parity tolerance', () => {
    const exact = geluErf(tensor(grid)).data();
    const approx = gelu(tensor(grid)).data();
    const worst = Math.max(...grid.map((_, i) => Math.abs(exact[i]! - approx[i]!)));
    expect(worst).toBeGreaterThan(1e-4);
  });

  test('geluErf gradient matches the analytic derivative Φ(x) + x φ(x), including at 0', () => {
    const xs = [-6, -2.5, -1, -1e-3, 0, 1e-3, 0.5, 1, 3, 7];
    const x = tensor(xs);
    x.requiresGrad = true;
    geluErf(x).sum().backward();
    const g = x.grad!.data();
    xs.forEach((v, i) => {
      expect(Math.abs(g[i]! - dgelu64(v))).toBeLessThan(2e-6);
    });
  });

  test('geluErf keeps the shape', () => {
    expect(geluErf(tensor([[[1, 2, 3]]])).shape).toEqual([1, 1, 3]);
  });
});

describe('activation', () => {
  test.each([
    ['gelu', geluErf],
    ['gelu_new', gelu],
    ['gelu_pytorch_tanh', gelu],
  ] as const)('activation(%s)', (name, fn) => {
    expect(activation(name)).toBe(fn);
  });

  test('activation(relu)', () => {
    expect(activation('relu')(tensor([-2, 0, 3])).toArray()).toEqual([0, 0, 3]);
  });
});
