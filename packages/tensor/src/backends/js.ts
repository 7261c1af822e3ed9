/**
 * The `js` reference backend: plain TypeScript loops over Float32Array / Int32Array.
 *
 * This file is the DEFINITION of every kernel of the {@link Backend} interface (as tinygrad's `ops_python.py`
 * is the definition of its uops): it favours clarity over speed, accumulates sums in float64 (JavaScript
 * numbers), and the conformance suite compares every other backend with it. Semantics follow PyTorch.
 *
 * The kernels live in one file per family, found by name: `js/matmul.ts`, `js/elementwise.ts` (binary,
 * unary, maskedFill, gelu), `js/reduce.ts` (reduce, argmax, topk), `js/softmax.ts` (softmax, logSoftmax,
 * crossEntropy), `js/norm.ts` (layerNorm), `js/embedding.ts` (gather, scatterAdd), `js/shape.ts` (permute,
 * slice, sliceAssign), `js/random.ts` (dropout, multinomial), `js/optim.ts` (adamw) and `js/attention.ts`.
 * This class holds the memory and one line per kernel.
 */

import type {
  AdamWAttrs,
  AdamWInputs,
  ArgmaxAttrs,
  AttentionAttrs,
  AttentionBackwardInputs,
  AttentionInputs,
  Backend,
  BackendCapabilities,
  BinaryOp,
  CrossEntropyAttrs,
  DType,
  GatherAttrs,
  LayerNormAttrs,
  LayerNormBackwardInputs,
  LayerNormInputs,
  MatmulAttrs,
  MatmulInputs,
  MultinomialAttrs,
  ReduceOp,
  TopkAttrs,
  TypedArray,
  UnaryOp,
} from '../backend.js';
import { attentionBackwardReference, attentionReference } from './js/attention.js';
import {
  binaryReference,
  geluBackwardReference,
  geluReference,
  maskedFillReference,
  unaryReference,
} from './js/elementwise.js';
import { gatherReference, scatterAddReference } from './js/embedding.js';
import { matmulReference } from './js/matmul.js';
import { layerNormBackwardReference, layerNormReference } from './js/norm.js';
import { adamwReference } from './js/optim.js';
import { dropoutReference, multinomialReference } from './js/random.js';
import { argmaxReference, reduceReference, topkReference } from './js/reduce.js';
import { permuteReference, sliceAssignReference, sliceReference } from './js/shape.js';
import {
  crossEntropyBackwardReference,
  crossEntropyReference,
  logSoftmaxBackwardReference,
  logSoftmaxReference,
  softmaxBackwardReference,
  softmaxReference,
} from './js/softmax.js';

/**
 * The `js` reference backend: every kernel of {@link Backend} as plain loops over Float32Array/Int32Array.
 * Storage handles are the typed arrays themselves. Capabilities: gradients and fused attention.
 *
 * @example
 * ```ts
 * import { JsBackend } from '@lxmls/tensor';
 * const js = new JsBackend();
 * const out = js.alloc(2, 'float32');
 * js.binary('add', new Float32Array([1, 2]), [2], new Float32Array([10]), [1], out, [2]);
 * console.log(js.read(out)); // → Float32Array(2) [ 11, 12 ]
 * ```
 */
export class JsBackend implements Backend<TypedArray> {
  readonly name: string = 'js';
  readonly capabilities: BackendCapabilities = {
    gradients: true,
    float16: false,
    async: false,
    fusedAttention: true,
    fusedAttentionDropout: true,
  };

  alloc(size: number, dtype: DType): TypedArray {
    return dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
  }
  free(_storage: TypedArray): void {
    // garbage collected
  }
  read(storage: TypedArray): TypedArray {
    return storage.slice();
  }
  write(storage: TypedArray, data: TypedArray): void {
    storage.set(data);
  }
  copy(x: TypedArray, out: TypedArray, size: number): void {
    for (let i = 0; i < size; i++) out[i] = x[i]!;
  }
  cast(x: TypedArray, out: TypedArray, size: number, _to: DType): void {
    for (let i = 0; i < size; i++) out[i] = x[i]!; // Int32Array assignment truncates toward zero
  }

