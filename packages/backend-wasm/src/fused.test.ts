// Tests of the fused and elementwise kernels against float64 naive JavaScript references, with the
// gradients of the fused kernels checked against the analytic float64 formulas, and those formulas against
// central finite differences of the float64 forward.
import { beforeAll, describe, expect, test } from 'vitest';
import { createWasmKernels, type WasmKernels } from './index.js';

function random(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let err = 0;
  let mag = 1;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
    mag = Math.max(mag, Math.abs(want[i]!));
  }
  return err / mag;
}

/** Central finite differences of a scalar function f at x (float64). */
function numericGrad(f: (x: Float64Array) => number, x: Float64Array, h = 1e-5): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i]!;
    x[i] = keep + h;
    const up = f(x);
    x[i] = keep - h;
    const down = f(x);
    x[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

let k: WasmKernels;
beforeAll(async () => {
  k = await createWasmKernels();
});

const ROWS_COLS: Array<[number, number]> = [
  [1, 1],
  [1, 3],
  [2, 5],
  [3, 48],
  [7, 13],
  [704, 48],
  [5, 192],
];

describe('elementwise', () => {
  test.each([0, 1, 3, 4, 7, 33, 1000])('add and mul over %i elements', (n) => {
    const A = random(n, 1);
    const B = random(n, 2);
    const a = k.upload(A);
    const b = k.upload(B);
    const out = k.alloc(n);
    k.add(a, b, out, n);
    expect(
      relError(
        k.f32(out, n),
        Array.from(A, (v, i) => v + B[i]!),
      ),
    ).toBeLessThanOrEqual(1e-6);
    k.mul(a, b, out, n);
    expect(
      relError(
        k.f32(out, n),
        Array.from(A, (v, i) => v * B[i]!),
      ),
    ).toBeLessThanOrEqual(1e-6);
    k.add(a, b, a, n); // in place
    expect(
      relError(
        k.f32(a, n),
        Array.from(A, (v, i) => v + B[i]!),
      ),
    ).toBeLessThanOrEqual(1e-6);
  });

  test.each(ROWS_COLS)('addRow, mulRow and colSum over %i×%i', (rows, cols) => {
    const X = random(rows * cols, 3);
    const R = random(cols, 4);
    const x = k.upload(X);
    const r = k.upload(R);
    const out = k.alloc(rows * cols);
    k.addRow(x, r, out, rows, cols);
    expect(
      relError(
        k.f32(out, rows * cols),
        Array.from(X, (v, i) => v + R[i % cols]!),
      ),
    ).toBeLessThanOrEqual(1e-6);
    k.mulRow(x, r, out, rows, cols);
    expect(
      relError(
        k.f32(out, rows * cols),
        Array.from(X, (v, i) => v * R[i % cols]!),
      ),
    ).toBeLessThanOrEqual(1e-6);
    const sums = new Float64Array(cols);
    for (let i = 0; i < rows * cols; i++) sums[i % cols]! += X[i]!;
    const s = k.upload(R);
    k.colSum(x, s, rows, cols);
    expect(relError(k.f32(s, cols), sums)).toBeLessThanOrEqual(1e-4);
    k.colSum(x, s, rows, cols, true);
    expect(
      relError(
        k.f32(s, cols),
        Array.from(sums, (v) => 2 * v),
      ),
    ).toBeLessThanOrEqual(1e-4);
  });
});

/** nn.LayerNorm forward in float64: y, mean, rstd. */
function layerNormRef(
  X: ArrayLike<number>,
  G: ArrayLike<number>,
  Bt: ArrayLike<number>,
  rows: number,
  cols: number,
  eps: number,
) {
  const y = new Float64Array(rows * cols);
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let mu = 0;
    for (let j = 0; j < cols; j++) mu += X[r * cols + j]!;
    mu /= cols;
    let v = 0;
    for (let j = 0; j < cols; j++) v += (X[r * cols + j]! - mu) ** 2;
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < cols; j++) y[r * cols + j] = (X[r * cols + j]! - mu) * rs * G[j]! + Bt[j]!;
  }
  return { y, mean, rstd };
}

