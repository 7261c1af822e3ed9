/**
 * Safetensors: read and write the format of Hugging Face checkpoints (https://github.com/huggingface/safetensors).
 *
 * A file is: 8 bytes (little-endian u64) holding the header length N; N bytes of UTF-8 JSON, an object
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {key: value}}`; then the byte buffer,
 * where each tensor's bytes lie in `[begin, end)` (offsets relative to the start of the buffer), little-endian,
 * row-major. The reader validates everything before it allocates a tensor, so a hostile or truncated file gives
 * an `INVALID_SAFETENSORS` error naming the tensor and the offending value instead of exhausting memory.
 *
 * This module works on bytes only (no file system), so it runs in browsers too; callers read and write files.
 *
 * Over 500 lines: the reader and the writer of one file format, with the header validation they share (every
 * offset and shape checked before allocating) and the float16 / int64 conversions both directions need.
 */

import { SAFETENSORS_DTYPE_BYTES } from '@lxmls/base';
import { type Tensor, tensor } from '@lxmls/tensor';
import { check, LxmlsNnError } from './errors.js';

/** The dtypes {@link readSafetensors} converts (the others raise `UNSUPPORTED_DTYPE`). */
const CONVERTED = new Set([
  'F32',
  'F16',
  'BF16',
  'F64',
  'I64',
  'I32',
  'I16',
  'I8',
  'U8',
  'U16',
  'U32',
  'U64',
  'BOOL',
]);

/** The default limit on the JSON header: 100 MB, the limit of the reference implementation. */
const MAX_HEADER_BYTES = 100_000_000;

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** One tensor of a safetensors header, validated. */
export interface SafetensorsEntry {
  /** The tensor's name, e.g. `transformer.h.0.attn.c_attn.weight`. */
  name: string;
  /** The dtype as the file spells it: `F32`, `F16`, `BF16`, `I64`, … */
  dtype: string;
  /** The shape (`[]` for a scalar). */
  shape: number[];
  /** The first byte, relative to the start of the data buffer. */
  begin: number;
  /** One past the last byte, relative to the start of the data buffer. */
  end: number;
}

/** A parsed and validated safetensors header (see {@link readSafetensorsHeader}). */
export interface SafetensorsHeader {
  /** The tensors in the header's key order. */
  entries: SafetensorsEntry[];
  /** The `__metadata__` strings (empty when the file has none). */
  metadata: Record<string, string>;
  /** Where the data buffer starts in the file: 8 + the header length. */
  dataOffset: number;
}

/** Options of {@link readSafetensors} and {@link readSafetensorsHeader}. */
export interface ReadSafetensorsOptions {
  /** The largest JSON header accepted, in bytes (default 100 MB, as the reference implementation). */
  maxHeaderBytes?: number;
  /** Only the tensors whose name passes are converted (the whole header is still validated). */
  names?: (name: string) => boolean;
  /**
   * Refuse a float tensor that holds NaN or ±Infinity (`INVALID_SAFETENSORS`, naming the tensor and the first
   * index), as the model loaders do: such weights give garbage, not an error, later (issue 17). Default false:
   * the format itself allows any float.
   */
  finite?: boolean;
}

/** Options of {@link writeSafetensors}. */
export interface WriteSafetensorsOptions {
  /** Write int32 tensors as `I64` (as PyTorch stores token ids) instead of `I32` (default false). */
  int64?: boolean;
  /**
   * Write float32 tensors as `F16` (IEEE half precision, rounded to nearest even; values beyond ±65504 become
   * ±inf) instead of `F32`: half the bytes, for shipping weights (default false). {@link readSafetensors}
   * reads them back as float32.
   */
  float16?: boolean;
}

function invalid(
  fn: string,
  what: string,
  expected: string,
  received: string,
  argument?: string,
): LxmlsNnError {
  return new LxmlsNnError('INVALID_SAFETENSORS', what, {
    fn,
    expected,
    received,
    ...(argument === undefined ? {} : { argument }),
  });
}

/** The top-level keys of a JSON object text, in the order they are written (JSON.parse puts integer keys first). */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(json.slice(i, j + 1)) as string);
      expectKey = false;
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = depth === 1;
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expectKey = true;
  }
  return keys;
}

const describe = (value: unknown) => JSON.stringify(value) ?? String(value);

