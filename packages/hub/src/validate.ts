/**
 * Checking that a file is what its name says, before it is committed to the cache and before a cached copy
 * is used: a `.json` file parses, a `.txt` file is UTF-8, a `.safetensors` file has a header that parses and
 * whose tensors cover exactly the bytes after it. A captive portal's HTML page served as `config.json`, or a
 * weights file cut short, is caught here (issue 17, "a cache that validates and heals").
 *
 * The safetensors check follows the format's specification (huggingface/safetensors, "Format"): 8 bytes of
 * little-endian header length N, N bytes of JSON, then the data; every tensor's `data_offsets` lie inside the
 * data and match its shape and dtype, and the data holds nothing else.
 */

import { SAFETENSORS_DTYPE_BYTES } from '@lxmls/base';

/** The first characters of a text, for a message (`"<!DOCTYPE html>…"`). */
function startOf(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8').decode(bytes.subarray(0, 40)).replace(/\s+/g, ' ').trim();
  return JSON.stringify(text.length >= 30 ? `${text.slice(0, 30)}…` : text);
}

/**
 * Why `bytes` is not a valid file called `name`, or `null` when it is (or when its kind is not checked).
 *
 * @param name - The file name; its extension chooses the check (`.json`, `.txt`, `.safetensors`).
 * @param bytes - The file's bytes.
 * @returns The reason, in words, or `null`.
 * @example
 * ```ts
 * import { fileProblem } from '@lxmls/hub';
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * console.log(fileProblem('config.json', bytes('{"n_layer": 3}'))); // → null
 * console.log(fileProblem('config.json', bytes('<!DOCTYPE html><html>Sign in to the Wi-Fi')));
 * // → it is not JSON (it starts with "<!DOCTYPE html><html>Sign in t…": an HTML page?)
 * console.log(fileProblem('model.safetensors', new Uint8Array(4))); // → it is 4 bytes, shorter than the 8-byte header length
 * ```
 */
export function fileProblem(name: string, bytes: Uint8Array): string | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return jsonProblem(bytes);
  if (lower.endsWith('.txt')) return utf8Problem(bytes);
  if (lower.endsWith('.safetensors')) return safetensorsProblem(bytes);
  return null;
}

function utf8Problem(bytes: Uint8Array): string | null {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return null;
  } catch {
    return 'it is not UTF-8 text';
  }
}

function jsonProblem(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'it is not UTF-8 text';
  }
  try {
    JSON.parse(text);
    return null;
  } catch {
    const html = /^\s*</.test(text) ? ': an HTML page?' : '';
    return bytes.byteLength === 0
      ? 'it is empty'
      : `it is not JSON (it starts with ${startOf(bytes)}${html})`;
  }
}

/**
 * Why a safetensors file is not valid, from its first bytes (at least the header) and its size, or `null`.
 *
 * @param bytes - The file, or its first `8 + N` bytes at least (N the header length).
 * @param size - The file's size. @defaultValue `bytes.byteLength`
 * @returns The reason, or `null`.
 */
export function safetensorsProblem(bytes: Uint8Array, size = bytes.byteLength): string | null {
  if (size < 8) return `it is ${size} bytes, shorter than the 8-byte header length`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const n = Number(view.getBigUint64(0, true));
  if (n > size - 8) return `its header length ${n} is beyond the end of the file (${size} bytes)`;
  if (8 + n > bytes.byteLength) return `its header of ${n} bytes was not read whole`;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch {
    return `its header is not JSON (it starts with ${startOf(bytes.subarray(8))})`;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    return 'its header is not a JSON object';
  const dataLength = size - 8 - n;
  let covered = 0;
  for (const [key, entry] of Object.entries(header as Record<string, unknown>)) {
    if (key === '__metadata__') continue;
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    const offsets = e?.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0) ||
      (offsets[0] as number) > (offsets[1] as number)
    )
      return `the tensor ${JSON.stringify(key)} has no valid data_offsets`;
    const [begin, end] = offsets as [number, number];
    if (end > dataLength)
      return `the tensor ${JSON.stringify(key)} ends at byte ${end} of the data, which holds ${dataLength} bytes (the file is cut short?)`;
    const width = typeof e?.dtype === 'string' ? SAFETENSORS_DTYPE_BYTES[e.dtype] : undefined;
    const shape = e?.shape;
    if (
      width !== undefined &&
      Array.isArray(shape) &&
      shape.every((d) => Number.isSafeInteger(d) && d >= 0)
    ) {
      const count = (shape as number[]).reduce((a, b) => a * b, 1);
      if (count * width !== end - begin)
        return `the tensor ${JSON.stringify(key)} (${e?.dtype} ${JSON.stringify(shape)}) needs ${count * width} bytes, its offsets give ${end - begin}`;
    }
    covered += end - begin;
  }
  if (covered !== dataLength)
    return `its tensors cover ${covered} bytes of data, the file holds ${dataLength}`;
  return null;
}
