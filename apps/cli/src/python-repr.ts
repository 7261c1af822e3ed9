/**
 * Python's `repr()` for the values the course prints: str, bytes, int, float, bool, None, list and dict.
 *
 * Follows CPython's `unicode_repr` / `bytes_repr` (Objects/unicodeobject.c, Objects/bytesobject.c) and
 * `float_repr` (the shortest round-trip digits, exponent form below 1e-4 and from 1e16), so that `lxmls` prints
 * exactly what `print(...)` prints in the notebook. "Printable" follows `str.isprintable()`, approximated as
 * "not in a Unicode category C* or Z*, or the space": exact up to differences between the Unicode versions of
 * Node and Python.
 */

import { pythonFloat } from '@lxmls/nn';

/** A value that {@link pyRepr} can print: the JavaScript stand-ins for Python's built-in types. */
export type PyValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Uint8Array
  | readonly PyValue[]
  | ReadonlyMap<string, PyValue>
  | { readonly [key: string]: PyValue };

/** Characters that `str.isprintable()` rejects (besides the space, which is printable). */
const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;
/** Strings that need no escaping at all: printable ASCII without a quote or a backslash. */
const PLAIN_ASCII = /^[\x20-\x21\x23-\x26\x28-\x5b\x5d-\x7e]*$/;

/**
 * Python's `repr(s)` for a `str`.
 *
 * Single quotes unless the text holds `'` and no `"`; `\\`, `\t`, `\n`, `\r` and the quote are escaped; other
 * non-printable characters become `\xNN`, `\uNNNN` or `\UNNNNNNNN`. Emoji and other printable characters stay.
 *
 * @remarks Python: `str.__repr__`.
 * @param text - Any string; a lone surrogate prints as `\udXXX`, as Python prints one.
 * @returns The repr, quotes included.
 * @example
 * ```ts
 * import { pyStrRepr } from './python-repr.js';
 * console.log(pyStrRepr("I'm"), pyStrRepr('tab\there')); // → "I'm" 'tab\there'
 * ```
 */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  if (PLAIN_ASCII.test(text)) return quote + text + quote;
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if (code < 0x7f || !NOT_PRINTABLE.test(ch)) out += ch;
    else if (code <= 0xff) out += `\\x${hex(code, 2)}`;
    else if (code <= 0xffff) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return out + quote;
}

/**
 * Python's `repr(b)` for `bytes`: `b'...'`, with `\xNN` for bytes below 0x20 (except `\t`, `\n`, `\r`) and
 * from 0x7f, and the same quote rule as for `str`.
 *
 * @remarks Python: `bytes.__repr__`.
 * @param bytes - The bytes.
 * @returns The repr, `b` and quotes included.
 * @example
 * ```ts
 * import { pyBytesRepr } from './python-repr.js';
 * console.log(pyBytesRepr(new TextEncoder().encode(' 🤗'))); // → b' \xf0\x9f\xa4\x97'
 * ```
 */
export function pyBytesRepr(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  const quoteByte = quote.charCodeAt(0);
  let out = `b${quote}`;
  for (const byte of bytes) {
    if (byte === quoteByte || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${hex(byte, 2)}`;
    else out += String.fromCharCode(byte);
  }
  return out + quote;
}

/**
 * Python's `repr(x)` for a `float`: the shortest digits that round-trip, in exponent form (`1e-05`,
 * `1.5e+16`) below 1e-4 and from 1e16, `inf`, `-inf` and `nan`.
 *
 * @remarks Python: `float.__repr__`, by @lxmls/nn's `pythonFloat`. Integral values print as Python floats (`2.0`).
 * @param x - Any number.
 * @returns The repr.
 * @example
 * ```ts
 * import { pyFloatRepr } from './python-repr.js';
 * console.log(pyFloatRepr(0.1), pyFloatRepr(2), pyFloatRepr(1e-5), pyFloatRepr(1e16)); // → 0.1 2.0 1e-05 1e+16
 * ```
 */
export function pyFloatRepr(x: number): string {
  return pythonFloat(x);
}

/**
 * Python's `repr()` of a value: what `print(value)` shows for a list or a dict.
 *
 * Strings are `str`, `Uint8Array`s are `bytes`, arrays are lists, plain objects and maps are dicts (in
 * insertion order), `null` is `None`, booleans are `True`/`False`. A number that is an integer prints as a
 * Python `int`, any other number as a `float`; bigints are ints.
 *
 * @param value - The value.
 * @returns The repr on one line.
 * @example
 * ```ts
 * import { pyRepr } from './python-repr.js';
 * console.log(pyRepr({ token: 'Hello', token_ix: [15496], ok: true, none: null })); // → {'token': 'Hello', 'token_ix': [15496], 'ok': True, 'none': None}
 * ```
 */
export function pyRepr(value: PyValue): string {
  if (typeof value === 'string') return pyStrRepr(value);
  if (typeof value === 'number') return Number.isInteger(value) ? pyIntRepr(value) : pyFloatRepr(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return 'None';
  if (value instanceof Uint8Array) return pyBytesRepr(value);
  if (Array.isArray(value)) return `[${value.map((item: PyValue) => pyRepr(item)).join(', ')}]`;
  const entries = value instanceof Map ? [...value] : Object.entries(value);
  return `{${entries.map(([key, item]) => `${pyStrRepr(key)}: ${pyRepr(item as PyValue)}`).join(', ')}}`;
}

/**
 * How Jupyter / IPython displays a list as a cell's result: its repr on one line if that fits in `width`
 * columns, otherwise one item per line (`['I',` / ` 'travelled',` / ... / ` 'school']`).
 *
 * @remarks IPython: `IPython.lib.pretty`, for a flat list (nested values are printed with {@link pyRepr}).
 * @param items - The list.
 * @param width - The display width; IPython's default is 79.
 * @returns The text, lines separated by `\n`.
 * @example
 * ```ts
 * import { pyDisplayList } from './python-repr.js';
 * console.log(pyDisplayList(['a', 'b'])); // → ['a', 'b']
 * console.log(JSON.stringify(pyDisplayList(['a', 'b'], 5))); // → "['a',\n 'b']"
 * ```
 */
export function pyDisplayList(items: readonly PyValue[], width = 79): string {
  const oneLine = pyRepr(items);
  if (oneLine.length <= width) return oneLine;
  return `[${items.map((item) => pyRepr(item)).join(',\n ')}]`;
}

function pyIntRepr(value: number): string {
  return Math.abs(value) < 1e21 ? String(value === 0 ? 0 : value) : BigInt(value).toString();
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}
