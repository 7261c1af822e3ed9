/**
 * A tiny command-line argument parser: long options (`--json`, `--allowed-special all`,
 * `--allowed-special=all`), a few short aliases (`-h`), `--` to end the options, and positionals.
 *
 * Every mistake is a {@link CliError} with one clear line: an unknown option (with a suggestion when one is
 * close), a missing value, a value given to a flag. An argument that looks like a negative number (`-5`) is a
 * positional, so `lxmls decode -5` reports a bad id rather than an unknown option.
 */

import { CliError } from './errors.js';

/** One option a command accepts. */
export interface OptionSpec {
  /** The long name without dashes: `json` for `--json`. */
  name: string;
  /** A one-letter alias without the dash: `h` for `-h`. */
  short?: string;
  /** The name of its value in the help (`LIST`), if the option takes one; a flag otherwise. */
  value?: string;
}

/** What {@link parseArgs} returns. */
export interface ParsedArgs {
  /** Each option given, by long name: its value, or `true` for a flag. The last occurrence wins. */
  options: Map<string, string | true>;
  /** The other arguments, in order. */
  positionals: string[];
}

/**
 * Parses the arguments of one command against the options it accepts.
 *
 * @param argv - The arguments after the command name.
 * @param specs - The options the command accepts.
 * @returns The options found and the positionals.
 * @throws {@link CliError} for an unknown option, a missing value, or a value given to a flag.
 * @example
 * ```ts
 * import { parseArgs } from './args.js';
 * const specs = [{ name: 'json' }, { name: 'allowed-special', value: 'LIST' }];
 * const { options, positionals } = parseArgs(['--json', '--allowed-special=all', 'Hello', '--', '--x'], specs);
 * console.log([...options], positionals); // → [ [ 'json', true ], [ 'allowed-special', 'all' ] ] [ 'Hello', '--x' ]
 * ```
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const options = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const written = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    const spec = findSpec(written, specs);
    if (spec === undefined) throw new CliError(unknownOptionMessage(written, specs));
    if (spec.value === undefined) {
      if (written !== arg) throw new CliError(`option --${spec.name} takes no value (received "${arg}")`);
      options.set(spec.name, true);
      continue;
    }
    let value: string;
    if (written !== arg) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new CliError(`option --${spec.name} needs a value (--${spec.name} ${spec.value})`);
      }
      value = next;
      i++;
    }
    options.set(spec.name, value);
  }
  return { options, positionals };
}

function findSpec(written: string, specs: readonly OptionSpec[]): OptionSpec | undefined {
  if (written.startsWith('--')) return specs.find((spec) => spec.name === written.slice(2));
  return specs.find((spec) => spec.short !== undefined && written === `-${spec.short}`);
}

function unknownOptionMessage(written: string, specs: readonly OptionSpec[]): string {
  const name = written.replace(/^-+/, '');
  let best: OptionSpec | undefined;
  let bestDistance = 3;
  for (const spec of specs) {
    const distance = editDistance(name, spec.name);
    if (distance < bestDistance) {
      best = spec;
      bestDistance = distance;
    }
  }
  return best === undefined
    ? `unknown option ${written}`
    : `unknown option ${written} (did you mean --${best.name}?)`;
}

/** Levenshtein distance, for the suggestion. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Reads a flag of {@link ParsedArgs}.
 *
 * @param args - The parsed arguments.
 * @param name - The option's long name.
 * @returns Whether the flag was given.
 * @example
 * ```ts
 * import { flag, parseArgs } from './args.js';
 * console.log(flag(parseArgs(['--json'], [{ name: 'json' }]), 'json')); // → true
 * ```
 */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.options.get(name) === true;
}

/**
 * Reads the value of an option of {@link ParsedArgs}.
 *
 * @param args - The parsed arguments.
 * @param name - The option's long name.
 * @returns Its value, or `undefined` if it was not given.
 * @example
 * ```ts
 * import { parseArgs, value } from './args.js';
 * console.log(value(parseArgs(['--allowed-special', 'all'], [{ name: 'allowed-special', value: 'LIST' }]), 'allowed-special')); // → all
 * ```
 */
export function value(args: ParsedArgs, name: string): string | undefined {
  const given = args.options.get(name);
  return typeof given === 'string' ? given : undefined;
}

/**
 * Fails with a usage error if two options that exclude each other were both given.
 *
 * @param args - The parsed arguments.
 * @param names - The long names of the options, of which at most one may be given.
 * @throws {@link CliError} naming the two options.
 * @example
 * ```ts
 * import { exclusive, parseArgs } from './args.js';
 * exclusive(parseArgs(['--json'], [{ name: 'json' }, { name: 'jsonl' }]), ['json', 'jsonl']);
 * console.log('ok'); // → ok
 * ```
 */
export function exclusive(args: ParsedArgs, names: readonly string[]): void {
  const given = names.filter((name) => args.options.has(name));
  if (given.length > 1) throw new CliError(`options --${given[0]} and --${given[1]} cannot be used together`);
}
