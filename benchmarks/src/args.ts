/**
 * The benchmarks' shared command-line parser: each entry point (bpe/main.ts, bpe/browser.ts, onnx/measure.ts,
 * threads/measure.ts) describes its options in a table and gets typed values or one usage error back.
 *
 * Built on `node:util` `parseArgs` (token mode, as apps/cli's parser is), so `--name value` and `--name=value`
 * both work. Integers are read with `Number()` and checked against a range; a string option without its value
 * gives the table's own message; an unknown option or a stray word gives `unknown argument "…"`. It never prints
 * and never exits: the entry point decides what to do with the error.
 */

import { parseArgs } from 'node:util';

/** One option of a benchmark's command line, named in the table without its leading `--`. */
export type BenchOption =
  /** `--name`: true when given. */
  | { type: 'flag'; short?: string }
  /** `--name N`: an integer in `[min, max]`, else `default` (undefined when there is none). */
  | { type: 'integer'; min: number; max: number; default?: number }
  /** `--name VALUE`: a non-empty string; `missing` is the error when the value is absent or empty. */
  | { type: 'string'; missing: string; default?: string };

/** The values a table of {@link BenchOption}s parses to: booleans, numbers and strings by option name. */
export type BenchArgs<S extends Record<string, BenchOption>> = {
  [K in keyof S]: S[K] extends { type: 'flag' }
    ? boolean
    : S[K] extends { type: 'integer'; default: number }
      ? number
      : S[K] extends { type: 'integer' }
        ? number | undefined
        : S[K] extends { type: 'string'; default: string }
          ? string
          : string | undefined;
};

/**
 * Parses a benchmark's arguments against its option table.
 *
 * @param argv - The arguments after the script (`process.argv.slice(2)`).
 * @param spec - Option name (without `--`) → what it takes.
 * @returns The values by option name (defaults filled in), or a string: the usage error, e.g.
 *   `--turns must be an integer from 1 to 64` or `unknown argument "--fast"`.
 * @example
 * ```ts
 * import { parseBenchArgv } from './args.js';
 * const spec = {
 *   json: { type: 'flag' },
 *   turns: { type: 'integer', min: 1, max: 64, default: 6 },
 *   python: { type: 'string', missing: '--python needs a path' },
 * } as const;
 * console.log(parseBenchArgv(['--json', '--turns', '4'], spec)); // → { json: true, turns: 4, python: undefined }
 * console.log(parseBenchArgv(['--turns=0'], spec)); // → --turns must be an integer from 1 to 64
 * console.log(parseBenchArgv(['--python'], spec)); // → --python needs a path
 * console.log(parseBenchArgv(['--fast'], spec)); // → unknown argument "--fast"
 * ```
 */
export function parseBenchArgv<const S extends Record<string, BenchOption>>(
  argv: readonly string[],
  spec: S,
): BenchArgs<S> | string {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> = {};
  const values: Record<string, boolean | number | string | undefined> = {};
  for (const [name, option] of Object.entries(spec)) {
    options[name] =
      option.type === 'flag'
        ? { type: 'boolean', ...(option.short ? { short: option.short } : {}) }
        : { type: 'string' };
    values[name] = option.type === 'flag' ? false : option.default;
  }
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    const unknown = `unknown argument ${JSON.stringify(argv[token.index])}`;
    if (token.kind !== 'option' || !Object.hasOwn(spec, token.name)) return unknown;
    const option = spec[token.name]!;
    if (option.type === 'flag') {
      if (token.inlineValue) return unknown;
      values[token.name] = true;
    } else if (option.type === 'integer') {
      const n = Number(token.value);
      if (!Number.isInteger(n) || n < option.min || n > option.max)
        return `--${token.name} must be an integer from ${option.min} to ${option.max}`;
      values[token.name] = n;
    } else {
      if (!token.value) return option.missing;
      values[token.name] = token.value;
    }
  }
  return values as BenchArgs<S>;
}