/**
 * Parses and validates the header of a safetensors file without creating tensors (e.g. to check shapes
 * before allocating). Every check of {@link readSafetensors} is done here.
 *
 * @param bytes - The whole file.
 * @param options - `maxHeaderBytes` (default 100 MB).
 * @returns The entries (header order), the metadata and where the data buffer starts.
 * @throws {@link LxmlsNnError} `INVALID_SAFETENSORS` for a truncated, malformed or inconsistent file (naming
 *   the tensor and the offending offset or value); `UNSUPPORTED_DTYPE` for a dtype outside the specification.
 * @example
 * ```ts
 * import { readSafetensorsHeader, writeSafetensors } from '@lxmls/nn';
 * import { zeros } from '@lxmls/tensor';
 * const bytes = writeSafetensors({ w: zeros([2, 3]) });
 * console.log(readSafetensorsHeader(bytes).entries); // → [ { name: 'w', dtype: 'F32', shape: [ 2, 3 ], begin: 0, end: 24 } ]
 * ```
 */
export function readSafetensorsHeader(
  bytes: Uint8Array,
  options: Pick<ReadSafetensorsOptions, 'maxHeaderBytes'> = {},
): SafetensorsHeader {
  return parseHeader('readSafetensorsHeader', bytes, options.maxHeaderBytes ?? MAX_HEADER_BYTES);
}

function parseHeader(fn: string, bytes: Uint8Array, maxHeaderBytes: number): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array))
    check.fail(
      fn,
      'bytes',
      Object.prototype.toString.call(bytes),
      'bytes must be a Uint8Array',
      'a Uint8Array',
    );
  if (bytes.length < 8) {
    throw invalid(
      fn,
      'the file is shorter than its 8-byte header length',
      'at least 8 bytes',
      `${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(maxHeaderBytes)) {
    throw invalid(
      fn,
      'the header length (bytes 0–7) is larger than allowed',
      `at most ${maxHeaderBytes} bytes (maxHeaderBytes)`,
      `${headerLength} bytes`,
    );
  }
  const n = Number(headerLength);
  if (8 + n > bytes.length) {
    throw invalid(
      fn,
      'the header length (bytes 0–7) runs past the end of the file',
      `at most ${bytes.length - 8} bytes`,
      `${n} bytes`,
    );
  }
  let text: string;
  let header: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
    header = JSON.parse(text);
  } catch (cause) {
    throw new LxmlsNnError('INVALID_SAFETENSORS', 'the header (bytes 8 on) is not valid UTF-8 JSON', {
      fn,
      expected: `${n} bytes of UTF-8 JSON`,
      received: (cause as Error).message,
      cause,
    });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw invalid(
      fn,
      'the header is not a JSON object',
      'an object {name: {dtype, shape, data_offsets}}',
      describe(header).slice(0, 40),
    );
  }
  const record = header as Record<string, unknown>;
  const order = topLevelKeys(text);
  const seen = new Set<string>();
  const dup = order.find((k) => seen.has(k) || !seen.add(k)); // one pass: linear in the number of names
  if (dup !== undefined) {
    throw invalid(
      fn,
      `the header names ${describe(dup)} twice`,
      'unique names',
      `${describe(dup)} twice`,
      dup,
    );
  }
  const dataOffset = 8 + n;
  const bufferLength = bytes.length - dataOffset;
  const metadata = parseMetadata(fn, record.__metadata__);
  const entries: SafetensorsEntry[] = [];
  for (const name of order) {
    if (name === '__metadata__') continue;
    entries.push(parseEntry(fn, name, record[name], bufferLength, dataOffset));
  }
  checkCoverage(fn, entries, bufferLength, dataOffset);
  return { entries, metadata, dataOffset };
}

function parseMetadata(fn: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(
      fn,
      '__metadata__ is not an object',
      'an object of strings',
      describe(value),
      '__metadata__',
    );
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw invalid(fn, `__metadata__.${key} is not a string`, 'a string', describe(v), '__metadata__');
    }
  }
  return Object.fromEntries(Object.entries(value)) as Record<string, string>; // own keys, even `__proto__`
}

function parseEntry(
  fn: string,
  name: string,
  value: unknown,
  bufferLength: number,
  dataOffset: number,
): SafetensorsEntry {
  const q = describe(name);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(fn, `tensor ${q} is not an object`, '{dtype, shape, data_offsets}', describe(value), name);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') {
    throw invalid(fn, `tensor ${q} has no string dtype`, 'a dtype such as "F32"', describe(dtype), name);
  }
  const itemBytes = SAFETENSORS_DTYPE_BYTES[dtype];
  if (itemBytes === undefined)
    check.fail(
      fn,
      name,
      dtype,
      `tensor ${q} has a dtype outside the specification`,
      `one of ${Object.keys(SAFETENSORS_DTYPE_BYTES).join(', ')}`,
      { code: 'UNSUPPORTED_DTYPE' },
    );
  if (!Array.isArray(shape)) {
    throw invalid(
      fn,
      `tensor ${q} has no shape array`,
      'a list of sizes such as [2, 3]',
      describe(shape),
      name,
    );
  }
  const badDim = shape.findIndex((d) => !Number.isSafeInteger(d) || (d as number) < 0);
  if (badDim >= 0) {
    throw invalid(
      fn,
      `tensor ${q} has an invalid size at axis ${badDim}`,
      'non-negative integers',
      describe(shape[badDim]),
      name,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)
  ) {
    throw invalid(
      fn,
      `tensor ${q} has invalid data_offsets`,
      '[begin, end], non-negative integers',
      describe(offsets),
      name,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) {
    throw invalid(fn, `tensor ${q} begins after it ends`, `begin ≤ end (${end})`, `begin ${begin}`, name);
  }
  if (end > bufferLength) {
    throw invalid(
      fn,
      `tensor ${q} ends beyond the data buffer`,
      `end ≤ ${bufferLength} (the buffer's length)`,
      `end ${end} (file offset ${dataOffset + end})`,
      name,
    );
  }
  // The element count, stopped early once it exceeds what the buffer could hold (no overflow, no huge numbers).
  let count = 1;
  for (const d of shape as number[]) count = count > bufferLength && d > 0 ? count : count * d;
  if (count * itemBytes !== end - begin) {
    throw invalid(
      fn,
      `tensor ${q} has a byte length that does not fit its shape and dtype`,
      `${count > bufferLength ? `more than ${bufferLength}` : count} × ${itemBytes} bytes for ${dtype} [${(shape as number[]).join(', ')}]`,
      `data_offsets [${begin}, ${end}] (${end - begin} bytes, file offset ${dataOffset + begin})`,
      name,
    );
  }
  return { name, dtype, shape: [...(shape as number[])], begin, end };
}