describe('layerNorm', () => {
  test.each(ROWS_COLS)('layerNormForward %i×%i matches float64', (rows, cols) => {
    const X = random(rows * cols, 5, 3);
    const G = random(cols, 6);
    const Bt = random(cols, 7);
    const [x, g, b, y, mean, rstd] = [
      k.upload(X),
      k.upload(G),
      k.upload(Bt),
      k.alloc(rows * cols),
      k.alloc(rows),
      k.alloc(rows),
    ];
    k.layerNormForward(x, g, b, y, mean, rstd, rows, cols, 1e-5);
    const want = layerNormRef(X, G, Bt, rows, cols, 1e-5);
    expect(relError(k.f32(y, rows * cols), want.y)).toBeLessThanOrEqual(1e-4);
    expect(relError(k.f32(mean, rows), want.mean)).toBeLessThanOrEqual(1e-5);
    expect(relError(k.f32(rstd, rows), want.rstd)).toBeLessThanOrEqual(1e-4);
  });

  test.each(ROWS_COLS)(
    'layerNormBackward %i×%i matches finite differences of float64 forward',
    (rows, cols) => {
      const n = rows * cols;
      const X = random(n, 8, 2);
      const G = random(cols, 9);
      const Bt = random(cols, 10);
      const DY = random(n, 11);
      const [x, g, dy] = [k.upload(X), k.upload(G), k.upload(DY)];
      const [y, mean, rstd] = [k.alloc(n), k.alloc(rows), k.alloc(rows)];
      const [dx, dg, db] = [k.alloc(n), k.alloc(cols), k.alloc(cols)];
      const b = k.upload(Bt);
      k.layerNormForward(x, g, b, y, mean, rstd, rows, cols, 1e-5);
      k.layerNormBackward(dy, x, g, mean, rstd, dx, dg, db, rows, cols);
      // Analytic float64 gradients of L = Σ dy·y.
      const loss = (xs: ArrayLike<number>, gs: ArrayLike<number>, bs: ArrayLike<number>) =>
        dot(layerNormRef(xs, gs, bs, rows, cols, 1e-5).y, DY);
      if (n <= 200) {
        expect(
          relError(
            k.f32(dx, n),
            numericGrad((v) => loss(v, G, Bt), Float64Array.from(X)),
          ),
        ).toBeLessThanOrEqual(1e-4);
        expect(
          relError(
            k.f32(dg, cols),
            numericGrad((v) => loss(X, v, Bt), Float64Array.from(G)),
          ),
        ).toBeLessThanOrEqual(1e-4);
        expect(
          relError(
            k.f32(db, cols),
            numericGrad((v) => loss(X, G, v), Float64Array.from(Bt)),
          ),
        ).toBeLessThanOrEqual(1e-4);
      }
      // Closed form in float64 for every size.
      const { mean: mu, rstd: rs } = layerNormRef(X, G, Bt, rows, cols, 1e-5);
      const wantDx = new Float64Array(n);
      const wantDg = new Float64Array(cols);
      const wantDb = new Float64Array(cols);
      for (let r = 0; r < rows; r++) {
        let mg = 0;
        let mgx = 0;
        for (let j = 0; j < cols; j++) {
          const h = (X[r * cols + j]! - mu[r]!) * rs[r]!;
          const gj = DY[r * cols + j]! * G[j]!;
          mg += gj / cols;
          mgx += (gj * h) / cols;
          wantDg[j]! += DY[r * cols + j]! * h;
          wantDb[j]! += DY[r * cols + j]!;
        }
        for (let j = 0; j < cols; j++) {
          const h = (X[r * cols + j]! - mu[r]!) * rs[r]!;
          wantDx[r * cols + j] = rs[r]! * (DY[r * cols + j]! * G[j]! - mg - h * mgx);
        }
      }
      expect(relError(k.f32(dx, n), wantDx)).toBeLessThanOrEqual(1e-4);
      expect(relError(k.f32(dg, cols), wantDg)).toBeLessThanOrEqual(1e-4);
      expect(relError(k.f32(db, cols), wantDb)).toBeLessThanOrEqual(1e-4);
      k.layerNormBackward(dy, x, g, mean, rstd, dx, dg, db, rows, cols, true);
      expect(
        relError(
          k.f32(db, cols),
          Array.from(wantDb, (v) => 2 * v),
        ),
      ).toBeLessThanOrEqual(1e-4);
    },
  );
});

const geluRef = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

