/**
 * Reductions over axes: sum, mean, max (with PyTorch's `keepdim`), and argmax.
 *
 * Backward of sum: every input element contributed once, so its gradient is the output gradient, repeated
 * (broadcast) along the reduced axes. Backward of max: the gradient goes to the element(s) equal to the max,
 * split evenly between ties (as `torch.amax`).
 */

import { formatShape, LxmlsTensorError } from '../errors.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { backendOf, empty, expectDtype, output, record, type Tensor } from '../tensor.js';
import { binaryForward, div, mul } from './arithmetic.js';
import { onHost } from './compose.js';
import { broadcastTo, reshape } from './shape.js';

/** The backend's argmax kernel, or without it the `js` definition on the host. */
function runArgmax(x: Tensor, out: Tensor, outer: number, n: number, inner: number): void {
  const backend = x.backend;
  const attrs = { outer, n, inner };
  if (backend.argmax) {
    backend.argmax({ x: x.storage('argmax'), out: out.storage('argmax') }, attrs);
    return;
  }
  const outs = [{ storage: out.storage('argmax'), size: out.size, dtype: out.dtype }];
  onHost(backend, [x.storage('argmax')], outs, (js, [hx], [ho]) => {
    js.argmax({ x: hx as Float32Array, out: ho as Int32Array }, attrs);
  });
}

function resolveAxes(fn: string, x: Tensor, axes: number | readonly number[] | undefined): number[] {
  const rank = x.shape.length;
  if (axes === undefined) return x.shape.map((_, i) => i);
  const list = (typeof axes === 'number' ? [axes] : [...axes]).map((a) => normalizeAxis(fn, a, rank));
  return [...new Set(list)].sort((a, b) => a - b);
}

function reduceForward(fn: string, op: 'sum' | 'max', x: Tensor, axes: number[], keepdim: boolean): Tensor {
  const backend = backendOf(fn, x);
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d)); // reduced axes as 1
  const out = output(backend, keptShape, x.dtype);
  backend.reduce({ x: x.storage(fn), out: out.storage(fn) }, { op, shape: x.shape, axes });
  if (keepdim) return out;
  const y = reshape(
    out,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
  out.dispose();
  return y;
}

/**
 * Sum over `axes` (all axes when omitted), like `torch.sum(x, dim, keepdim)`.
 *
 * @param x - A tensor.
 * @param axes - An axis or axes (negative allowed); all when omitted.
 * @param keepdim - Keep the reduced axes with size 1. Defaults to false.
 * @returns A new tensor.
 * @example
 * ```ts
 * import { sum, tensor } from '@lxmls/tensor';
 * const x = tensor([[1, 2], [3, 4]]);
 * console.log(sum(x).item(), sum(x, 0).toArray(), sum(x, -1, true).toArray()); // → 10 [ 4, 6 ] [ [ 3 ], [ 7 ] ]
 * ```
 */
export function sum(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  const list = resolveAxes('sum', x, axes);
  const y = reduceForward('sum', 'sum', x, list, keepdim);
  const keptShape = x.shape.map((d, i) => (list.includes(i) ? 1 : d));
  // ∂(Σ x)/∂xᵢ = 1: repeat the gradient along the reduced axes
  return record('sum', y, [x], (g) => [broadcastTo(reshape(g, keptShape), x.shape)]);
}

/**
 * Mean over `axes` (all axes when omitted), like `torch.mean(x, dim, keepdim)`; float32 only.
 *
 * @param x - A float32 tensor.
 * @param axes - An axis or axes; all when omitted.
 * @param keepdim - Keep the reduced axes with size 1. Defaults to false.
 * @returns A new tensor.
 * @example
 * ```ts
 * import { mean, tensor } from '@lxmls/tensor';
 * console.log(mean(tensor([[1, 2], [3, 4]]), 1).toArray()); // → [ 1.5, 3.5 ]
 * ```
 */
export function mean(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  expectDtype('mean', x, 'float32');
  const list = resolveAxes('mean', x, axes);
  const count = sizeOf(list.map((a) => x.shape[a]!));
  return div(sum(x, list, keepdim), count); // the tape records sum then div
}

/**
 * Maximum over `axes` (all axes when omitted), like `torch.amax(x, dim, keepdim)`; NaN propagates.
 *
 * @param x - A tensor.
 * @param axes - An axis or axes; all when omitted.
 * @param keepdim - Keep the reduced axes with size 1. Defaults to false.
 * @returns A new tensor of the maxima (use {@link argmax} for the indices).
 * @example
 * ```ts
 * import { max, tensor } from '@lxmls/tensor';
 * console.log(max(tensor([[1, 5], [7, 2]]), -1).toArray()); // → [ 5, 7 ]
 * ```
 */
export function max(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  const list = resolveAxes('max', x, axes);
  if (list.some((a) => x.shape[a] === 0)) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'the max of an empty axis is undefined', {
      fn: 'max',
      expected: 'non-empty reduced axes',
      received: `shape ${formatShape(x.shape)}`,
    });
  }
  const y = reduceForward('max', 'max', x, list, keepdim);
  const keptShape = x.shape.map((d, i) => (list.includes(i) ? 1 : d));
  return record('max', y, [x], (g) => {
    const yk = reshape(y, keptShape); // (…, 1, …)
    const isMax = binaryForward('max', 'eq', x, yk); // 1 where x equals its max
    const ties = reduceForward('max', 'sum', isMax, list, true); // how many share the max
    return [mul(isMax, div(reshape(g, keptShape), ties))];
  });
}

/**
 * Index of the maximum along `axis` (first one on ties), like `torch.argmax`; over the flattened tensor when
 * `axis` is omitted. Not differentiable.
 *
 * @param x - A tensor.
 * @param axis - The axis; omitted: the whole tensor.
 * @param keepdim - Keep the reduced axis with size 1. Defaults to false.
 * @returns A new int32 tensor.
 * @example
 * ```ts
 * import { argmax, tensor } from '@lxmls/tensor';
 * console.log(argmax(tensor([[1, 5, 2], [9, 0, 9]]), -1).toArray()); // → [ 1, 0 ]
 * ```
 */
export function argmax(x: Tensor, axis?: number, keepdim = false): Tensor {
  const backend = backendOf('argmax', x);
  if (x.size === 0) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'the argmax of an empty tensor is undefined', {
      fn: 'argmax',
      expected: 'a non-empty tensor',
      received: `shape ${formatShape(x.shape)}`,
    });
  }
  const source = x.dtype === 'float32' ? x : null;
  if (!source) expectDtype('argmax', x, 'float32');
  if (axis === undefined) {
    const out = empty(backend, keepdim ? x.shape.map(() => 1) : [], 'int32');
    runArgmax(x, out, 1, x.size, 1);
    return out;
  }
  const ax = normalizeAxis('argmax', axis, x.shape.length);
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const shape = keepdim ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  const out = empty(backend, shape, 'int32');
  runArgmax(x, out, outer, x.shape[ax]!, inner);
  return out;
}
