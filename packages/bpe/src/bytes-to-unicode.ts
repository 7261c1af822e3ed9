/**
 * GPT-2's reversible map between bytes and printable characters.
 *
 * Follows `bytes_to_unicode()` of OpenAI's GPT-2 `encoder.py` (copied by minGPT and lxmls.transformers.bpe).
 * BPE works on strings of "visible" characters: each of the 256 byte values gets one character, so that a
 * token of the vocabulary file never holds a space, a control character or half of a UTF-8 sequence.
 * The 188 printable bytes (`!`..`~`, `¡`..`¬`, `®`..`ÿ`) map to themselves; the other 68 bytes are shifted,
 * in increasing order, to U+0100, U+0101, ...: a space (32) becomes `Ġ` (U+0120) and a newline `Ċ` (U+010A).
 */

/**
 * The bytes in GPT-2's order: the 188 printable ones first, then the 68 shifted ones.
 * The i-th byte of this list is token id i of the GPT-2 vocabulary.
 */
export const GPT2_BYTE_ORDER: readonly number[] = (() => {
  const order: number[] = [];
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  for (let b = 0; b < 256; b++) if (printable(b)) order.push(b);
  for (let b = 0; b < 256; b++) if (!printable(b)) order.push(b);
  return order;
})();

/** `BYTE_TO_CHAR[b]` is the character that stands for byte `b`. */
const BYTE_TO_CHAR: readonly string[] = (() => {
  const chars = new Array<string>(256);
  let shifted = 0;
  for (const b of GPT2_BYTE_ORDER) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    chars[b] = String.fromCharCode(printable ? b : 256 + shifted++);
  }
  return chars;
})();

/**
 * Returns the byte → character map of GPT-2 as a `Map`, in Python's insertion order (printable bytes first).
 *
 * @remarks Python: `lxmls.transformers.bpe.bytes_to_unicode`.
 * @returns A new map from each byte 0..255 to a one-character string; the map is a bijection.
 * @example
 * ```ts
 * import { bytesToUnicode } from '@lxmls/bpe';
 * const map = bytesToUnicode();
 * console.log(map.get(32), map.get(10), map.get(65)); // → Ġ Ċ A
 * ```
 */
export function bytesToUnicode(): Map<number, string> {
  const map = new Map<number, string>();
  for (const b of GPT2_BYTE_ORDER) map.set(b, BYTE_TO_CHAR[b]!);
  return map;
}

/** Maps each byte of `bytes` to its character and joins them: Python's `''.join(byte_encoder[b] for b in bytes)`. */
export function translateBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_CHAR[bytes[i]!]!;
  return out;
}

/** Inverse of {@link translateBytes} for one character: its byte, or -1 if it stands for no byte. */
export function charToByte(code: number): number {
  if (code < 256) {
    const printable =
      (code >= 33 && code <= 126) || (code >= 161 && code <= 172) || (code >= 174 && code <= 255);
    return printable ? code : -1;
  }
  if (code < 256 + 68) return SHIFTED_BYTES[code - 256]!;
  return -1;
}

const SHIFTED_BYTES: readonly number[] = GPT2_BYTE_ORDER.slice(188);
