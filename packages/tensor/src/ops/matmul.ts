/**
 * Batched matrix multiplication, `torch.matmul` for rank ≥ 2 with optional transposes (as tfjs `matMul`'s
 * `transposeA`/`transposeB`), so `q @ kᵀ` needs no transpose copy.
 *
 * Batch axes: either side may have batch size 1 (e.g. a 2-D weight), which is broadcast; otherwise the batch
 * shapes must be equal. Backward, with C = A @ B: dA = dC @ Bᵀ and dB = Aᵀ @ dC (with the transposes moved
 * around when A or B was used transposed), summed over a broadcast batch.
 */

import { formatShape, LxmlsTensorError } from '../errors.js';
import { sameShape, sizeOf } from '../shape.js';
import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';
import { unbroadcast } from './arithmetic.js';
import { reshape } from './shape.js';

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Use `aᵀ` (the last two axes of `a` swapped). Defaults to false. */
  transposeA?: boolean;
  /** Use `bᵀ` (the last two axes of `b` swapped). Defaults to false. */
  transposeB?: boolean;
}

/**
 * Matrix product of the last two axes, batched over the leading ones: `(…, M, K) @ (…, K, N) → (…, M, N)`.
 *
 * @param a - A float32 tensor of rank ≥ 2.
 * @param b - A float32 tensor of rank ≥ 2.
 * @param options - `transposeA`, `transposeB`.
 * @returns A new tensor `(…batch, M, N)`.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` naming both shapes.
 * @example
 * ```ts
 * import { matmul, tensor } from '@lxmls/tensor';
 * const a = tensor([[1, 2], [3, 4]]);
 * console.log(matmul(a, a).toArray(), matmul(a, a, { transposeB: true }).toArray()); // → [ [ 7, 10 ], [ 15, 22 ] ] [ [ 5, 11 ], [ 11, 25 ] ]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const { transposeA = false, transposeB = false } = options;
  const backend = backendOf('matmul', a, b);
  expectDtype('matmul', a, 'float32', 'a');
  expectDtype('matmul', b, 'float32', 'b');
  const describe = () => `${formatShape(a.shape)} and ${formatShape(b.shape)}`;
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'both operands need at least 2 axes', {
      fn: 'matmul',
      expected: 'a (…, M, K) @ (…, K, N)',
      received: describe(),
    });
  }
  const [ra, ca] = a.shape.slice(-2) as [number, number];
  const [rb, cb] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [ca, ra] : [ra, ca];
  const [k2, n] = transposeB ? [cb, rb] : [rb, cb];
  if (k !== k2) {
    const t = (flag: boolean, s: string) => (flag ? `${s}ᵀ` : s);
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'inner dimensions differ', {
      fn: 'matmul',
      expected: `a (…, M, K) @ (…, K, N)${transposeA || transposeB ? ` for ${t(transposeA, 'a')} @ ${t(transposeB, 'b')}` : ''}`,
      received: describe(),
    });
  }
  const batchShapeA = a.shape.slice(0, -2);
  const batchShapeB = b.shape.slice(0, -2);
  const batchA = sizeOf(batchShapeA);
  const batchB = sizeOf(batchShapeB);
  if (batchA !== 1 && batchB !== 1 && !sameShape(batchShapeA, batchShapeB)) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'batch dimensions differ', {
      fn: 'matmul',
      expected: 'equal batch shapes, or one of them of size 1',
      received: describe(),
    });
  }
  const batchShape =
    batchA !== 1 ? batchShapeA : batchShapeB.length >= batchShapeA.length ? batchShapeB : batchShapeA;
  const out = output(backend, [...batchShape, m, n], 'float32'); // (…, M, N)
  if (batchB === 1 && !transposeA) {
    // (batch·M, K) @ (K, N): fold a's batch into its rows, one big matrix product
    backend.matmul(
      { a: a.storage('matmul'), b: b.storage('matmul'), out: out.storage('matmul') },
      { batchA: 1, batchB: 1, m: batchA * m, k, n, transA: false, transB: transposeB },
    );
  } else {
    backend.matmul(
      { a: a.storage('matmul'), b: b.storage('matmul'), out: out.storage('matmul') },
      { batchA, batchB, m, k, n, transA: transposeA, transB: transposeB },
    );
  }

  return record('matmul', out, [a, b], (g, needs) => {
    // g: (…, M, N). With C = op(A) op(B):
    //   dA = g @ op(B)ᵀ, and if A was used transposed, dA = (g @ op(B)ᵀ)ᵀ = op(B) @ gᵀ;
    //   dB = op(A)ᵀ @ g, and if B was used transposed, dB = gᵀ @ op(A).
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (needs[0]) {
      da = transposeA
        ? matmul(b, g, { transposeA: transposeB, transposeB: true }) // (…, K, M)
        : matmul(g, b, { transposeB: !transposeB }); // (…, M, K)
      da = unbroadcast(da, a.shape);
    }
    if (needs[1]) {
      if (batchB === 1 && !transposeA && batchA > 1) {
        // the weight was shared by the whole batch: one (K, B·M) @ (B·M, N) product sums over it
        const a2 = reshape(a, [batchA * m, k]); // (B·M, K)
        const g2 = reshape(g, [batchA * m, n]); // (B·M, N)
        db = transposeB ? matmul(g2, a2, { transposeA: true }) : matmul(a2, g2, { transposeA: true });
        db = reshape(db, b.shape);
      } else {
        db = transposeB
          ? matmul(g, a, { transposeA: true, transposeB: transposeA }) // (…, N, K)
          : matmul(a, g, { transposeA: !transposeA }); // (…, K, N)
        db = unbroadcast(db, b.shape);
      }
    }
    return [da, db];
  });
}
