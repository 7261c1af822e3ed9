/**
 * The command-line framework of `lxmls`: one typed option table per command, from which `node:util`
 * `parseArgs` is configured, every value is checked into one clear error line, the typed options object is
 * built and the help text is generated.
 *
 * Long options (`--json`, `--allowed-special all`, `--allowed-special=all`), a few short aliases (`-h`),
 * `--` to end the options, and positionals. An argument that looks like a negative number (`-5`) is a
 * positional, so `lxmls decode -5` reports a bad id rather than an unknown option. Every mistake is a
 * {@link CliError} with one line: an unknown option (with a suggestion when one is close), a missing value,
 * a value given to a flag, a value out of range, two options that exclude each other.
 */

import { parseArgs as nodeParseArgs } from 'node:util';
import type { RunContext } from './command.js';
import { CliError } from './errors.js';

interface Common {
  /** The help line(s); `\n` starts a new line, long lines are wrapped. */
  help: string;
  /** A one-letter alias without the dash: `h` for `-h`. */
  short?: string;
}
/** A flag: `--json`. */
export interface FlagOption extends Common {
  type: 'flag';
}
interface Valued extends Common {
  /** The name of its value in the help: `FILE` for `--html FILE`. */
  value: string;
  /** Whether the help shows the default as `(default X)`; true unless said otherwise. */
  showDefault?: boolean;
}
/** A text option; an empty value is refused unless `empty` is set. */
export interface StringOption extends Valued {
  type: 'string';
  default?: string;
  /** Whether `--name ""` is accepted. */
  empty?: boolean;
  /** Makes the option required: when absent or empty, the error is `missing --name VALUE: <this text>`. */
  required?: string;
}
/** An integer option in [min, max] (digits only). */
export interface IntegerOption extends Valued {
  type: 'integer';
  default?: number;
  min: number;
  /** The largest value allowed; none by default. */
  max?: number;
}
/** A finite number option, `> above` and/or in [min, max]. */
export interface NumberOption extends Valued {
  type: 'number';
  default?: number;
  /** The value must be greater than this. */
  above?: number;
  /** The value must be less than this. */
  below?: number;
  min?: number;
  max?: number;
  /** What the error says it must be, when the bounds alone do not say it well (`a positive number of seconds`). */
  expected?: string;
}
/** One of a list of words. */
export interface ChoiceOption<C extends string = string> extends Valued {
  type: 'choice';
  choices: readonly C[];
  default?: C;
}
/** One row of a command's option table. */
export type OptionDef = FlagOption | StringOption | IntegerOption | NumberOption | ChoiceOption;
/** A command's option table: long name (without dashes) → its definition. */
export type OptionTable = Readonly<Record<string, OptionDef>>;

/** The value an option definition parses to. */
export type OptionValue<D> = D extends FlagOption
  ? boolean
  : D extends { type: 'integer' | 'number' }
    ? D extends { default: number }
      ? number
      : number | undefined
    : D extends { type: 'choice'; choices: readonly (infer C)[] }
      ? D extends { default: string }
        ? C
        : C | undefined
      : D extends { default: string } | { required: string }
        ? string
        : string | undefined;

/** The typed options object of a table: each option's checked value (its default when absent). */
export type Options<T extends OptionTable> = { -readonly [K in keyof T]: OptionValue<T[K]> };

/** What {@link parseOptions} returns. */
export interface Parsed<T extends OptionTable> {
  /** The checked options. */
  options: Options<T>;
  /** The other arguments, in order. */
  positionals: string[];
  /** The long names of the options given on the command line. */
  given: Set<string>;
}

/** The `-h, --help` row every command has. */
export const HELP_OPTION: FlagOption = { type: 'flag', short: 'h', help: 'Show this help.' };

/**
 * The option rows that several commands share, each described once: `--model SOURCE` (a GPT checkpoint, required:
 * `lxmls generate`, `info`, `export-onnx`), `--refresh` (the commands that load a model), `--force` (the commands
 * that write a model folder with `--out`), `--backend B` (the commands that compute with tensors) and
 * `--eval-samples N` (the weather scores). A command takes a row as it is, or with its own `help`.
 *
 * @example
 * ```ts
 * import { COMMON_OPTIONS } from './args.js';
 * console.log(Object.keys(COMMON_OPTIONS).join(' '), COMMON_OPTIONS['eval-samples'].default); // → model refresh force backend eval-samples 10000
 * ```
 */
export const COMMON_OPTIONS = {
  model: {
    type: 'string',
    value: 'SOURCE',
    required: 'a folder, a URL or a hub id such as gpt2',
    help: 'The checkpoint (required).',
  },
  refresh: {
    type: 'flag',
    help: 'Download the files of a hub id or URL again, even when they are in the cache (also LXMLS_REFRESH=1); lxmls cache verify checks the cache.',
  },
  force: {
    type: 'flag',
    help: 'With --out: replace a model folder that exists (written whole, nothing of the old model kept). Without it, a --out folder that holds files is refused before training.',
  },
  backend: {
    type: 'string',
    value: 'B',
    help: 'The tensor backend (default: the highest-priority one, wasm): wasm, js, tfjs-wasm, tfjs-cpu, webgpu (needs a WebGPU adapter). An unknown name lists the available ones.',
  },
  'eval-samples': {
    type: 'integer',
    value: 'N',
    min: 1,
    max: 10_000_000,
    default: 10_000,
    help: 'Held-out test sequences to score.',
  },
} as const satisfies OptionTable;

