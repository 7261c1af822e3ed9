/**
 * The linear (fully connected) layer as one op: `y = x · Wᵀ + b` with the weight stored (out, in) as
 * PyTorch stores it (`torch.nn.functional.linear`).
 *
 * The forward runs the backend's optional fused `linear` kernel (the bias folded into the matmul) or, without
 * it, `matmul(x, weight, { transposeB: true })` plus a broadcast `add`. The backward needs no transpose copy:
 * `dx = g · W` (as stored), `dW = gᵀ · x`, `db = Σ_rows g`: one call of the optional `linearBackward` kernel
 * when the backend has it, else two matmuls and a reduction. With `activation: 'gelu'` the MLP's
 * `gelu(linear(x))` is one op on a backend with `linearGelu` (its backward one `linearBackward` call given the
 * saved pre-activation, or its GELU derivative), else the two ops. With `residual: r` the block's
 * `r + linear(x)` is one op on a backend with `linearResidual` (the residual added in the epilogue; its
 * gradient is the output's), else exactly `add(r, linear(x))`.
 */

import { formatShape, LxmlsTensorError } from '../errors.js';
import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';
import { add } from './arithmetic.js';
import { gelu as geluOp } from './gelu.js';
import { matmul } from './matmul.js';

/** Options of {@link linear}. */
export interface LinearOptions {
  /**
   * `'gelu'`: NewGELU applied to the output, `gelu(x · weightᵀ + bias)` (the MLP's first layer), fused into
   * the layer where the backend can (its `linearGelu` kernel), else the two ops. Default null.
   */
  activation?: 'gelu' | null;
  /**
   * A tensor of the output's shape `(…, out)` added to the output, `residual + (x · weightᵀ + bias)` (a
   * block's residual connection), in the layer's epilogue where the backend can (its `linearResidual`
   * kernel), else `add(residual, linear(x, weight, bias))`. Not with `activation`. Default null.
   */
  residual?: Tensor | null;
}

/**
 * Applies a linear layer: `x · weightᵀ + bias` over the last axis of `x`.
 *
 * @param x - float32 `(…, in)`.
 * @param weight - float32 `(out, in)`.
 * @param bias - float32 `(out)`, or null (default) for none.
 * @param options - `activation: 'gelu'` for `gelu(x · weightᵀ + bias)` in one op; `residual: r` for
 *   `r + (x · weightᵀ + bias)` in one op.
 * @returns `(…, out)`.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` when the sizes do not fit; `INVALID_ARGUMENT` for an
 *   unknown activation, or an activation with a residual.
 * @remarks Python: `torch.nn.functional.linear(x, weight, bias)`.
 * @example
 * ```ts
 * import { linear, tensor } from '@lxmls/tensor';
 * const w = tensor([[1, 0, 0], [0, 1, 1]]); // (out=2, in=3)
 * console.log(linear(tensor([[1, 2, 3]]), w, tensor([0.5, 0])).toArray()); // → [ [ 1.5, 5 ] ]
 * const h = linear(tensor([[1, 2, 3]]), w, null, { activation: 'gelu' }); // gelu([1, 5])
 * console.log(h.toArray(2)[0]!.map((v) => v.toFixed(3))); // → [ '0.841', '5.000' ]
 * const r = linear(tensor([[1, 2, 3]]), w, null, { residual: tensor([[10, 20]]) }); // [10, 20] + [1, 5]
 * console.log(r.toArray()); // → [ [ 11, 25 ] ]
 * ```
 */
