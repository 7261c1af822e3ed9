/**
 * Python's `repr()` and `str()` of the values the course prints, in one module for every package and app:
 * str, bytes, int, float, bool, None, list and dict ({@link pyRepr}), IPython's list display
 * ({@link pyDisplayList}), the float formatter PyTorch's module reprs and the toolkit's `CfgNode` use
 * ({@link pythonFloat}), `CfgNode`'s `str()` of a config value ({@link pythonStr}), and PyTorch's `repr()` of a
 * tensor ({@link torchRepr}, following `torch/_tensor_str.py`) and of a `torch.Size` ({@link torchSizeRepr}).
 *
 * Follows CPython's `unicode_repr` / `bytes_repr` (Objects/unicodeobject.c, Objects/bytesobject.c) and
 * `float_repr` (the shortest round-trip digits, exponent form below 1e-4 and from 1e16), so that what the
 * course prints is exactly what `print(...)` prints in the notebook. "Printable" follows `str.isprintable()`,
 * approximated as "not in a Unicode category C* or Z*, or the space": exact up to differences between the
 * Unicode versions of Node and Python.
 */

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
 * import { pyStrRepr } from '@lxmls/base';
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
 * import { pyBytesRepr } from '@lxmls/base';
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
 * Python's `repr(float)` / `str(float)`: the shortest round-trip digits, `.0` on integral values, and the
 * exponent form (`1e-05`, `1e+16`) below 1e-4 and from 1e16 on, as PyTorch prints `eps` and `p` and as the
 * toolkit's `CfgNode` prints its floats. The one Python float formatter of the project (@lxmls/nn, @lxmls/gpt
 * and @lxmls/trainer re-export it).
 *
 * @param x - The number.
 * @returns Its Python spelling: `0.0003`, `1.0`, `1e-05`, `1e+16`, `nan`, `inf`, `-0.0`.
 * @remarks Python: `float.__repr__`.
 * @example
 * ```ts
 * import { pythonFloat } from '@lxmls/base';
 * console.log([3e-4, 1, 0.1, 1e-5, 1e10, 1e16, -0].map(pythonFloat).join(' ')); // → 0.0003 1.0 0.1 1e-05 10000000000.0 1e+16 -0.0
 * ```
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e >= -4 && e < 16) return Number.isInteger(x) ? `${x}.0` : String(x);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
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
 * import { pyRepr } from '@lxmls/base';
 * console.log(pyRepr({ token: 'Hello', token_ix: [15496], ok: true, none: null })); // → {'token': 'Hello', 'token_ix': [15496], 'ok': True, 'none': None}
 * ```
 */
export function pyRepr(value: PyValue): string {
  if (typeof value === 'string') return pyStrRepr(value);
  if (typeof value === 'number') return Number.isInteger(value) ? pyIntRepr(value) : pythonFloat(value);
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
 * import { pyDisplayList } from '@lxmls/base';
 * console.log(pyDisplayList(['a', 'b'])); // → ['a', 'b']
 * console.log(JSON.stringify(pyDisplayList(['a', 'b'], 5))); // → "['a',\n 'b']"
 * ```
 */
export function pyDisplayList(items: readonly PyValue[], width = 79): string {
  const oneLine = pyRepr(items);
  if (oneLine.length <= width) return oneLine;
  return `[${items.map((item) => pyRepr(item)).join(',\n ')}]`;
}

