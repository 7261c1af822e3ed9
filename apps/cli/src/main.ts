/**
 * The `lxmls` command line: the LxMLS Transformer Day exercises from a terminal.
 *
 * `main(argv, io)` dispatches to one command per file under `commands/` and returns the exit code, so that
 * tests run it in-process on their own streams; `bin/lxmls.js` calls it with the process's arguments.
 * Exit codes: 0 success, 1 internal error, 2 bad input. Errors are one line on stderr, never a stack trace.
 */

import { readFileSync } from 'node:fs';
import { HELP_OPTION, type OptionTable, parseOptions } from './args.js';
import type { Command } from './command.js';
import { benchCommand } from './commands/bench.js';
import { cacheCommand } from './commands/cache.js';
import { checkCommand } from './commands/check.js';
import { decodeCommand } from './commands/decode.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { exerciseCommand } from './commands/exercise.js';
import { exportOnnxCommand } from './commands/export-onnx.js';
import { generateCommand } from './commands/generate.js';
import { infoCommand } from './commands/info.js';
import { tokenizeCommand } from './commands/tokenize.js';
import { trainCommand } from './commands/train.js';
import { vizCommand } from './commands/viz.js';
import { CliError, reportError } from './errors.js';
import type { Io } from './io.js';
import { Output, resolveIo } from './io.js';

export type { Io } from './io.js';

/**
 * The commands of `lxmls`, in the order `lxmls --help` lists them.
 *
 * @example
 * ```ts
 * import { COMMANDS } from './main.js';
 * console.log(COMMANDS.map((command) => command.name)); // → [ 'tokenize', 'decode', 'demo', 'exercise', 'check', 'bench', 'generate', 'info', 'viz', 'export-onnx', 'train', 'eval', 'cache' ]
 * ```
 */
export const COMMANDS: readonly Command[] = [
  tokenizeCommand,
  decodeCommand,
  demoCommand,
  exerciseCommand,
  checkCommand,
  benchCommand,
  generateCommand,
  infoCommand,
  vizCommand,
  exportOnnxCommand,
  trainCommand,
  evalCommand,
  cacheCommand,
];

/** The options of `lxmls` itself. */
const OPTIONS = {
  help: HELP_OPTION,
  version: { type: 'flag', short: 'V', help: 'Print the version.' },
} as const satisfies OptionTable;

const USAGE = `lxmls: the LxMLS Transformer Day exercises from a terminal.

Usage: lxmls <command> [options] [arguments]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(14)} ${command.summary}`).join('\n')}
  ${'help'.padEnd(14)} Show the help of a command: lxmls help tokenize

Options:
  -h, --help      Show this help.
  -V, --version   Print the version.

Exit codes: 0 success, 1 internal error, 2 bad input (the reason is one line on stderr).`;

/**
 * Runs the `lxmls` command line.
 *
 * @param argv - The arguments after `lxmls` (`process.argv.slice(2)`).
 * @param io - The streams to use; each one missing is the process's own.
 * @returns The exit code: 0 success, 1 internal error, 2 bad input.
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import { main } from './main.js';
 * const stdout = new PassThrough();
 * const code = await main(['tokenize', '--json', 'very cool!'], { stdout });
 * console.log(code, String(stdout.read()).trim()); // → 0 {"ids":[548,3608,0],"tokens":["very","Ġcool","!"]}
 * ```
 */
export async function main(argv: readonly string[], io?: Partial<Io>): Promise<number> {
  const streams = resolveIo(io);
  const out = new Output(streams.stdout);
  let prog = 'lxmls';
  try {
    const [first, ...rest] = argv;
    let code: number;
    if (first === undefined) {
      await out.write(`${USAGE}\n`);
      code = 0;
    } else if (first.startsWith('-')) {
      const { options, positionals } = parseOptions(argv, OPTIONS);
      if (positionals.length > 0) throw new CliError(`unexpected argument ${JSON.stringify(positionals[0])}`);
      await out.write(options.version ? `${version()}\n` : `${USAGE}\n`);
      code = 0;
    } else if (first === 'help') {
      if (rest.length > 1) throw new CliError(`help takes one command name, received ${rest.length}`);
      await out.write(`${rest[0] === undefined ? USAGE : findCommand(rest[0]).usage}\n`);
      code = 0;
    } else {
      const command = findCommand(first);
      prog = `lxmls ${command.name}`;
      code = await command.run(rest, { io: streams, out });
    }
    await out.flush();
    return code;
  } catch (error) {
    const report = reportError(error);
    if (report.line !== undefined) {
      await out.flush().catch(() => undefined);
      streams.stderr.write(`${prog}: ${report.line}\n`);
    }
    return report.exitCode;
  } finally {
    await out.close().catch(() => undefined);
  }
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command !== undefined) return command;
  const names = [...COMMANDS.map((candidate) => candidate.name), 'help'].join(', ');
  throw new CliError(`unknown command ${JSON.stringify(name)}. Expected one of: ${names} (see lxmls --help)`);
}

/** The version of this package, from its package.json (next to both `src/` and `dist/`). */
function version(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
