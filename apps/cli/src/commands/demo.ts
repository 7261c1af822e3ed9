/**
 * `lxmls demo`: the course's exercises run from a terminal, each cell's code followed by the output the
 * notebook shows. The sections are listed in {@link DEMO_SECTIONS}; later exercises are appended there.
 */

import type { ParsedArgs } from '../args.js';
import { flag } from '../args.js';
import { chooseBackend } from '../backends.js';
import type { Command, CommandContext } from '../command.js';
import { attentionSection } from '../demo/attention.js';
import { bpeMainSection } from '../demo/bpe-main.js';
import type { DemoSection } from '../demo/section.js';
import { cellHeader } from '../demo/section.js';
import { tokenizationSection } from '../demo/tokenization.js';
import { weatherSection } from '../demo/weather.js';
import { CliError } from '../errors.js';
import type { Output } from '../io.js';

/**
 * Every section of `lxmls demo`, in the order of the course.
 *
 * @example
 * ```ts
 * import { DEMO_SECTIONS } from './commands/demo.js';
 * console.log(DEMO_SECTIONS.map((section) => section.id)); // → [ 'tokenization', 'bpe', 'attention', 'weather' ]
 * ```
 */
export const DEMO_SECTIONS: readonly DemoSection[] = [
  tokenizationSection,
  bpeMainSection,
  attentionSection,
  weatherSection,
];

const USAGE = `Usage: lxmls demo [options] [SECTION...]

Runs the course's exercises: for each notebook cell, its Python code (after an "In [n]:" prompt) and then
exactly the output the notebook shows, computed by the lxmls packages. Without SECTION, runs them all.

Sections:
${DEMO_SECTIONS.map((section) => `  ${section.id.padEnd(14)} ${section.title}`).join('\n')}

The weather section (Exercise 3.1) trains gpt-nano for 2000 iterations (a minute or so on the wasm
backend); the environment variable LXMLS_DEMO_ITERS=N trains N iterations instead.

Options:
  --list       List the sections and exit.
  -h, --help   Show this help.`;

/**
 * `lxmls demo`: see its usage text (`lxmls help demo`).
 *
 * @example
 * ```ts
 * import { demoCommand } from './commands/demo.js';
 * console.log(demoCommand.name); // → demo
 * ```
 */
export const demoCommand: Command = {
  name: 'demo',
  summary:
    "Run the course's exercises as the notebook prints them (Exercises 1, 2 and 3.1: tokenization, attention, training)",
  usage: USAGE,
  options: [{ name: 'list' }],
  run: demo,
};

async function demo(args: ParsedArgs, { out }: CommandContext): Promise<number> {
  if (flag(args, 'list')) {
    for (const section of DEMO_SECTIONS) await out.write(`${section.id}\t${section.title}\n`);
    return 0;
  }
  const sections = args.positionals.length === 0 ? DEMO_SECTIONS : args.positionals.map(findSection);
  if (sections.includes(weatherSection)) await chooseBackend(undefined); // training runs on wasm, not the js reference
  for (const [i, section] of sections.entries()) {
    if (i > 0) await out.write('\n');
    await printSection(section, out);
  }
  return 0;
}

function findSection(id: string): DemoSection {
  const section = DEMO_SECTIONS.find((candidate) => candidate.id === id);
  if (section !== undefined) return section;
  const known = DEMO_SECTIONS.map((candidate) => candidate.id).join(', ');
  throw new CliError(`unknown section ${JSON.stringify(id)}. Expected one of: ${known}`);
}

async function printSection(section: DemoSection, out: Output): Promise<void> {
  await out.write(`# ${section.title}\n# ${section.source}\n`);
  for (const cell of section.cells()) {
    await out.write(`\n${cellHeader(cell).join('\n')}\n`);
    for await (const line of cell.run()) await out.write(`${line}\n`);
  }
}