/** The byte ranges must tile the buffer: no overlap, no hole, nothing after the last tensor. */
function checkCoverage(
  fn: string,
  entries: readonly SafetensorsEntry[],
  bufferLength: number,
  dataOffset: number,
): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  let previous: SafetensorsEntry | undefined;
  for (const e of sorted) {
    if (e.begin < position) {
      throw invalid(
        fn,
        `tensor ${describe(e.name)} overlaps tensor ${describe(previous?.name)}`,
        `begin ≥ ${position} (where ${describe(previous?.name)} ends)`,
        `begin ${e.begin} (file offset ${dataOffset + e.begin})`,
        e.name,
      );
    }
    if (e.begin > position) {
      throw invalid(
        fn,
        `the data buffer has a hole before tensor ${describe(e.name)}`,
        `begin ${position} (contiguous tensors)`,
        `begin ${e.begin} (file offset ${dataOffset + e.begin})`,
        e.name,
      );
    }
    position = e.end;
    previous = e;
  }
  if (position !== bufferLength) {
    throw invalid(
      fn,
      'the data buffer has bytes after the last tensor',
      `a buffer of ${position} bytes`,
      `${bufferLength} bytes (${bufferLength - position} extra from file offset ${dataOffset + position})`,
      previous?.name,
    );
  }
}

/** Float16 bits → the number they encode (exact: every half is a float32). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero or subnormal
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Converts one entry's bytes to a float32 or int32 typed array (little-endian, unaligned offsets are fine). */
/** Throws `INVALID_SAFETENSORS` naming the tensor and the first NaN or ±Infinity of a float tensor. */
function checkFinite(fn: string, e: SafetensorsEntry, values: Float32Array | Int32Array): void {
  if (values instanceof Int32Array) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v === 0) continue; // false for NaN and ±Infinity only
    throw invalid(
      fn,
      `tensor ${describe(e.name)} holds a value that is not finite`,
      'finite weights (options.finite)',
      `${v} at flat index ${i} of ${values.length}`,
      e.name,
    );
  }
}

