/**
 * Python's spelling of values, for printing the trainer config exactly as the toolkit's `CfgNode` does:
 * `str(0.0003)` is `0.0003`, `str(1.0)` is `1.0`, `str(1e-05)` is `1e-05`, `str(None)` is `None`.
 *
 * Follows CPython's `float.__repr__` (the shortest string that round-trips, which is also what JavaScript's
 * `String(x)` computes) with Python's layout: exponent form below 1e-4 and from 1e16 on, two exponent digits,
 * and `.0` on integral floats: {@link pythonFloat}, from @lxmls/nn, which the gpt config printer uses too.
 */

import { pythonFloat } from '@lxmls/nn';

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
