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

// the kernels' named inputs and attributes: K.MatmulInputs<S>, K.MatmulAttrs, …
import type * as K from '../backend.js';
import type { Backend, BackendCapabilities, DType, TypedArray } from '../backend.js';
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
 * js.binary({ a: new Float32Array([1, 2]), b: new Float32Array([10]), out }, { op: 'add', aShape: [2], bShape: [1], outShape: [2] });
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
  copy({ x, out }: K.UnaryInputs<TypedArray>, { size }: K.SizeAttrs): void {
    for (let i = 0; i < size; i++) out[i] = x[i]!;
  }
  cast({ x, out }: K.UnaryInputs<TypedArray>, { size }: K.CastAttrs): void {
    for (let i = 0; i < size; i++) out[i] = x[i]!; // Int32Array assignment truncates toward zero
  }

  binary(inputs: K.BinaryInputs<TypedArray>, attrs: K.BinaryAttrs): void {
    binaryReference(inputs, attrs);
  }
  unary(inputs: K.UnaryInputs<TypedArray>, attrs: K.UnaryAttrs): void {
    unaryReference(inputs, attrs);
  }
  maskedFill(inputs: K.MaskedFillInputs<TypedArray>, attrs: K.MaskedFillAttrs): void {
    maskedFillReference(inputs, attrs);
  }
  gelu(inputs: K.UnaryInputs<Float32Array>, attrs: K.SizeAttrs): void {
    geluReference(inputs, attrs);
  }
  geluBackward(inputs: K.GeluBackwardInputs<Float32Array>, attrs: K.SizeAttrs): void {
    geluBackwardReference(inputs, attrs);
  }

  matmul(inputs: K.MatmulInputs<Float32Array>, attrs: K.MatmulAttrs): void {
    matmulReference(inputs, attrs);
  }

  reduce(inputs: K.UnaryInputs<Float32Array>, attrs: K.ReduceAttrs): void {
    reduceReference(inputs, attrs);
  }
  argmax(inputs: { x: Float32Array; out: Int32Array }, attrs: K.ArgmaxAttrs): void {
    argmaxReference(inputs, attrs);
  }
  topk(inputs: { x: Float32Array; values: Float32Array; indices: Int32Array }, attrs: K.TopkAttrs): void {
    topkReference(inputs, attrs);
  }

  softmax(inputs: K.UnaryInputs<Float32Array>, attrs: K.SoftmaxAttrs): void {
    softmaxReference(inputs, attrs);
  }
  logSoftmax(inputs: K.UnaryInputs<Float32Array>, attrs: K.SoftmaxAttrs): void {
    logSoftmaxReference(inputs, attrs);
  }
  softmaxBackward(inputs: K.SoftmaxBackwardInputs<Float32Array>, attrs: K.SoftmaxAttrs): void {
    softmaxBackwardReference(inputs, attrs);
  }
  logSoftmaxBackward(inputs: K.SoftmaxBackwardInputs<Float32Array>, attrs: K.SoftmaxAttrs): void {
    logSoftmaxBackwardReference(inputs, attrs);
  }
  crossEntropy(
    inputs: { logits: Float32Array; targets: Int32Array; out: Float32Array },
    attrs: K.CrossEntropyAttrs,
  ): void {
    crossEntropyReference(inputs, attrs);
  }
  crossEntropyBackward(
    inputs: { logits: Float32Array; targets: Int32Array; dloss: Float32Array; dlogits: Float32Array },
    attrs: K.CrossEntropyAttrs,
  ): void {
    crossEntropyBackwardReference(inputs, attrs);
  }

  layerNorm(inputs: K.LayerNormInputs<Float32Array>, attrs: K.LayerNormAttrs): void {
    layerNormReference(inputs, attrs);
  }
  layerNormBackward(inputs: K.LayerNormBackwardInputs<Float32Array>, attrs: K.LayerNormAttrs): void {
    layerNormBackwardReference(inputs, attrs);
  }

  gather(inputs: { table: Float32Array; ids: Int32Array; out: Float32Array }, attrs: K.GatherAttrs): void {
    gatherReference(inputs, attrs);
  }
  scatterAdd(
    inputs: { dy: Float32Array; ids: Int32Array; dtable: Float32Array },
    attrs: K.GatherAttrs,
  ): void {
    scatterAddReference(inputs, attrs);
  }

  permute(inputs: K.UnaryInputs<TypedArray>, attrs: K.PermuteAttrs): void {
    permuteReference(inputs, attrs);
  }
  slice(inputs: K.UnaryInputs<TypedArray>, attrs: K.SliceAttrs): void {
    sliceReference(inputs, attrs);
  }
  sliceAssign(inputs: K.SliceAssignInputs<TypedArray>, attrs: K.SliceAttrs): void {
    sliceAssignReference(inputs, attrs);
  }

  dropout(inputs: K.UnaryInputs<Float32Array>, attrs: K.DropoutAttrs): void {
    dropoutReference(inputs, attrs);
  }
  multinomial(inputs: { probs: Float32Array; out: Int32Array }, attrs: K.MultinomialAttrs): void {
    multinomialReference(inputs, attrs);
  }

  adamw(inputs: K.AdamWInputs<Float32Array>, attrs: K.AdamWAttrs): void {
    adamwReference(inputs, attrs);
  }

  attention(inputs: K.AttentionInputs<Float32Array>, attrs: K.AttentionAttrs): void {
    attentionReference(inputs, attrs);
  }

  attentionBackward(inputs: K.AttentionBackwardInputs<Float32Array>, attrs: K.AttentionAttrs): void {
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
 * const out = new Float32Array(3); // the `js` backend's storage is a typed array
 * js.softmax({ x: new Float32Array([1, 2, 3]), out }, { rows: 1, cols: 3 });
 * console.log(Array.from(js.read(out), (p) => p.toFixed(4))); // → [ '0.0900', '0.2447', '0.6652' ]
 * ```
 */
export function createJsBackend(): JsBackend {
  return new JsBackend();
}