function decode(
  fn: string,
  e: SafetensorsEntry,
  data: DataView,
  dataOffset: number,
): Float32Array | Int32Array {
  const n = (e.end - e.begin) / SAFETENSORS_DTYPE_BYTES[e.dtype]!;
  const at = e.begin;
  switch (e.dtype) {
    case 'F32':
    case 'I32': {
      const Typed = e.dtype === 'F32' ? Float32Array : Int32Array;
      const offset = data.byteOffset + at;
      if (LITTLE_ENDIAN && offset % 4 === 0) return new Typed(data.buffer as ArrayBuffer, offset, n); // a view; tensor() copies
      const out = new Typed(n);
      const get = e.dtype === 'F32' ? data.getFloat32.bind(data) : data.getInt32.bind(data);
      for (let i = 0; i < n; i++) out[i] = get(at + 4 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToNumber(data.getUint16(at + 2 * i, true));
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift the bits into place.
      const bits = new Uint32Array(n);
      for (let i = 0; i < n; i++) bits[i] = data.getUint16(at + 2 * i, true) << 16;
      return new Float32Array(bits.buffer);
    }
    case 'F64': {
      const out = new Float32Array(n); // rounds to the nearest float32 (lossy)
      for (let i = 0; i < n; i++) out[i] = data.getFloat64(at + 8 * i, true);
      return out;
    }
    case 'I64':
    case 'U64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v =
          e.dtype === 'I64' ? data.getBigInt64(at + 8 * i, true) : data.getBigUint64(at + 8 * i, true);
        if (v < -2147483648n || v > 2147483647n) throw outOfRange(fn, e, v, i, dataOffset + at + 8 * i);
        out[i] = Number(v);
      }
      return out;
    }
    case 'U32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = data.getUint32(at + 4 * i, true);
        if (v > 2147483647) throw outOfRange(fn, e, v, i, dataOffset + at + 4 * i);
        out[i] = v;
      }
      return out;
    }
    case 'I16':
    case 'U16': {
      const out = new Int32Array(n);
      const get = e.dtype === 'I16' ? data.getInt16.bind(data) : data.getUint16.bind(data);
      for (let i = 0; i < n; i++) out[i] = get(at + 2 * i, true);
      return out;
    }
    case 'I8':
    case 'U8':
    case 'BOOL': {
      const out = new Int32Array(n);
      const get = e.dtype === 'I8' ? data.getInt8.bind(data) : data.getUint8.bind(data);
      for (let i = 0; i < n; i++) out[i] = get(at + i);
      return out;
    }
    default:
      throw unsupportedDtype(fn, e);
  }
}

function unsupportedDtype(fn: string, e: SafetensorsEntry): LxmlsNnError {
  return new LxmlsNnError(
    'UNSUPPORTED_DTYPE',
    `tensor ${describe(e.name)} has a dtype this package cannot convert`,
    {
      fn,
      argument: e.name,
      expected: `one of ${[...CONVERTED].join(', ')}`,
      received: e.dtype,
    },
  );
}

function outOfRange(
  fn: string,
  e: SafetensorsEntry,
  value: bigint | number,
  i: number,
  fileOffset: number,
): LxmlsNnError {
  return new LxmlsNnError(
    'UNSUPPORTED_DTYPE',
    `tensor ${describe(e.name)} holds a value that does not fit in int32`,
    {
      fn,
      argument: e.name,
      expected: `${e.dtype} values in [-2147483648, 2147483647]`,
      received: `${value} at element ${i} (file offset ${fileOffset})`,
    },
  );
}

