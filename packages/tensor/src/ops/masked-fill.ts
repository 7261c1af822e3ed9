/**
 * maskedFill (`Tensor.masked_fill`): replace elements where a broadcastable mask is non-zero, e.g. the
 * causal mask of attention, `att.masked_fill(bias[:, :, :T, :T] == 0, -inf)` in minGPT.
 * Backward: the filled positions are constants, so their gradient is 0; the others pass through.
 */

import { formatShape, LxmlsTensorError } from '../errors.js';
import { broadcastShapes, padShape, sameShape } from '../shape.js';
import { backendOf, output, record, type Tensor } from '../tensor.js';

/**
 * `out = mask ≠ 0 ? value : x`, with `mask` (int32 or float32) broadcast to `x`'s shape.
 *
 * @param x - A tensor.
 * @param mask - A tensor broadcastable to `x.shape`; non-zero means "fill".
 * @param value - The fill value (may be `-Infinity`).
 * @returns A new tensor of `x`'s shape.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` when the mask does not broadcast to `x`.
 * @example
 * ```ts
 * import { maskedFill, tensor, zeros } from '@lxmls/tensor';
 * const above = tensor([[0, 1], [0, 0]], undefined, 'int32'); // 1 above the diagonal
 * console.log(maskedFill(zeros([2, 2]), above, -Infinity).toArray()); // → [ [ 0, -Infinity ], [ 0, 0 ] ]
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  const backend = backendOf('maskedFill', x, mask);
  if (
    mask.shape.length > x.shape.length ||
    !sameShape(broadcastShapes('maskedFill', x.shape, mask.shape), x.shape)
  ) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'the mask does not broadcast to x', {
      fn: 'maskedFill',
      expected: `a mask broadcastable to ${formatShape(x.shape)}`,
      received: formatShape(mask.shape),
    });
  }
  const maskShape = padShape(mask.shape, x.shape.length);
  const y = output(backend, x.shape, x.dtype); // same shape as x, every element written
  backend.maskedFill(
    { x: x.storage('maskedFill'), mask: mask.storage('maskedFill'), out: y.storage('maskedFill') },
    { shape: x.shape, maskShape, value },
  );
  return record('maskedFill', y, [x, mask], (g) => {
    const dx = output(backend, x.shape, g.dtype);
    backend.maskedFill(
      { x: g.storage('maskedFill'), mask: mask.storage('maskedFill'), out: dx.storage('maskedFill') },
      { shape: x.shape, maskShape, value: 0 },
    );
    return [dx, null];
  });
}
