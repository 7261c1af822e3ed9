/**
 * @lxmls/onnx: export the GPTs of @lxmls/gpt to ONNX ({@link exportOnnx}), open them on ONNX Runtime
 * (onnxruntime-node, or onnxruntime-web's wasm build: {@link createSession}) with every layer's attention
 * weights as outputs when asked for, and generate on them with @lxmls/gpt's semantics ({@link generateOnnx}).
 * Every export is listed here.
 *
 * @packageDocumentation
 */

export { attentionForVizOnnx } from './attention-viz.js';
export { LxmlsOnnxError, type OnnxErrorCode, type OnnxErrorDetails } from './errors.js';
export { type ExportOnnxOptions, exportOnnx } from './export.js';
export { type ExportOnnxFolderOptions, exportOnnxFolder } from './folder.js';
export { forwardOnnx, type OnnxForwardOutput } from './forward.js';
export { genBatchOnnx, promptRowsOnnx } from './gen-batch.js';
export { type GenerateOnnxOptions, generateOnnx } from './generate.js';
export {
  type CreateSessionOptions,
  createSession,
  type OnnxBackend,
  type OnnxSession,
  type OrtRuntimeLike,
  type OrtSessionLike,
  type OrtTensorLike,
} from './session.js';