/**
 * Reads a safetensors file into float32 and int32 tensors, in the header's order.
 *
 * Conversions (the tensor package has float32 and int32 only):
 * - `F32` → float32; `F16` and `BF16` → float32, exactly (subnormals, ±inf and NaN included);
 * - `F64` → float32, rounded to the nearest float32 (lossy; values beyond ±3.4e38 become ±inf);
 * - `I32` → int32; `I64`, `U64`, `U32` → int32 when every value fits (else `UNSUPPORTED_DTYPE`, naming the
 *   element), so token ids saved by PyTorch as int64 load as int32;
 * - `I16`, `U16`, `I8`, `U8`, `BOOL` → int32 (exact);
 * - the 8-bit floats (`F8_E4M3`, `F8_E5M2`, `F8_E8M0`) and `C64` → `UNSUPPORTED_DTYPE` naming the tensor.
 *
 * Validated before any tensor is made (error `INVALID_SAFETENSORS`, naming the tensor and the value or
 * offset): a file shorter than 8 bytes; a header length above `maxHeaderBytes` or past the end of the file;
 * a header that is not UTF-8 JSON or not an object; a duplicate name; an entry without a string dtype, a shape
 * of non-negative integers or `data_offsets` of two non-negative integers; begin > end; an end beyond the
 * buffer; a byte length other than product(shape) × the dtype's size; overlapping ranges; a hole between
 * ranges or bytes after the last one; `__metadata__` that is not an object of strings. Offsets need not be
 * aligned (unaligned data is copied).
 *
 * @param bytes - The whole file.
 * @param options - `maxHeaderBytes` (default 100 MB); `names`, a filter on the tensors to convert; `finite`,
 *   refuse NaN and ±Infinity in float tensors.
 * @returns The tensors by name (insertion order = header order) and the `__metadata__` strings.
 * @throws {@link LxmlsNnError} `INVALID_SAFETENSORS` or `UNSUPPORTED_DTYPE` as above.
 * @remarks Python: `safetensors.torch.load(data)` (plus the metadata of `safe_open(...).metadata()`).
 * @example
 * ```ts
 * import { readSafetensors, writeSafetensors } from '@lxmls/nn';
 * import { tensor } from '@lxmls/tensor';
 * const bytes = writeSafetensors({ w: tensor([[1, 2]]), ids: tensor([7], undefined, 'int32') }, { format: 'pt' });
 * const { tensors, metadata } = readSafetensors(bytes);
 * console.log([...tensors.keys()], tensors.get('w')?.toArray(), tensors.get('ids')?.dtype, metadata); // → [ 'w', 'ids' ] [ [ 1, 2 ] ] int32 { format: 'pt' }
 * ```
 */
export function readSafetensors(
  bytes: Uint8Array,
  options: ReadSafetensorsOptions = {},
): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const fn = 'readSafetensors';
  const { maxHeaderBytes = MAX_HEADER_BYTES, names, finite = false } = options;
  const { entries, metadata, dataOffset } = parseHeader(fn, bytes, maxHeaderBytes);
  const selected = names ? entries.filter((e) => names(e.name)) : entries;
  const unsupported = selected.find((e) => !CONVERTED.has(e.dtype));
  if (unsupported) throw unsupportedDtype(fn, unsupported);
  const data = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, bytes.length - dataOffset);
  const arrays = selected.map((e) => decode(fn, e, data, dataOffset)); // all first: an error leaks no tensor
  if (finite) for (const [i, e] of selected.entries()) checkFinite(fn, e, arrays[i]!);
  const tensors = new Map<string, Tensor>();
  selected.forEach((e, i) => {
    const values = arrays[i]!;
    tensors.set(e.name, tensor(values, e.shape, values instanceof Int32Array ? 'int32' : 'float32'));
  });
  return { tensors, metadata };
}

