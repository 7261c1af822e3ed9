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
  BinaryAttrs,
  BinaryInputs,
  CastAttrs,
  CrossEntropyAttrs,
  DropoutAttrs,
  DType,
  GatherAttrs,
  GeluBackwardInputs,
  LayerNormAttrs,
  LayerNormBackwardInputs,
  LayerNormInputs,
  MaskedFillAttrs,
  MaskedFillInputs,
  MatmulAttrs,
  MatmulInputs,
  MultinomialAttrs,
  PermuteAttrs,
  ReduceAttrs,
  SizeAttrs,
  SliceAssignInputs,
  SliceAttrs,
  SoftmaxAttrs,
  SoftmaxBackwardInputs,
  TopkAttrs,
  TypedArray,
  UnaryAttrs,
  UnaryInputs,
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
  copy({ x, out }: UnaryInputs<TypedArray>, { size }: SizeAttrs): void {
    for (let i = 0; i < size; i++) out[i] = x[i]!;
  }
  cast({ x, out }: UnaryInputs<TypedArray>, { size }: CastAttrs): void {
    for (let i = 0; i < size; i++) out[i] = x[i]!; // Int32Array assignment truncates toward zero
  }

  binary(inputs: BinaryInputs<TypedArray>, attrs: BinaryAttrs): void {
    binaryReference(inputs, attrs);
  }
  unary(inputs: UnaryInputs<TypedArray>, attrs: UnaryAttrs): void {
    unaryReference(inputs, attrs);
  }
  maskedFill(inputs: MaskedFillInputs<TypedArray>, attrs: MaskedFillAttrs): void {
    maskedFillReference(inputs, attrs);
  }
  gelu(inputs: UnaryInputs<Float32Array>, attrs: SizeAttrs): void {
    geluReference(inputs, attrs);
  }
  geluBackward(inputs: GeluBackwardInputs<Float32Array>, attrs: SizeAttrs): void {
    geluBackwardReference(inputs, attrs);
  }

  matmul(inputs: MatmulInputs<Float32Array>, attrs: MatmulAttrs): void {
    matmulReference(inputs, attrs);
  }

  reduce(inputs: UnaryInputs<Float32Array>, attrs: ReduceAttrs): void {
    reduceReference(inputs, attrs);
  }
  argmax(inputs: { x: Float32Array; out: Int32Array }, attrs: ArgmaxAttrs): void {
    argmaxReference(inputs, attrs);
  }
  topk(inputs: { x: Float32Array; values: Float32Array; indices: Int32Array }, attrs: TopkAttrs): void {
    topkReference(inputs, attrs);
  }

  softmax(inputs: UnaryInputs<Float32Array>, attrs: SoftmaxAttrs): void {
    softmaxReference(inputs, attrs);
  }
  logSoftmax(inputs: UnaryInputs<Float32Array>, attrs: SoftmaxAttrs): void {
    logSoftmaxReference(inputs, attrs);
  }
  softmaxBackward(inputs: SoftmaxBackwardInputs<Float32Array>, attrs: SoftmaxAttrs): void {
    softmaxBackwardReference(inputs, attrs);
  }
  logSoftmaxBackward(inputs: SoftmaxBackwardInputs<Float32Array>, attrs: SoftmaxAttrs): void {
    logSoftmaxBackwardReference(inputs, attrs);
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

  permute(inputs: UnaryInputs<TypedArray>, attrs: PermuteAttrs): void {
    permuteReference(inputs, attrs);
  }
  slice(inputs: UnaryInputs<TypedArray>, attrs: SliceAttrs): void {
    sliceReference(inputs, attrs);
  }
  sliceAssign(inputs: SliceAssignInputs<TypedArray>, attrs: SliceAttrs): void {
    sliceAssignReference(inputs, attrs);
  }

  dropout(inputs: UnaryInputs<Float32Array>, attrs: DropoutAttrs): void {
    dropoutReference(inputs, attrs);
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
 * const out = new Float32Array(3); // the `js` backend's storage is a typed array
 * js.softmax({ x: new Float32Array([1, 2, 3]), out }, { rows: 1, cols: 3 });
 * console.log(Array.from(js.read(out), (p) => p.toFixed(4))); // → [ '0.0900', '0.2447', '0.6652' ]
 * ```
 */
export function createJsBackend(): JsBackend {
  return new JsBackend();
}
