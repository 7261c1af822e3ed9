/**
 * Cross-entropy fused with log-softmax, `torch.nn.functional.cross_entropy(logits, targets,
 * ignore_index=-1)` with mean reduction over the kept positions, as minGPT's GPT.forward computes its loss.
 *
 * loss = (1/|K|) Σ_{r ∈ K} (log Σⱼ exp(x_rj) - x_r,t_r), K = rows whose target is not ignoreIndex.
 * Backward: dx_rj = dloss · (softmax(x_r)ⱼ - [j = t_r]) / |K| for kept rows, 0 for ignored rows.
 *
 * Runs the backend's fused `crossEntropy` / `crossEntropyBackward` kernels when it has them; otherwise the
 * targets are checked on the host and the loss is composed from core kernels (logSoftmax as softmax.ts
 * composes it, a gather of each row's target, a masked sum), the gradient from softmax and a scatterAdd.
 */

import type { Backend } from '../backend.js';
import { checkTargets, formatShape, LxmlsTensorError } from '../errors.js';
import { sameShape } from '../shape.js';
import { backendOf, empty, expectDtype, output, record, type Tensor } from '../tensor.js';
import { div, mul, sub } from './arithmetic.js';
import { composed, hostTensor } from './compose.js';
import { gather } from './embedding.js';
import { maskedFill } from './masked-fill.js';
import { sum } from './reduce.js';
import { reshape } from './shape.js';
import { rowSoftmax } from './softmax.js';

/** The targets read on the host and checked: rows kept, each row's flat index of its target, the count. */
interface Picked {
  /** int32 `(n)`: `r·c + t_r` for kept rows, `r·c` for ignored ones (a valid index whose pick is masked). */
  ids: Tensor;
  /** int32 `(n, 1)`: 1 for ignored rows. */
  ignored: Tensor;
  /** float32 `(n, 1)`: 1 for kept rows, 0 for ignored ones. */
  keptRows: Tensor;
  /** How many rows are kept. */
  kept: number;
}

/** Reads and checks the targets (as the fused kernels do) for the composition. */
function pickTargets(backend: Backend, targets: Tensor, n: number, c: number, ignoreIndex: number): Picked {
  const t = backend.read(targets.storage('crossEntropy'));
  const ids = new Int32Array(n);
  const ignored = new Int32Array(n);
  const keptRows = new Float32Array(n);
  const kept = checkTargets(t, n, c, ignoreIndex);
  for (let r = 0; r < n; r++) {
    const v = t[r]!;
    if (v === ignoreIndex) {
      ignored[r] = 1;
      ids[r] = r * c;
      continue;
    }
    ids[r] = r * c + v;
    keptRows[r] = 1;
  }
  return {
    ids: hostTensor(backend, ids, [n]),
    ignored: hostTensor(backend, ignored, [n, 1]),
    keptRows: hostTensor(backend, keptRows, [n, 1]),
    kept,
  };
}

/** The mean loss from core kernels: `-Σ_kept logSoftmax(x_r)[t_r] / #kept`. */
function composeLoss(backend: Backend, logits2: Tensor, p: Picked, n: number, c: number): Tensor {
  if (p.kept === 0) return hostTensor(backend, Float32Array.of(Number.NaN), []); // 0/0, as PyTorch
  const logp = rowSoftmax('logSoftmax', backend, logits2, n, c); // (n, c)
  const picked = gather(reshape(logp, [n * c, 1]), p.ids); // (n, 1) log p[r, t_r]
  return div(sum(maskedFill(picked, p.ignored, 0)), -p.kept); // ()
}

/** dlogits from core kernels: `g · (softmax(x_r) − onehot(t_r)) / #kept`, 0 for ignored rows. */
function composeGradient(
  backend: Backend,
  logits2: Tensor,
  p: Picked,
  g: Tensor,
  n: number,
  c: number,
): Tensor {
  if (p.kept === 0) return empty(backend, [n, c], 'float32'); // every row ignored: zeros, as js
  const probs = maskedFill(rowSoftmax('softmax', backend, logits2, n, c), p.ignored, 0); // (n, c)
  const onehot = empty(backend, [n * c, 1], 'float32'); // (n·c, 1) zeros
  backend.scatterAdd(
    {
      dy: p.keptRows.storage('crossEntropy'),
      ids: p.ids.storage('crossEntropy'),
      dtable: onehot.storage('crossEntropy'),
    },
    { numIds: n, numRows: n * c, dim: 1 },
  );
  return mul(sub(probs, reshape(onehot, [n, c])), div(g, p.kept)); // (n, c)
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** Targets equal to this are skipped (no loss, no gradient). Defaults to -1, as in minGPT. */
  ignoreIndex?: number;
}

/**
 * Mean cross-entropy of `logits` `(…, C)` against int32 class indices `targets` `(…)`.
 *
 * @param logits - A float32 tensor `(…, C)`; its leading axes are flattened to rows.
 * @param targets - An int32 tensor with the leading shape of `logits`.
 * @param options - `ignoreIndex` (default -1).
 * @returns A scalar tensor; NaN when every target is ignored (as PyTorch).
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` naming both shapes; `INVALID_ARGUMENT` for a target
 *   outside `[0, C)`.
 * @example
 * ```ts
 * import { crossEntropy, tensor } from '@lxmls/tensor';
 * const logits = tensor([[0, 0], [0, 0]]);
 * console.log(crossEntropy(logits, tensor([1, -1], undefined, 'int32')).item().toFixed(4)); // → 0.6931
 * ```
 */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const { ignoreIndex = -1 } = options;
  const backend = backendOf('crossEntropy', logits, targets);
  expectDtype('crossEntropy', logits, 'float32', 'logits');
  expectDtype('crossEntropy', targets, 'int32', 'targets');
  if (logits.shape.length < 1 || !sameShape(logits.shape.slice(0, -1), targets.shape)) {
    throw new LxmlsTensorError(
      'SHAPE_MISMATCH',
      'targets must have the shape of logits without its last axis',
      {
        fn: 'crossEntropy',
        expected: 'logits (…, C) and targets (…)',
        received: `${formatShape(logits.shape)} and ${formatShape(targets.shape)}`,
      },
    );
  }
  const c = logits.shape[logits.shape.length - 1]!;
  const n = targets.size;
  const s = (t: Tensor) => t.storage('crossEntropy');
  const attrs = { n, c, ignoreIndex };
  let loss: Tensor; // ()
  if (backend.crossEntropy) {
    loss = output(backend, [], 'float32');
    backend.crossEntropy({ logits: s(logits), targets: s(targets), out: s(loss) }, attrs);
  } else {
    loss = composed(() =>
      composeLoss(backend, reshape(logits, [n, c]), pickTargets(backend, targets, n, c, ignoreIndex), n, c),
    );
  }
  return record('crossEntropy', loss, [logits, targets], (g) => {
    if (!backend.crossEntropyBackward) {
      const picked = pickTargets(backend, targets, n, c, ignoreIndex);
      return [
        reshape(composeGradient(backend, reshape(logits, [n, c]), picked, g, n, c), logits.shape),
        null,
      ];
    }
    const dlogits = output(backend, logits.shape, 'float32'); // (…, C)
    const inputs = { logits: s(logits), targets: s(targets), dloss: s(g), dlogits: s(dlogits) };
    backend.crossEntropyBackward(inputs, attrs);
    return [dlogits, null];
  });
}