/**
 * Parses a command's arguments against its option table with `node:util` `parseArgs`, and checks each value.
 *
 * @param argv - The arguments after the command name.
 * @param table - The options the command accepts.
 * @param exclusive - Groups of options of which at most one may be given.
 * @returns The typed options, the positionals and the names given.
 * @throws {@link CliError} with one line for any mistake.
 * @example
 * ```ts
 * import { parseOptions } from './args.js';
 * const table = {
 *   json: { type: 'flag', help: 'JSON.' },
 *   steps: { type: 'integer', value: 'N', min: 1, default: 20, help: 'Steps.' },
 * } as const;
 * const { options, positionals } = parseOptions(['--json', 'a', '--steps=5', '-5'], table);
 * console.log(options, positionals); // → { json: true, steps: 5 } [ 'a', '-5' ]
 * ```
 */
export function parseOptions<const T extends OptionTable>(
  argv: readonly string[],
  table: T,
  exclusive: readonly (readonly (keyof T & string)[])[] = [],
): Parsed<T> {
  const config: Record<string, { type: 'boolean' | 'string'; short?: string }> = {};
  for (const [name, def] of Object.entries(table)) {
    config[name] = {
      type: def.type === 'flag' ? 'boolean' : 'string',
      ...(def.short ? { short: def.short } : {}),
    };
  }
  const { tokens } = nodeParseArgs({
    args: [...argv],
    options: config,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const raw = new Map<string, string | true>();
  const positionals: string[] = [];
  let lastNumberIndex = -1;
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const arg = argv[token.index]!;
    if (/^-\d/.test(arg)) {
      if (token.index !== lastNumberIndex) positionals.push(arg);
      lastNumberIndex = token.index;
      continue;
    }
    const written = arg.startsWith('--') ? token.rawName : arg;
    const def = written === token.rawName && Object.hasOwn(table, token.name) ? table[token.name] : undefined;
    if (def === undefined) throw new CliError(unknownOptionMessage(written, Object.keys(table)));
    if (def.type === 'flag') {
      if (token.inlineValue) throw new CliError(`option --${token.name} takes no value (received "${arg}")`);
      raw.set(token.name, true);
      continue;
    }
    const value = token.value;
    if (value === undefined || (!token.inlineValue && value.startsWith('--') && value.length > 2))
      throw new CliError(`option --${token.name} needs a value (--${token.name} ${def.value})`);
    raw.set(token.name, value);
  }
  // --help answers whatever else is on the line: a missing, bad or conflicting option does not stop it
  const helping = raw.get('help') === true;
  for (const group of helping ? [] : exclusive) {
    const both = group.filter((name) => raw.has(name));
    if (both.length > 1) throw new CliError(`options --${both[0]} and --${both[1]} cannot be used together`);
  }
  const options: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(table)) {
    try {
      options[name] = check(name, def, raw.get(name));
    } catch (error) {
      if (!helping) throw error;
      options[name] = undefined;
    }
  }
  return { options: options as Options<T>, positionals, given: new Set(raw.keys()) };
}

/** One option's value, checked, or its default. */
function check(name: string, def: OptionDef, given: string | true | undefined): unknown {
  if (def.type === 'flag') return given === true;
  if (def.type === 'string' && def.required !== undefined && (given === undefined || given === ''))
    throw new CliError(`missing --${name} ${def.value}: ${def.required}`);
  if (given === undefined || given === true) return def.default;
  const fail = (expected: string): never => {
    throw new CliError(`--${name} must be ${expected}, received ${JSON.stringify(given)}`);
  };
  switch (def.type) {
    case 'string':
      if (given === '' && !def.empty) {
        const what = def.value === 'FILE' ? 'a file name' : 'a value';
        throw new CliError(`--${name} needs ${what} (--${name} ${def.value})`);
      }
      return given;
    case 'choice':
      if (!def.choices.includes(given)) fail(orList(def.choices));
      return given;
    case 'integer': {
      const n = Number(given);
      const max = def.max ?? Number.MAX_SAFE_INTEGER;
      if (!/^\d+$/.test(given) || n < def.min || n > max)
        fail(def.max === undefined ? `an integer ≥ ${def.min}` : `an integer in [${def.min}, ${def.max}]`);
      return n;
    }
    case 'number': {
      const x = Number(given);
      const ok =
        given.trim() !== '' &&
        Number.isFinite(x) &&
        (def.above === undefined || x > def.above) &&
        (def.min === undefined || x >= def.min) &&
        (def.max === undefined || x <= def.max) &&
        (def.below === undefined || x < def.below);
      if (!ok) fail(def.expected ?? numberRange(def));
      return x;
    }
  }
}