/**
 * Writes tensors in the safetensors format: float32 as `F32` (or `F16` with `{ float16: true }`), int32 as `I32`
 * (or `I64` with `{ int64: true }`).
 *
 * The header lists `__metadata__` first (when given), then the tensors in insertion order, and is padded with
 * spaces to a multiple of 8 bytes, as the reference implementation does; the data follow contiguously in the
 * same order. (A plain object lists integer-like keys first, as JavaScript orders them: pass a Map to control
 * the order fully.)
 *
 * @param tensors - Name → tensor (a Map, e.g. `model.stateDict()`, or an object).
 * @param metadata - Optional `__metadata__` strings (e.g. `{ format: 'pt' }`).
 * @param options - `int64`, `float16`.
 * @returns The file's bytes.
 * @throws {@link LxmlsNnError} `INVALID_ARGUMENT` for an empty name, the name `__metadata__`, a non-string
 *   metadata value or something that is not a tensor.
 * @remarks Python: `safetensors.torch.save(tensors, metadata)`.
 * @example
 * ```ts
 * import { writeSafetensors } from '@lxmls/nn';
 * import { tensor } from '@lxmls/tensor';
 * const bytes = writeSafetensors(new Map([['x', tensor([1.5])]]));
 * console.log(bytes.length, new TextDecoder().decode(bytes.subarray(8, 64))); // → 68 {"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}
 * ```
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
  options: WriteSafetensorsOptions = {},
): Uint8Array {
  const fn = 'writeSafetensors';
  const pairs: [string, Tensor][] =
    tensors instanceof Map ? [...tensors] : Object.entries(tensors as Record<string, Tensor>);
  // The JSON is assembled by hand: an object would move integer-like names first (and mishandle `__proto__`).
  const header: string[] = [];
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string')
      check.fail(fn, 'metadata', value, `metadata.${key} is not a string`, 'string values');
  }
  if (Object.keys(metadata).length > 0) header.push(`"__metadata__":${JSON.stringify(metadata)}`);
  const arrays: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of pairs) {
    if (typeof name !== 'string' || name === '' || name === '__metadata__')
      check.fail(
        fn,
        'tensors',
        name,
        'a tensor name is empty or reserved',
        'non-empty names other than __metadata__',
      );
    if (typeof t !== 'object' || t === null || !('dtype' in t) || typeof t.data !== 'function')
      check.fail(fn, name, t, `${describe(name)} is not a tensor`, 'a Tensor');
    const values = t.data();
    const half = t.dtype === 'float32' && options.float16 === true;
    const bytes = half
      ? float16Bytes(values as Float32Array)
      : t.dtype === 'int32' && options.int64
        ? int64Bytes(values as Int32Array)
        : littleEndianBytes(values);
    const dtype = t.dtype === 'float32' ? (half ? 'F16' : 'F32') : options.int64 ? 'I64' : 'I32';
    const info = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    header.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    arrays.push(bytes);
    offset += bytes.length;
  }
  let json = `{${header.join(',')}}`;
  let headerBytes = new TextEncoder().encode(json);
  const padding = (8 - (headerBytes.length % 8)) % 8;
  if (padding > 0) {
    json += ' '.repeat(padding);
    headerBytes = new TextEncoder().encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const a of arrays) {
    out.set(a, position);
    position += a.length;
  }
  return out;
}

/** The little-endian bytes of a float32 or int32 array. */
function littleEndianBytes(values: Float32Array | Int32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float32Array) view.setFloat32(4 * i, values[i]!, true);
    else view.setInt32(4 * i, values[i]!, true);
  }
  return out;
}

/**
 * The IEEE half-precision bits of float32 values, rounded to nearest even (overflow → ±inf, NaN stays NaN):
 * how a float32 weight is stored as float16 (safetensors `F16` here, ONNX `FLOAT16` in @lxmls/onnx).
 *
 * @param values - float32 values.
 * @returns One 16-bit pattern per value.
 * @example
 * ```ts
 * import { float16Bits } from '@lxmls/nn';
 * console.log([...float16Bits(Float32Array.of(1, -2, 65536, 1e-8))].map((h) => h.toString(16))); // → [ '3c00', 'c000', '7c00', '0' ]
 * ```
 */
export function float16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const u32 = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < values.length; i++) {
    const x = u32[i]!;
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    const mant = x & 0x7fffff;
    let h: number;
    if (exp === 0xff)
      h = sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // inf or NaN
    else {
      const e = exp - 127 + 15; // the half exponent
      if (e >= 0x1f)
        h = sign | 0x7c00; // overflow: inf
      else if (e <= 0) {
        if (e < -10)
          h = sign; // underflow: ±0
        else {
          const m = mant | 0x800000; // a subnormal half: shift the 24-bit significand
          const shift = 14 - e;
          const halfway = 1 << (shift - 1);
          const rest = m & ((1 << shift) - 1);
          let v = m >>> shift;
          if (rest > halfway || (rest === halfway && (v & 1) === 1)) v += 1;
          h = sign | v;
        }
      } else {
        let v = (e << 10) | (mant >>> 13);
        const rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest === 0x1000 && (v & 1) === 1)) v += 1; // a carry into the exponent is right
        h = sign | v;
      }
    }
    out[i] = h;
  }
  return out;
}

/** float32 values as little-endian IEEE half-precision bytes ({@link float16Bits}). */
function float16Bytes(values: Float32Array): Uint8Array {
  const bits = float16Bits(values);
  if (LITTLE_ENDIAN) return new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
  const out = new Uint8Array(bits.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < bits.length; i++) view.setUint16(2 * i, bits[i]!, true);
  return out;
}

/** int32 values as little-endian int64 bytes (sign-extended). */
function int64Bytes(values: Int32Array): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    view.setInt32(8 * i, values[i]!, true);
    view.setInt32(8 * i + 4, values[i]! < 0 ? -1 : 0, true);
  }
  return out;
}