describe('gelu', () => {
  test.each([1, 4, 7, 100, 704 * 192])('geluForward and geluBackward over %i elements', (n) => {
    const X = random(n, 12, 6);
    const DY = random(n, 13);
    const [x, y, dy, dx] = [k.upload(X), k.alloc(n), k.upload(DY), k.alloc(n)];
    k.geluForward(x, y, n);
    expect(relError(k.f32(y, n), Array.from(X, geluRef))).toBeLessThanOrEqual(1e-5);
    k.geluBackward(x, dy, dx, n);
    const want = Array.from(X, (v, i) => ((geluRef(v + 1e-6) - geluRef(v - 1e-6)) / 2e-6) * DY[i]!);
    expect(relError(k.f32(dx, n), want)).toBeLessThanOrEqual(1e-4);
    k.geluBackward(x, dy, dx, n, true);
    expect(
      relError(
        k.f32(dx, n),
        want.map((v) => 2 * v),
      ),
    ).toBeLessThanOrEqual(1e-4);
  });
});

function softmaxRef(X: ArrayLike<number>, rows: number, cols: number, queryLen = 0): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const len = queryLen ? Math.min(cols, (r % queryLen) + cols - queryLen + 1) : cols;
    if (len <= 0) continue;
    let mx = -Infinity;
    for (let j = 0; j < len; j++) mx = Math.max(mx, X[r * cols + j]!);
    let s = 0;
    for (let j = 0; j < len; j++) s += Math.exp(X[r * cols + j]! - mx);
    for (let j = 0; j < len; j++) y[r * cols + j] = Math.exp(X[r * cols + j]! - mx) / s;
  }
  return y;
}

describe('softmax', () => {
  test.each(ROWS_COLS)('softmax and softmaxBackward %i×%i', (rows, cols) => {
    const n = rows * cols;
    const X = random(n, 14, 5);
    const DY = random(n, 15);
    const [x, y, dy, dx] = [k.upload(X), k.alloc(n), k.upload(DY), k.alloc(n)];
    k.softmax(x, y, rows, cols);
    expect(relError(k.f32(y, n), softmaxRef(X, rows, cols))).toBeLessThanOrEqual(1e-5);
    k.softmaxBackward(y, dy, dx, rows, cols);
    const Y = softmaxRef(X, rows, cols);
    const want = new Float64Array(n);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += Y[r * cols + j]! * DY[r * cols + j]!;
      for (let j = 0; j < cols; j++) want[r * cols + j] = Y[r * cols + j]! * (DY[r * cols + j]! - s);
    }
    expect(relError(k.f32(dx, n), want)).toBeLessThanOrEqual(1e-5);
    if (n <= 100) {
      const fd = numericGrad((v) => dot(softmaxRef(v, rows, cols), DY), Float64Array.from(X));
      expect(relError(want, fd)).toBeLessThanOrEqual(1e-6);
    }
  });

  test.each([
    [192 * 11, 11, 11],
    [6, 3, 3],
    [8, 5, 4],
    [2, 1, 1],
    [4, 3, 4],
  ])('softmaxCausal %i×%i with queryLen %i masks the future', (rows, cols, queryLen) => {
    const n = rows * cols;
    const X = random(n, 16, 4);
    const [x, y] = [k.upload(X), k.alloc(n)];
    k.softmaxCausal(x, y, rows, cols, queryLen);
    const want = softmaxRef(X, rows, cols, queryLen);
    expect(relError(k.f32(y, n), want)).toBeLessThanOrEqual(1e-5);
    // Row 0 of a square mask sees only column 0.
    if (cols === queryLen) expect(k.f32(y, 1)[0]).toBe(1);
  });
});

