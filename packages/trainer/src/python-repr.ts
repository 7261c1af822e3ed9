/**
 * Python's spelling of values, for printing the trainer config exactly as the toolkit's `CfgNode` does:
 * `str(0.0003)` is `0.0003`, `str(1.0)` is `1.0`, `str(1e-05)` is `1e-05`, `str(None)` is `None`.
 *
 * Follows CPython's `float.__repr__` (the shortest string that round-trips, which is also what JavaScript's
 * `String(x)` computes) with Python's layout: exponent form below 1e-4 and from 1e16 on, two exponent digits,
 * and `.0` on integral floats. (@lxmls/gpt has the same small helper for its own config printer.)
 */

/**
 * Python's `repr(float)` / `str(float)` of a number.
 *
 * @param x - Any number (treated as a Python float).
 * @returns Its Python spelling: `0.0003`, `1.0`, `1e-05`, `1e+16`, `nan`, `inf`.
 * @remarks Python: `float.__repr__`.
 * @example
 * ```ts
 * import { pythonFloat } from '@lxmls/trainer';
 * console.log([3e-4, 1, 0.1, 1e-5, 1e10, 1e16, -0].map(pythonFloat).join(' '));
 * // → 0.0003 1.0 0.1 1e-05 10000000000.0 1e+16 -0.0
 * ```
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const text = String(x); // the shortest round-trip digits, in positional form for 1e-4 <= |x| < 1e16
  return text.includes('.') ? text : `${text}.0`;
}

/** `learningRate` → `learning_rate`: the Python name of a camelCase key. */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Python's `str()` of a config value: `None`, `True` / `False`, strings bare, integers as integers, floats by
 * {@link pythonFloat} (every non-integer, and integers when `isFloat`), arrays as lists `[1, 2]` (or tuples
 * `(0.9, 0.95)` when `tuple`), plain objects as dicts with snake_case keys.
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