/**
 * `learningRate` → `learning_rate`: the Python name of a camelCase key.
 *
 * @param key - A camelCase name.
 * @returns The snake_case name.
 * @example
 * ```ts
 * import { snakeCase } from '@lxmls/base';
 * console.log(snakeCase('learningRate'), snakeCase('nEmbd')); // → learning_rate n_embd
 * ```
 */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Python's `str()` of a config value, as the toolkit's `CfgNode` prints it: `None`, `True` / `False`, strings
 * bare, integers as integers, floats by {@link pythonFloat} (every non-integer, and integers when `isFloat`),
 * arrays as lists `[1, 2]` (or tuples `(0.9, 0.95)` when `tuple`), plain objects as dicts with snake_case
 * keys.
 *
 * @remarks Python: `str(v)` inside `lxmls.transformers.utils.CfgNode.__str__`.
 * @param value - The value (`null` and `undefined` are `None`).
 * @param isFloat - Whether the value is a Python float (so `1` prints `1.0`).
 * @param tuple - Whether an array is a Python tuple.
 * @returns The text.
 * @example
 * ```ts
 * import { pythonStr } from '@lxmls/base';
 * console.log(pythonStr(null), pythonStr(1, true), pythonStr('auto'), pythonStr([0.9, 0.95], false, true)); // → None 1.0 auto (0.9, 0.95)
 * console.log(pythonStr({ maxIters: 2, name: 'x' })); // → {'max_iters': 2, 'name': 'x'}
 * ```
 */