  binary(
    op: BinaryOp,
    a: TypedArray,
    aShape: readonly number[],
    b: TypedArray,
    bShape: readonly number[],
    out: TypedArray,
    outShape: readonly number[],
  ): void {
    binaryReference(op, a, aShape, b, bShape, out, outShape);
  }
  unary(op: UnaryOp, x: TypedArray, out: TypedArray, size: number): void {
    unaryReference(op, x, out, size);
  }
  maskedFill(
    x: TypedArray,
    shape: readonly number[],
    mask: TypedArray,
    maskShape: readonly number[],
    value: number,
    out: TypedArray,
  ): void {
    maskedFillReference(x, shape, mask, maskShape, value, out);
  }
  gelu(x: Float32Array, out: Float32Array, size: number): void {
    geluReference(x, out, size);
  }
  geluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, size: number): void {
    geluBackwardReference(x, dy, dx, size);
  }

  matmul(inputs: MatmulInputs<Float32Array>, attrs: MatmulAttrs): void {
    matmulReference(inputs, attrs);
  }

  reduce(
    op: ReduceOp,
    x: Float32Array,
    shape: readonly number[],
    axes: readonly number[],
    out: Float32Array,
  ): void {
    reduceReference(op, x, shape, axes, out);
  }
  argmax(inputs: { x: Float32Array; out: Int32Array }, attrs: ArgmaxAttrs): void {
    argmaxReference(inputs, attrs);
  }
  topk(inputs: { x: Float32Array; values: Float32Array; indices: Int32Array }, attrs: TopkAttrs): void {
    topkReference(inputs, attrs);
  }

  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
    softmaxReference(x, out, rows, cols);
  }
  logSoftmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
    logSoftmaxReference(x, out, rows, cols);
  }
  softmaxBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void {
    softmaxBackwardReference(y, dy, dx, rows, cols);
  }
  logSoftmaxBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void {
    logSoftmaxBackwardReference(y, dy, dx, rows, cols);
  }
  crossEntropy(
    inputs: { logits: Float32Array; targets: Int32Array; out: Float32Array },
    attrs: CrossEntropyAttrs,
  ): void {
    crossEntropyReference(inputs, attrs);
  }
  crossEntropyBackward(
    inputs: { logits: Float32Array; targets: Int32Array; dloss: Float32Array; dlogits: Float32Array },
    attrs: CrossEntropyAttrs,
  ): void {
    crossEntropyBackwardReference(inputs, attrs);
  }

  layerNorm(inputs: LayerNormInputs<Float32Array>, attrs: LayerNormAttrs): void {
    layerNormReference(inputs, attrs);
  }
  layerNormBackward(inputs: LayerNormBackwardInputs<Float32Array>, attrs: LayerNormAttrs): void {
    layerNormBackwardReference(inputs, attrs);
  }

  gather(inputs: { table: Float32Array; ids: Int32Array; out: Float32Array }, attrs: GatherAttrs): void {
    gatherReference(inputs, attrs);
  }
  scatterAdd(inputs: { dy: Float32Array; ids: Int32Array; dtable: Float32Array }, attrs: GatherAttrs): void {
    scatterAddReference(inputs, attrs);
  }

  permute(x: TypedArray, shape: readonly number[], perm: readonly number[], out: TypedArray): void {
    permuteReference(x, shape, perm, out);
  }
  slice(
    x: TypedArray,
    shape: readonly number[],
    begin: readonly number[],
    sizes: readonly number[],
    out: TypedArray,
  ): void {
    sliceReference(x, shape, begin, sizes, out);
  }
  sliceAssign(
    src: TypedArray,
    sizes: readonly number[],
    out: TypedArray,
    shape: readonly number[],
    begin: readonly number[],
  ): void {
    sliceAssignReference(src, sizes, out, shape, begin);
  }

  dropout(x: Float32Array, out: Float32Array, size: number, p: number, seed: number): void {
    dropoutReference(x, out, size, p, seed);
  }
  multinomial(inputs: { probs: Float32Array; out: Int32Array }, attrs: MultinomialAttrs): void {
    multinomialReference(inputs, attrs);
  }

  adamw(inputs: AdamWInputs<Float32Array>, attrs: AdamWAttrs): void {
    adamwReference(inputs, attrs);
  }

  attention(inputs: AttentionInputs<Float32Array>, attrs: AttentionAttrs): void {
    attentionReference(inputs, attrs);
  }

  attentionBackward(inputs: AttentionBackwardInputs<Float32Array>, attrs: AttentionAttrs): void {
    attentionBackwardReference(inputs, attrs);
  }
}

/**
 * Creates the `js` reference backend (registered by default under the name `js`).
 *
 * @returns A new {@link JsBackend}.
 * @example
 * ```ts
 * import { createJsBackend } from '@lxmls/tensor';
 * const js = createJsBackend();
 * const out = js.alloc(3, 'float32');
 * js.softmax(new Float32Array([1, 2, 3]), out, 1, 3);
 * console.log(Array.from(js.read(out), (p) => p.toFixed(4))); // → [ '0.0900', '0.2447', '0.6652' ]
 * ```
 */
export function createJsBackend(): JsBackend {
  return new JsBackend();
}
