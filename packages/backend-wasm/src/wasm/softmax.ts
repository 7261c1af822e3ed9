/**
 * The `wasm` backend's softmax kernels: softmax, logSoftmax and cross-entropy, forward and backward.
 *
 * Called by the {@link WasmBackend} methods of the same names (src/backend.ts), each on the backend's
 * {@link WasmRuntime} (its memory, allocator, WebAssembly exports and threads); the WebAssembly side is
 * assembly/softmax.ts (softmax, crossEntropyForward / Backward) (docs/wasm-kernels.md), with the parts of a
 * split call in assembly/parts.ts. The `js` reference of each kernel is
 * packages/tensor/src/backends/js/softmax.ts.
 */

import type {
  CrossEntropyAttrs,
  CrossEntropyBackwardInputs,
  CrossEntropyInputs,
  SoftmaxAttrs,
  SoftmaxBackwardInputs,
  TypedArray,
  UnaryInputs,
} from '@lxmls/tensor';
import { checkTargets } from '@lxmls/tensor';
import type { WasmRuntime, WasmStorage } from './runtime.js';

/** The `softmax` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function softmax(
  rt: WasmRuntime,
  { x, out }: UnaryInputs<WasmStorage>,
  { rows, cols }: SoftmaxAttrs,
): void {
  rt.w.softmax(x.ptr, out.ptr, rows, cols, 0);
}

/** The `logSoftmax` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function logSoftmax(rt: WasmRuntime, { x, out }: UnaryInputs<WasmStorage>, attrs: SoftmaxAttrs): void {
  rt.reference.logSoftmax({ x: rt.f32(x), out: rt.f32(out) }, attrs);
}

/** The `softmaxBackward` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function softmaxBackward(
  rt: WasmRuntime,
  { y, dy, dx }: SoftmaxBackwardInputs<WasmStorage>,
  { rows, cols }: SoftmaxAttrs,
): void {
  rt.w.softmaxBackward(y.ptr, dy.ptr, dx.ptr, rows, cols, 0);
}

/** The `logSoftmaxBackward` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function logSoftmaxBackward(
  rt: WasmRuntime,
  { y, dy, dx }: SoftmaxBackwardInputs<WasmStorage>,
  attrs: SoftmaxAttrs,
): void {
  rt.reference.logSoftmaxBackward({ y: rt.f32(y), dy: rt.f32(dy), dx: rt.f32(dx) }, attrs);
}

/** The `crossEntropy` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function crossEntropy(
  rt: WasmRuntime,
  { logits, targets, out }: CrossEntropyInputs<WasmStorage>,
  attrs: CrossEntropyAttrs,
): void {
  const { n, c, ignoreIndex } = attrs;
  const kept = checkTargets(rt.view(targets), n, c, ignoreIndex);
  if (ignoreIndex !== -1) {
    const vl = rt.view(logits);
    const vt = rt.view(targets);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const t = vt[r]!;
      if (t !== ignoreIndex) total += logSumExp(vl, r * c, c) - vl[r * c + t]!;
    }
    rt.view(out)[0] = total / kept;
    return;
  }
  const probs = rt.temp(n * c);
  rt.w.crossEntropyForward(logits.ptr, targets.ptr, probs, rt.ceOut, n, c);
  rt.allocator.free(probs);
  const lossSum = new Float64Array(rt.memory.buffer, rt.ceOut, 1)[0]!;
  rt.F[out.ptr >> 2] = lossSum / kept; // 0/0 = NaN when every target is ignored, as in PyTorch
}

/** The `crossEntropyBackward` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function crossEntropyBackward(
  rt: WasmRuntime,
  { logits, targets, dloss, dlogits }: CrossEntropyBackwardInputs<WasmStorage>,
  { n, c, ignoreIndex }: CrossEntropyAttrs,
): void {
  const kept = checkTargets(rt.view(targets), n, c, ignoreIndex);
  const g = rt.F[dloss.ptr >> 2]! / kept;
  if (ignoreIndex !== -1) {
    const vl = rt.view(logits);
    const vt = rt.view(targets);
    const vd = rt.view(dlogits);
    for (let r = 0; r < n; r++) {
      const t = vt[r]!;
      const o = r * c;
      if (t === ignoreIndex) {
        vd.fill(0, o, o + c);
        continue;
      }
      const lse = logSumExp(vl, o, c);
      for (let j = 0; j < c; j++) vd[o + j] = g * (Math.exp(vl[o + j]! - lse) - (j === t ? 1 : 0));
    }
    return;
  }
  const probs = rt.temp(n * c);
  rt.w.crossEntropyForward(logits.ptr, targets.ptr, probs, rt.ceOut, n, c);
  rt.w.crossEntropyBackward(probs, targets.ptr, dlogits.ptr, n, c, g);
  rt.allocator.free(probs);
}

/** Row `o`'s log-sum-exp over `cols` values, computed stably in float64. */
function logSumExp(x: TypedArray, o: number, cols: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]!);
  let sum = 0;
  for (let j = 0; j < cols; j++) sum += Math.exp(x[o + j]! - max);
  return max + Math.log(sum);
}