function numberRange(def: NumberOption): string {
  const low = def.above !== undefined ? `(${def.above}` : def.min !== undefined ? `[${def.min}` : undefined;
  if (def.max !== undefined) return `a number in ${low ?? '(-∞'}, ${def.max}]`;
  if (def.below !== undefined) return `a number in ${low ?? '(-∞'}, ${def.below})`;
  if (def.above !== undefined) return `a number > ${def.above}`;
  return def.min !== undefined ? `a number ≥ ${def.min}` : 'a number';
}

/** `a, b or c`. */
export function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function unknownOptionMessage(written: string, names: readonly string[]): string {
  const name = written.replace(/^-+/, '');
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of names) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined
    ? `unknown option ${written}`
    : `unknown option ${written} (did you mean --${best}?)`;
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

/** What the help of a command says besides its options. */
export interface HelpText {
  /** The usage line(s) after `Usage: `, e.g. `lxmls tokenize [options] [TEXT...]`. */
  usage: string;
  /** What the command does (paragraphs, as written). */
  description: string;
  /** Text after the options (exit codes, notes), as written. */
  notes?: string;
  /** Example command lines. */
  examples?: readonly string[];
}

const WIDTH = 110;

/**
 * Generates a command's help: the usage, the description, one row per option (its value placeholder, its
 * help wrapped beside it, its choices and default), then the notes and the examples.
 *
 * @param text - The usage line, the description, the notes and the examples.
 * @param table - The option table (`-h, --help` is added).
 * @returns The help text, without a trailing newline.
 * @example
 * ```ts
 * import { helpText } from './args.js';
 * const help = helpText({ usage: 'lxmls x [--n N]', description: 'Does x.' }, {
 *   n: { type: 'integer', value: 'N', min: 1, default: 3, help: 'How many.' },
 * });
 * console.log(help.split('\n')[5]); // → --n N         How many. (default 3)
 * ```
 */
export function helpText(text: HelpText, table: OptionTable): string {
  const all: [string, OptionDef][] = [...Object.entries(table), ['help', HELP_OPTION]];
  const rows = all.map(([name, def]) => {
    const head = `${def.short ? `-${def.short}, ` : ''}--${name}${def.type === 'flag' ? '' : ` ${def.value}`}`;
    return { head, help: def.help + suffix(def) };
  });
  const column = Math.min(28, Math.max(...rows.map((row) => row.head.length)) + 4);
  const options = rows.flatMap(({ head, help }) => {
    const lines = wrap(help, WIDTH - column - 2);
    const first = head.length + 2 < column ? `${head.padEnd(column - 2)}${lines[0]}` : head;
    const rest = head.length + 2 < column ? lines.slice(1) : lines;
    return [`  ${first}`, ...rest.map((line) => `${' '.repeat(column)}${line}`)];
  });
  const parts = [`Usage: ${text.usage}`, text.description, `Options:\n${options.join('\n')}`];
  if (text.notes) parts.push(text.notes);
  if (text.examples?.length) parts.push(`Examples:\n${text.examples.map((line) => `  ${line}`).join('\n')}`);
  return parts.join('\n\n');
}

/** ` (a, b or c; default a)` for an option's help, when it has choices or a default to show. */
function suffix(def: OptionDef): string {
  if (def.type === 'flag') return '';
  const parts: string[] = [];
  if (def.type === 'choice') parts.push(orList(def.choices));
  if (def.default !== undefined && def.showDefault !== false) parts.push(`default ${def.default}`);
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

/** Word-wraps text to `width` columns; `\n` in it starts a new line (its leading spaces kept). */
function wrap(text: string, width: number): string[] {
  return text.split('\n').flatMap((paragraph) => {
    if (paragraph.length <= width) return [paragraph];
    const indent = /^ */.exec(paragraph)![0];
    const lines: string[] = [];
    let line = indent;
    for (const word of paragraph.trim().split(/ +/)) {
      if (line.trim() !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = indent + word;
      } else line = line.trim() === '' ? indent + word : `${line} ${word}`;
    }
    lines.push(line);
    return lines;
  });
}

/** How a command is written: its name, its option table, its help and what it runs. */
export interface CommandDef<T extends OptionTable> extends HelpText {
  /** The word after `lxmls`. */
  name: string;
  /** One line for the list of commands in `lxmls --help`. */
  summary: string;
  /** The options it accepts (`--help` is added). */
  options: T;
  /** Groups of options of which at most one may be given. */
  exclusive?: readonly (readonly (keyof T & string)[])[];
  /** The most positionals it takes; one more is `unexpected argument "x"`. Unlimited by default. */
  maxPositionals?: number;
  /**
   * Its subcommands (the first positional) and the options each accepts; another option given with one is
   * `option --x does not apply to lxmls <command> <subcommand>`. An unknown subcommand is left to `run`.
   */
  subcommands?: Readonly<Record<string, readonly (keyof T & string)[]>>;
  /**
   * Runs the command.
   *
   * @param options - The checked options.
   * @param positionals - The other arguments.
   * @param context - The streams, the writer, and the names of the options given.
   * @returns The exit code.
   */
  run(options: Options<T>, positionals: string[], context: RunContext): Promise<number>;
}
