/**
 * What a subcommand of `lxmls` is: its name, its summary, its help text and what it runs on its arguments.
 *
 * Each command lives in its own file under `commands/`, written with {@link defineCommand} from one typed
 * option table, and is listed once in `main.ts`; `main` dispatches and turns thrown errors into exit codes.
 */

import type { CommandDef, OptionTable } from './args.js';
import { HELP_OPTION, helpText, parseOptions } from './args.js';
import { CliError } from './errors.js';
import type { Io, Output } from './io.js';

/** What a command receives besides its arguments. */
export interface CommandContext {
  /** The streams, complete. */
  io: Required<Io>;
  /** The buffered writer over `io.stdout`; everything a command prints goes through it. */
  out: Output;
}

/** What a command's `run` receives besides its options and positionals. */
export interface RunContext extends CommandContext {
  /** The long names of the options given on the command line. */
  given: ReadonlySet<string>;
}

/** A subcommand of `lxmls`, as {@link defineCommand} builds it. */
export interface Command {
  /** The word after `lxmls`. */
  name: string;
  /** One line for the list of commands in `lxmls --help`. */
  summary: string;
  /** The full help text of `lxmls help NAME` / `lxmls NAME --help`, without a trailing newline. */
  usage: string;
  /** The long names of its options (`--help` not included). */
  optionNames: readonly string[];
  /**
   * Parses its arguments, answers `--help`, and runs.
   *
   * @param argv - The arguments after the command name.
   * @param context - The streams and the writer.
   * @returns The exit code.
   * @throws {@link CliError} for bad input; any other error is reported as an internal error.
   */
  run(argv: readonly string[], context: CommandContext): Promise<number>;
}

/**
 * Builds a command from its option table: its help is generated from the table, and its `run` receives the
 * checked, typed options.
 *
 * @param def - The name, summary, help text, option table and run function.
 * @returns The command.
 * @example
 * ```ts
 * import { defineCommand } from './command.js';
 * const hello = defineCommand({
 *   name: 'hello',
 *   summary: 'Say hello',
 *   usage: 'lxmls hello [--loud]',
 *   description: 'Says hello.',
 *   options: { loud: { type: 'flag', help: 'Shout.' } },
 *   run: async ({ loud }, _positionals, { out }) => {
 *     await out.write(loud ? 'HELLO\n' : 'hello\n');
 *     return 0;
 *   },
 * });
 * console.log(hello.usage.split('\n')[0]); // → Usage: lxmls hello [--loud]
 * ```
 */
export function defineCommand<const T extends OptionTable>(def: CommandDef<T>): Command {
  const usage = helpText(def, def.options);
  const table = { ...def.options, help: HELP_OPTION };
  return {
    name: def.name,
    summary: def.summary,
    usage,
    optionNames: Object.keys(def.options),
    run: async (argv, context) => {
      const { options, positionals, given } = parseOptions(argv, table, def.exclusive);
      if (options.help) {
        await context.out.write(`${usage}\n`);
        return 0;
      }
      const extra = positionals[def.maxPositionals ?? Number.POSITIVE_INFINITY];
      if (extra !== undefined) throw new CliError(`unexpected argument ${JSON.stringify(extra)}`);
      const sub = positionals[0];
      if (def.subcommands !== undefined && sub !== undefined && Object.hasOwn(def.subcommands, sub)) {
        const allowed: readonly string[] = def.subcommands[sub]!;
        const stray = [...given].find((name) => !allowed.includes(name));
        if (stray !== undefined)
          throw new CliError(`option --${stray} does not apply to lxmls ${def.name} ${sub}`);
      }
      return def.run(options, positionals, { ...context, given });
    },
  };
}
