/**
 * Embedding lookup (`torch.nn.functional.embedding`, tfjs `gather` on axis 0): row `ids[i]` of a table.
 * Backward: a scatter-add, each row's gradient is the sum of the gradients of every position that read it.
 */

import { formatShape, LxmlsTensorError } from '../errors.js';
import { backendOf, empty, expectDtype, output, record, type Tensor } from '../tensor.js';

/**
 * Gathers rows of `table` `(V, D)` at int32 `ids` of any shape: the result is `(…ids.shape, D)`.
 *
 * @param table - A float32 tensor `(V, D)`.
 * @param ids - An int32 tensor of indices in `[0, V)`.
 * @returns A new tensor `(…ids.shape, D)`.
 * @throws {@link LxmlsTensorError} `INVALID_ARGUMENT` for an index out of range.
 * @example
 * ```ts
 * import { gather, tensor } from '@lxmls/tensor';
 * const table = tensor([[0, 0], [1, 1], [2, 2]]);
 * console.log(gather(table, tensor([2, 0], undefined, 'int32')).toArray()); // → [ [ 2, 2 ], [ 0, 0 ] ]
 * ```
 */
export function gather(table: Tensor, ids: Tensor): Tensor {
  const backend = backendOf('gather', table, ids);
  expectDtype('gather', table, 'float32', 'table');
  expectDtype('gather', ids, 'int32', 'ids');
  if (table.shape.length !== 2) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'the table must be a matrix', {
      fn: 'gather',
      expected: '(V, D)',
      received: formatShape(table.shape),
    });
  }
  const [v, d] = table.shape as [number, number];
  const y = output(backend, [...ids.shape, d], 'float32'); // (…ids, D)
  const attrs = { numIds: ids.size, numRows: v, dim: d };
  backend.gather(
    { table: table.storage('gather'), ids: ids.storage('gather'), out: y.storage('gather') },
    attrs,
  );
  return record('gather', y, [table, ids], (g) => {
    const dtable = empty(backend, table.shape, 'float32'); // (V, D) zeros
    const inputs = { dy: g.storage('gather'), ids: ids.storage('gather'), dtable: dtable.storage('gather') };
    backend.scatterAdd(inputs, attrs);
    return [dtable, null];
  });
}

/**
 * PyTorch's argument order for {@link gather}: `embedding(ids, weight)` is `weight[ids]`.
 *
 * @param ids - An int32 tensor of indices.
 * @param weight - A float32 tensor `(V, D)`.
 * @returns A new tensor `(…ids.shape, D)`.
 * @remarks Python: `torch.nn.functional.embedding`, used by minGPT's `wte` / `wpe`.
 * @example
 * ```ts
 * import { embedding, tensor } from '@lxmls/tensor';
 * console.log(embedding(tensor([[1]], undefined, 'int32'), tensor([[5], [6]])).toArray()); // → [ [ [ 6 ] ] ]
 * ```
 */
export function embedding(ids: Tensor, weight: Tensor): Tensor {
  return gather(weight, ids);
}
