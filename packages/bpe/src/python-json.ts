/**
 * Writes JSON exactly as Python's `json.dumps` does with its defaults, so saved files match Python's bytes.
 *
 * Follows CPython's `json.encoder` with `ensure_ascii=True` and `separators=(', ', ': ')`: every character
 * outside printable ASCII (space to `~`) is escaped, the usual ones as `\n \r \t \b \f \" \\`, the rest as
 * lowercase `\uXXXX` (characters above U+FFFF as their UTF-16 surrogate pair, which is what JavaScript
 * strings hold already). GPT-2's `encoder.json` was written this way.
 */

const SHORT_ESCAPES: Record<number, string> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r',
  34: '\\"',
  92: '\\\\',
};

/** A string as Python's `json.dumps(s)` writes it (with its quotes). */
export function pythonJsonString(text: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += text.slice(start, i);
    out += SHORT_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, '0')}`;
    start = i + 1;
  }
  return `${out}${text.slice(start)}"`;
}

/** An object of string keys and integer values, in the given order, as Python's `json.dumps(dict)`. */
export function pythonJsonDict(entries: Iterable<readonly [string, number]>): string {
  const parts: string[] = [];
  for (const [key, value] of entries) parts.push(`${pythonJsonString(key)}: ${value}`);
  return `{${parts.join(', ')}}`;
}
