/**
 * @lxmls/backend-tfjs: the kernels of `@lxmls/tensor` on TensorFlow.js (`tfjs-webgl`, `tfjs-webgpu`,
 * `tfjs-wasm`, `tfjs-cpu`). TensorFlow.js packages are optional peer dependencies, loaded on first use.
 * Every export is listed here.
 */

export { TfjsBackend, type TfjsBackendOptions, TfStorage } from './backend.js';
export {
  type CreateTfjsBackendOptions,
  createTfjsBackend,
  type RegisterTfjsBackendsOptions,
  registerTfjsBackends,
  TFJS_ENGINES,
} from './create.js';
export { type BackendTfjsErrorCode, type BackendTfjsErrorDetails, LxmlsBackendTfjsError } from './errors.js';
export { ENGINE_PACKAGES, type TfjsEngine, type TfModule } from './load.js';
