/**
 * UTF-8 helpers with the byte-level semantics the encoder needs.
 *
 * JavaScript strings may hold lone surrogates, which have no UTF-8 form. Python refuses to encode them
 * (UnicodeEncodeError); we encode each as U+FFFD (EF BF BD), as `TextEncoder` and `String#toWellFormed` do.
 * Decoding replaces invalid bytes exactly as Python's `bytes.decode('utf-8', errors='replace')`, which is
 * what `TextDecoder` does with `ignoreBOM: true` (without it, a leading BOM would be dropped).
 */

/**
 * Writes the UTF-8 bytes of `text[start, end)` into `out` from index 0 and returns how many were written.
 * `out` must hold at least `3 * (end - start)` bytes.
 */
export function encodeUtf8Into(text: string, start: number, end: number, out: Uint8Array): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < end ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          out[n++] = 0xf0 | (cp >> 18);
          out[n++] = 0x80 | ((cp >> 12) & 63);
          out[n++] = 0x80 | ((cp >> 6) & 63);
          out[n++] = 0x80 | (cp & 63);
          i++;
          continue;
        }
        c = 0xfffd; // a lone surrogate
      }
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

/** The UTF-8 bytes of `text`, lone surrogates as U+FFFD. */
export function encodeUtf8(text: string): Uint8Array {
  const buffer = new Uint8Array(text.length * 3);
  return buffer.slice(0, encodeUtf8Into(text, 0, text.length, buffer));
}

const replacingDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
/** Decodes bytes as Python's `bytes.decode('utf-8', errors='replace')`. */
export function decodeUtf8(bytes: Uint8Array): string {
  return replacingDecoder.decode(bytes);
}