describe('crossEntropy', () => {
  test.each([
    [1, 1],
    [3, 5],
    [704, 3],
    [64, 50],
    [7, 17],
  ])('crossEntropyForward and crossEntropyBackward %i×%i with ignored rows', (rows, cols) => {
    const n = rows * cols;
    const L = random(n, 17, 4);
    const T = Int32Array.from({ length: rows }, (_, r) => (r % 3 === 1 ? -1 : (r * 7) % cols));
    const [logits, probs, dl] = [k.upload(L), k.alloc(n), k.alloc(n)];
    const targets = k.alloc(rows);
    k.i32(targets, rows).set(T);
    const got = k.crossEntropyForward(logits, targets, probs, rows, cols);
    const P = softmaxRef(L, rows, cols);
    let lossSum = 0;
    let count = 0;
    for (let r = 0; r < rows; r++) {
      if (T[r] === -1) continue;
      lossSum -= Math.log(P[r * cols + T[r]!]!);
      count++;
    }
    expect(got.count).toBe(count);
    expect(Math.abs(got.lossSum - lossSum)).toBeLessThanOrEqual(1e-4 * Math.max(1, lossSum));
    expect(Math.abs(got.loss - lossSum / count)).toBeLessThanOrEqual(1e-5 * Math.max(1, lossSum / count));
    expect(relError(k.f32(probs, n), P)).toBeLessThanOrEqual(1e-5);
    k.crossEntropyBackward(probs, targets, dl, rows, cols, got.count, 2);
    const want = new Float64Array(n);
    for (let r = 0; r < rows; r++) {
      if (T[r] === -1) continue;
      for (let j = 0; j < cols; j++)
        want[r * cols + j] = ((P[r * cols + j]! - (j === T[r] ? 1 : 0)) * 2) / count;
    }
    expect(relError(k.f32(dl, n), want)).toBeLessThanOrEqual(1e-5);
    if (n <= 20) {
      const meanLoss = (v: Float64Array) => {
        const p = softmaxRef(v, rows, cols);
        let s = 0;
        for (let r = 0; r < rows; r++) if (T[r] !== -1) s -= Math.log(p[r * cols + T[r]!]!);
        return (2 * s) / count;
      };
      expect(relError(want, numericGrad(meanLoss, Float64Array.from(L)))).toBeLessThanOrEqual(1e-6);
    }
  });

  test('crossEntropyForward with every row ignored gives NaN loss like PyTorch', () => {
    const [logits, probs, targets] = [k.upload([1, 2, 3, 4]), k.alloc(4), k.alloc(2)];
    k.i32(targets, 2).set([-1, -1]);
    expect(k.crossEntropyForward(logits, targets, probs, 2, 2)).toEqual({
      lossSum: 0,
      count: 0,
      loss: Number.NaN,
    });
  });

  test('crossEntropyForward rejects a target out of range', () => {
    const [logits, probs, targets] = [k.upload([1, 2, 3, 4]), k.alloc(4), k.alloc(2)];
    k.i32(targets, 2).set([0, 2]);
    expect(() => k.crossEntropyForward(logits, targets, probs, 2, 2)).toThrow(
      '[@lxmls/backend-wasm] crossEntropyForward: targets[1] is out of range. Expected -1 (ignored) or a class in [0, 2), received 2.',
    );
  });
});

describe('adamw', () => {
  test.each([1, 5, 8, 1001])('adamw over %i parameters matches torch.optim.AdamW for 3 steps', (n) => {
    const P = Float64Array.from(random(n, 18));
    const M = new Float64Array(n);
    const V = new Float64Array(n);
    const [p, g, m, v] = [k.upload(P), k.alloc(n), k.alloc(n), k.alloc(n)];
    k.f32(m, n).fill(0);
    k.f32(v, n).fill(0);
    const [lr, beta1, beta2, eps, wd] = [3e-3, 0.9, 0.95, 1e-8, 0.1];
    for (let step = 1; step <= 3; step++) {
      const G = random(n, 100 + step);
      k.f32(g, n).set(G);
      k.adamw(p, g, m, v, n, { lr, beta1, beta2, eps, weightDecay: wd, step });
      for (let i = 0; i < n; i++) {
        P[i] = P[i]! * (1 - lr * wd);
        M[i] = beta1 * M[i]! + (1 - beta1) * G[i]!;
        V[i] = beta2 * V[i]! + (1 - beta2) * G[i]! ** 2;
        const denom = Math.sqrt(V[i]!) / Math.sqrt(1 - beta2 ** step) + eps;
        P[i] = P[i]! - (lr / (1 - beta1 ** step)) * (M[i]! / denom);
      }
    }
    expect(relError(k.f32(p, n), P)).toBeLessThanOrEqual(1e-5);
    expect(relError(k.f32(m, n), M)).toBeLessThanOrEqual(1e-6);
    expect(relError(k.f32(v, n), V)).toBeLessThanOrEqual(1e-6);
  });

  test('adamw rejects step 0', () => {
    const p = k.alloc(1);
    expect(() => k.adamw(p, p, p, p, 1, { step: 0 })).toThrow(
      'adamw: options.step must be a positive integer',
    );
  });
});
