/**
 * The element sizes of the safetensors format's dtypes (huggingface/safetensors, "Format": `Dtype`), one
 * table for every package that reads the format: @lxmls/hub checks that a downloaded file's tensors cover its
 * bytes, @lxmls/nn converts the tensors. A file with a dtype that nn cannot convert (an 8-bit float) is still a
 * valid file: the hub keeps it, and nn names the tensor and its dtype.
 */

/**
 * Bytes per element of each safetensors dtype.
 *
 * @example
 * ```ts
 * import { SAFETENSORS_DTYPE_BYTES } from '@lxmls/base';
 * console.log(SAFETENSORS_DTYPE_BYTES.BF16, SAFETENSORS_DTYPE_BYTES.F8_E8M0, SAFETENSORS_DTYPE_BYTES.C64); // → 2 1 8
 * ```
 */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<string, number>> = Object.freeze({
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
  C64: 8,
});
