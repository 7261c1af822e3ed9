/**
 * PyTorch's `repr()` of a tensor, for the demo cells that `print(tensor)` as the notebook does:
 * `tensor([[67036.8047, 71226.6016, 75416.3984], …])`, and of a `torch.Size`.
 *
 * Follows `torch/_tensor_str.py` with the default print options (precision 4, linewidth 80, threshold 1000,
 * edgeitems 3, sci_mode None): one `_Formatter` over all the printed values chooses between the integer form
 * (`1.`), the fixed form (`0.2500`) and the scientific form (`1.0000e-05`, when the largest over the smallest
 * non-zero magnitude exceeds 1000, or one exceeds 1e8, or, for non-integers, one is below 1e-4), pads every value
 * to one width, and wraps rows at 80 columns. Numbers are rounded as Python's `format` rounds them (exactly, ties
 * to even). Tensors of more than 1000 elements are summarised with `...`.
 */

import type { Tensor } from '@lxmls/tensor';

/** The print options of PyTorch (`torch.set_printoptions`), at their defaults. */
const PRECISION = 4;
const LINEWIDTH = 80;
const THRESHOLD = 1000;
const EDGEITEMS = 3;

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
 * @param t - A @lxmls/tensor tensor (float32 prints as `torch.float32`, int32 as `torch.int64`), or
 *   {@link TorchValues}.
 * @returns The text, possibly over several lines.
 * @example
 * ```ts
 * import { torchRepr } from './demo/torch-repr.js';
 * console.log(torchRepr({ data: [1, 2, 3], shape: [3] })); // → tensor([1., 2., 3.])
 * console.log(torchRepr({ data: [0.1, 0.25], shape: [2] })); // → tensor([0.1000, 0.2500])
 * console.log(torchRepr({ data: [1e-5, 1], shape: [2] })); // → tensor([1.0000e-05, 1.0000e+00])
 * console.log(torchRepr({ data: [1, 2], shape: [2], dtype: 'int32' })); // → tensor([1, 2], dtype=torch.int32)
 * ```
 */
export function torchRepr(t: Tensor | TorchValues): string {
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
  const root: Node = { data, shape, offset: 0 };
  const formatter = new Formatter(summarize ? summarized(root) : Array.from(data), floating);
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
 * import { torchSizeRepr } from './demo/torch-repr.js';
 * console.log(torchSizeRepr([1, 4, 2])); // → torch.Size([1, 4, 2])
 * ```
 */
export function torchSizeRepr(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** A view of the sub-tensor that starts at `offset`. */
interface Node {
  data: ArrayLike<number>;
  shape: readonly number[];
  offset: number;
}

/** The sub-tensor `t[i]`. */
function row(t: Node, i: number): Node {
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
function summarized(t: Node): number[] {
  if (t.shape.length === 0) return [t.data[t.offset]!];
  const { head, tail } = shown(t.shape[0]!, true);
  return [...head, ...tail].flatMap((i) => summarized(row(t, i)));
}

/** `_tensor_str_with_formatter`: nested brackets, rows separated by `,` and `dim - 1` newlines. */
function tensorStr(t: Node, indent: number, summarize: boolean, formatter: Formatter): string {
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
class Formatter {
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
