/**
 * What a subcommand of `lxmls` is: its name, its options, its help text and what it runs.
 *
 * Each command lives in its own file under `commands/` and is listed once in `main.ts`; `main` parses the
 * options, answers `--help`, and turns thrown errors into exit codes.
 */

import type { OptionSpec, ParsedArgs } from './args.js';
import type { Io, Output } from './io.js';

/** What a command receives besides its arguments. */
export interface CommandContext {
  /** The streams, complete. */
  io: Required<Io>;
  /** The buffered writer over `io.stdout`; everything a command prints goes through it. */
  out: Output;
}

/**
 * A subcommand of `lxmls`.
 *
 * @example
 * ```ts
 * import type { Command } from './command.js';
 * const hello: Command = {
 *   name: 'hello',
 *   summary: 'Say hello',
 *   usage: 'Usage: lxmls hello',
 *   options: [],
 *   run: async (_args, { out }) => {
 *     await out.write('hello\n');
 *     return 0;
 *   },
 * };
 * console.log(hello.name); // → hello
 * ```
 */
export interface Command {
  /** The word after `lxmls`. */
  name: string;
  /** One line for the list of commands in `lxmls --help`. */
  summary: string;
  /** The full help text of `lxmls help NAME` / `lxmls NAME --help`, without a trailing newline. */
  usage: string;
  /** The options it accepts (`--help` is added by `main`). */
  options: readonly OptionSpec[];
  /**
   * Runs the command.
   *
   * @param args - Its parsed arguments.
   * @param context - The streams and the writer.
   * @returns The exit code.
   * @throws {@link CliError} for bad input; any other error is reported as an internal error.
   */
  run(args: ParsedArgs, context: CommandContext): Promise<number>;
}