export function pythonStr(value: unknown, isFloat = false, tuple = false): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number')
    return isFloat || !Number.isInteger(value) ? pythonFloat(value) : String(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const items = value.map((v) => (typeof v === 'string' ? `'${v}'` : pythonStr(v, isFloat)));
    if (!tuple) return `[${items.join(', ')}]`;
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as object).map(
      ([k, v]) => `'${snakeCase(k)}': ${typeof v === 'string' ? `'${v}'` : pythonStr(v)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return String(value);
}

function pyIntRepr(value: number): string {
  return Math.abs(value) < 1e21 ? String(value === 0 ? 0 : value) : BigInt(value).toString();
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

// PyTorch's `repr()` of a tensor and of a `torch.Size`, for the course's cells that `print(tensor)` as the notebook
// does (`tensor([[67036.8047, 71226.6016, 75416.3984], …])`).
//
// Follows `torch/_tensor_str.py` with the default print options (precision 4, linewidth 80, threshold 1000,
// edgeitems 3, sci_mode None): one `_Formatter` over all the printed values chooses between the integer form
// (`1.`), the fixed form (`0.2500`) and the scientific form (`1.0000e-05`, when the largest over the smallest
// non-zero magnitude exceeds 1000, or one exceeds 1e8, or, for non-integers, one is below 1e-4), pads every value
// to one width, and wraps rows at 80 columns. Numbers are rounded as Python's `format` rounds them (exactly, ties
// to even). Tensors of more than 1000 elements are summarised with `...`.

/** The print options of PyTorch (`torch.set_printoptions`), at their defaults. */
const PRECISION = 4;
const LINEWIDTH = 80;
const THRESHOLD = 1000;
const EDGEITEMS = 3;

/** What {@link torchRepr} reads of a tensor (an `@lxmls/tensor` `Tensor` is one): its values, shape and dtype. */
export interface TorchTensor {
  /** The elements, row-major. */
  data(): ArrayLike<number>;
  /** The shape; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** `float32` or `int32`. */
  readonly dtype: string;
}

/** A tensor's values (row-major) and shape, and how Python would type it. */
export interface TorchValues {
  /** The elements, row-major. */
  data: ArrayLike<number>;
  /** The shape; `[]` for a scalar. */
  shape: readonly number[];
  /**
   * The dtype of the Python tensor: `float32` (the default; no suffix), `int64` (integers, no suffix) or
   * `int32` (integers, printed with `dtype=torch.int32`).
   */
  dtype?: 'float32' | 'int64' | 'int32';
}

/**
 * Python's `repr(t)` (what `print(t)` shows) for a PyTorch tensor with these values, without `grad_fn` (as under
 * `torch.no_grad()`).
 *
 * @remarks Python: `torch.Tensor.__repr__` (`torch._tensor_str._str`).
 * @param t - A tensor (an `@lxmls/tensor` `Tensor`: float32 prints as `torch.float32`, int32 as `torch.int64`),
 *   or {@link TorchValues}.
 * @returns The text, possibly over several lines.
 * @example
 * ```ts
 * import { torchRepr } from '@lxmls/base';
 * console.log(torchRepr({ data: [1, 2, 3], shape: [3] })); // → tensor([1., 2., 3.])
 * console.log(torchRepr({ data: [0.1, 0.25], shape: [2] })); // → tensor([0.1000, 0.2500])
 * console.log(torchRepr({ data: [1e-5, 1], shape: [2] })); // → tensor([1.0000e-05, 1.0000e+00])
 * console.log(torchRepr({ data: [1, 2], shape: [2], dtype: 'int32' })); // → tensor([1, 2], dtype=torch.int32)
 * ```
 */
export function torchRepr(t: TorchTensor | TorchValues): string {
  const values: TorchValues =
    typeof t.data === 'function'
      ? { data: t.data(), shape: t.shape, dtype: t.dtype === 'int32' ? 'int64' : 'float32' }
      : (t as TorchValues);
  const { data, shape, dtype = 'float32' } = values;
  const floating = dtype === 'float32';
  const suffix = dtype === 'int32' ? ', dtype=torch.int32' : '';
  const prefix = 'tensor(';
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel === 0) {
    const size = shape.length === 1 ? '' : `, size=(${shape.join(', ')})`;
    return `${prefix}[]${size}${suffix})`;
  }
  const summarize = numel > THRESHOLD;
  const root: TorchNode = { data, shape, offset: 0 };
  const formatter = new TorchFormatter(summarize ? summarized(root) : Array.from(data), floating);
  return `${prefix}${tensorStr(root, prefix.length, summarize, formatter)}${suffix})`;
}

/**
 * Python's `repr()` of a `torch.Size`, what `print(t.shape)` shows.
 *
 * @remarks Python: `torch.Size.__repr__`.
 * @param shape - The shape.
 * @returns `torch.Size([…])`.
 * @example
 * ```ts
 * import { torchSizeRepr } from '@lxmls/base';
 * console.log(torchSizeRepr([1, 4, 2])); // → torch.Size([1, 4, 2])
 * ```
 */
export function torchSizeRepr(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** A view of the sub-tensor that starts at `offset`. */
interface TorchNode {
  data: ArrayLike<number>;
  shape: readonly number[];
  offset: number;
}

/** The sub-tensor `t[i]`. */
function row(t: TorchNode, i: number): TorchNode {
  const stride = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return { data: t.data, shape: t.shape.slice(1), offset: t.offset + i * stride };
}

/** The indices printed along the first axis: all, or the first and last `EDGEITEMS` when summarising. */
function shown(size: number, summarize: boolean): { head: number[]; tail: number[] } {
  const all = Array.from({ length: size }, (_, i) => i);
  if (!summarize || size <= 2 * EDGEITEMS) return { head: all, tail: [] };
  return { head: all.slice(0, EDGEITEMS), tail: all.slice(size - EDGEITEMS) };
}

/** The values a summarised print shows (`get_summarized_data`), which the formatter is fitted on. */
function summarized(t: TorchNode): number[] {
  if (t.shape.length === 0) return [t.data[t.offset]!];
  const { head, tail } = shown(t.shape[0]!, true);
  return [...head, ...tail].flatMap((i) => summarized(row(t, i)));
}

/** `_tensor_str_with_formatter`: nested brackets, rows separated by `,` and `dim - 1` newlines. */
function tensorStr(t: TorchNode, indent: number, summarize: boolean, formatter: TorchFormatter): string {
  const dim = t.shape.length;
  if (dim === 0) return formatter.format(t.data[t.offset]!);
  const { head, tail } = shown(t.shape[0]!, summarize);
  if (dim === 1) {
    const item = (i: number) => formatter.format(t.data[t.offset + i]!);
    const items = tail.length === 0 ? head.map(item) : [...head.map(item), ' ...', ...tail.map(item)];
    const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (formatter.width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  const slice = (i: number) => tensorStr(row(t, i), indent + 1, summarize, formatter);
  const slices = tail.length === 0 ? head.map(slice) : [...head.map(slice), '...', ...tail.map(slice)];
  return `[${slices.join(`,${'\n'.repeat(dim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** `_Formatter`: one number format and width for every value of the tensor. */
class TorchFormatter {
  private readonly floating: boolean;
  private intMode = true;
  private sciMode = false;
  /** Every formatted value is padded to this width. */
  width = 1;

  constructor(values: readonly number[], floating: boolean) {
    this.floating = floating;
    if (!floating) {
      for (const v of values) this.width = Math.max(this.width, String(v).length);
      return;
    }
    const nonzero = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (nonzero.length === 0) return;
    const magnitudes = nonzero.map(Math.abs);
    const min = Math.min(...magnitudes);
    const max = Math.max(...magnitudes);
    this.intMode = nonzero.every((v) => v === Math.ceil(v));
    const wide = max / min > 1000 || max > 1e8;
    if (this.intMode) {
      // in int mode, all numbers are integers, and a decimal point is appended to show the float type
      if (wide) this.fit(nonzero, (v) => pyExponential(v, PRECISION), true);
      else this.fit(nonzero, (v) => `${pyFixed(v, 0)}.`, false);
    } else if (wide || min < 1e-4) this.fit(nonzero, (v) => pyExponential(v, PRECISION), true);
    else this.fit(nonzero, (v) => pyFixed(v, PRECISION), false);
  }

  private fit(values: readonly number[], text: (v: number) => string, sci: boolean): void {
    this.sciMode = sci;
    for (const v of values) this.width = Math.max(this.width, text(v).length);
  }

  /** One value, right-aligned to {@link width}. */
  format(value: number): string {
    let text: string;
    if (!this.floating) text = String(value);
    else if (this.sciMode) text = pyExponential(value, PRECISION);
    else if (this.intMode) text = pyFixed(value, 0) + (Number.isFinite(value) ? '.' : '');
    else text = pyFixed(value, PRECISION);
    return text.padStart(this.width);
  }
}

/** Python's text of a non-finite float in `format`: `inf`, `-inf`, `nan`. */
function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return undefined;
}

/**
 * Python's `f"{x:.{p}f}"`: the exact binary value rounded to `p` decimals, ties to even (JavaScript's
 * `toFixed` rounds ties up), and `-0.0` keeps its sign.
 */
function pyFixed(x: number, p: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const abs = Math.abs(x);
  let text = abs.toFixed(p);
  if (abs < 1e21 && p + 30 <= 100) {
    // a tie has exactly p + 1 decimals, the last a 5: toFixed(p + 30) shows it exactly
    const long = abs.toFixed(p + 30);
    const point = long.indexOf('.');
    const rest = long.slice(point + 1 + p);
    if (/^50*$/.test(rest)) {
      const truncated = p === 0 ? long.slice(0, point) : long.slice(0, point + 1 + p);
      if (Number(truncated.at(-1)) % 2 === 0) text = truncated;
    }
  }
  return sign + text;
}

/**
 * Python's `f"{x:.{p}e}"`: `d.dddde±XX` with at least two exponent digits, rounded exactly, ties to even.
 */
function pyExponential(x: number, p: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const abs = Math.abs(x);
  let [mantissa, exponent] = abs.toExponential(p).split('e') as [string, string];
  if (p + 30 <= 100) {
    const [longMantissa, longExponent] = abs.toExponential(p + 30).split('e') as [string, string];
    const rest = longMantissa.slice(2 + p);
    if (/^50*$/.test(rest)) {
      const truncated = p === 0 ? longMantissa.slice(0, 1) : longMantissa.slice(0, 2 + p);
      if (Number(truncated.at(-1)) % 2 === 0) [mantissa, exponent] = [truncated, longExponent];
    }
  }
  const e = Number(exponent);
  return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}