export function linear(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: LinearOptions = {},
): Tensor {
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const backend = backendOf('linear', ...inputs);
  for (const t of inputs) expectDtype('linear', t, 'float32', 'x');
  const inFeatures = x.shape[x.shape.length - 1];
  const [outFeatures, weightIn] = weight.shape as [number, number];
  if (
    x.shape.length < 1 ||
    weight.shape.length !== 2 ||
    weightIn !== inFeatures ||
    (bias !== null && (bias.shape.length !== 1 || bias.shape[0] !== outFeatures))
  ) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'x, weight and bias do not fit a linear layer', {
      fn: 'linear',
      expected: 'x (…, in), weight (out, in), bias (out)',
      received: `${formatShape(x.shape)}, ${formatShape(weight.shape)}${bias ? `, ${formatShape(bias.shape)}` : ''}`,
    });
  }
  const activation = options.activation ?? null;
  if (activation !== null && activation !== 'gelu') {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'the activation is not known', {
      fn: 'linear',
      argument: 'options.activation',
      expected: "'gelu' or null",
      received: String(activation),
    });
  }
  const gelu = activation === 'gelu';
  const residual = options.residual ?? null;
  if (residual !== null) {
    backendOf('linear', x, residual);
    expectDtype('linear', residual, 'float32', 'residual');
    const outShape = [...x.shape.slice(0, -1), outFeatures];
    if (residual.shape.length !== outShape.length || residual.shape.some((n, i) => n !== outShape[i])) {
      throw new LxmlsTensorError('SHAPE_MISMATCH', "the residual does not have the output's shape", {
        fn: 'linear',
        argument: 'options.residual',
        expected: formatShape(outShape),
        received: formatShape(residual.shape),
      });
    }
    if (gelu) {
      throw new LxmlsTensorError('INVALID_ARGUMENT', 'an activation and a residual do not go together', {
        fn: 'linear',
        argument: 'options',
        expected: 'activation or residual',
        received: 'both',
      });
    }
  }
  const fused = gelu
    ? backend.linearGelu && backend.linearBackward
    : residual
      ? backend.linearResidual
      : backend.linear;
  if (!fused || x.shape.length < 2 || inFeatures === 0) {
    // the composition: the same ops a model writes out (bit for bit)
    if (gelu) return geluOp(linear(x, weight, bias)); // (…, out)
    if (residual) return add(residual, linear(x, weight, bias)); // (…, out)
    const y = matmul(x, weight, { transposeB: true }); // (…, out)
    return bias ? add(y, bias) : y;
  }
  const rows = x.size / inFeatures;
  const s = (t: Tensor) => t.storage('linear');
  const y = output(backend, [...x.shape.slice(0, -1), outFeatures], 'float32'); // (…, out)
  const storages = { x: s(x), weight: s(weight), bias: bias ? s(bias) : null, out: s(y) };
  // with GELU: what the backend keeps of the pre-activation for its backward, (…, out)
  const saved = gelu ? output(backend, y.shape, 'float32') : null;
  const attrs = { rows, inFeatures, outFeatures };
  if (saved) backend.linearGelu!({ ...storages, saved: s(saved) }, attrs);
  else if (residual) backend.linearResidual!({ ...storages, residual: s(residual) }, attrs);
  else backend.linear!(storages, attrs);
  type Grads = [Tensor | null, Tensor | null, Tensor | null];
  const linearGrads = (g: Tensor, needs: readonly boolean[]): Grads => {
    // g: (rows, out). dx = g · W: (rows, out) @ (out, in); dW = gᵀ · x: (out, rows) @ (rows, in); db = Σ_rows g
    if (backend.linearBackward) {
      const dx = needs[0] ? output(backend, x.shape, 'float32') : null; // (…, in)
      const dw = needs[1] ? output(backend, weight.shape, 'float32') : null; // (out, in)
      const db = needs[2] ? output(backend, [outFeatures], 'float32') : null; // (out)
      const grads = { dx: dx && s(dx), dweight: dw && s(dw), dbias: db && s(db) };
      const inputs = { dy: s(g), x: s(x), weight: s(weight), saved: saved && s(saved), ...grads };
      backend.linearBackward(inputs, { rows, inFeatures, outFeatures });
      return [dx, dw, db];
    }
    // one unbatched matmul `op(a) · b` into a new float32 tensor of `shape` ((m, k) · (k, n))
    const product = (
      a: Tensor,
      b: Tensor,
      shape: readonly number[],
      m: number,
      k: number,
      n: number,
      transA: boolean,
    ) => {
      const out = output(backend, shape, 'float32');
      backend.matmul(
        { a: s(a), b: s(b), out: s(out) },
        { batchA: 1, batchB: 1, m, k, n, transA, transB: false },
      );
      return out;
    };
    const dx = needs[0] ? product(g, weight, x.shape, rows, outFeatures, inFeatures, false) : null; // (…, in) = g · W
    const dw = needs[1] ? product(g, x, weight.shape, outFeatures, rows, inFeatures, true) : null; // (out, in) = gᵀ · x
    let db: Tensor | null = null;
    if (needs[2]) {
      db = output(backend, [outFeatures], 'float32'); // (out)
      backend.reduce({ x: s(g), out: s(db) }, { op: 'sum', shape: [rows, outFeatures], axes: [0] });
    }
    return [dx, dw, db];
  };
  const recorded = residual ? [x, weight, bias, residual] : [x, weight, bias];
  return record('linear', y, recorded, (g, needs) => {
    const [dx, dw, db] = linearGrads(g, needs);
    // the residual's gradient is the output's: ∂(r + h)/∂r = 1
    return residual ? [dx, dw, db, needs[3] ? g : null] : [dx, dw, db];
  });
}
