/**
 * @lxmls/onnx: export the GPTs of @lxmls/gpt to ONNX ({@link exportOnnx}) and run them on ONNX Runtime
 * (onnxruntime-node, or onnxruntime-web's wasm build), with every layer's attention weights as outputs when
 * asked for. Every export is listed here.
 *
 * @packageDocumentation
 */

export { LxmlsOnnxError, type OnnxErrorCode, type OnnxErrorDetails } from './errors.js';
export { type ExportOnnxOptions, exportOnnx } from './export.js';
