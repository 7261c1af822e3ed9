/**
 * `@lxmls/base`: what every `@lxmls` package shares. The error-class factory ({@link defineError}) and the
 * validation helpers bound to a class ({@link checks}), and Python's `repr()` / `str()` of the values the
 * course prints ({@link pyRepr}, {@link pythonFloat}, {@link pythonStr}). Zero dependencies.
 *
 * @packageDocumentation
 */

export {
  type CheckOptions,
  type Checks,
  checks,
  describeValue,
  formatChoices,
  formatShape,
  type RangeOptions,
} from './check.js';
export {
  type DefineErrorOptions,
  defineError,
  type ErrorClassWithGuard,
  type ErrorDetails,
  formatMessage,
  isLxmlsError,
  type LxmlsError,
  type LxmlsErrorClass,
  rejectedError,
  thrownError,
} from './errors.js';
export {
  type PyValue,
  pyBytesRepr,
  pyDisplayList,
  pyRepr,
  pyStrRepr,
  pythonFloat,
  pythonStr,
  snakeCase,
  type TorchTensor,
  type TorchValues,
  torchRepr,
  torchSizeRepr,
} from './python.js';
export { SAFETENSORS_DTYPE_BYTES } from './safetensors.js';
