/**
 * `lxmls demo`: the course's exercises run from a terminal, each cell's code followed by the output the
 * notebook shows. The sections are listed in {@link DEMO_SECTIONS}; later exercises are appended there.
 */

import type { ParsedArgs } from '../args.js';
import { flag } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { attentionSection } from '../demo/attention.js';
import { bpeMainSection } from '../demo/bpe-main.js';
import type { DemoSection } from '../demo/section.js';
import { cellHeader } from '../demo/section.js';
import { tokenizationSection } from '../demo/tokenization.js';
import { CliError } from '../errors.js';
import type { Output } from '../io.js';

/**
 * Every section of `lxmls demo`, in the order of the course.
 *
 * @example
 * ```ts
 * import { DEMO_SECTIONS } from './commands/demo.js';
 * console.log(DEMO_SECTIONS.map((section) => section.id)); // → [ 'tokenization', 'bpe', 'attention' ]
 * ```
 */
export const DEMO_SECTIONS: readonly DemoSection[] = [tokenizationSection, bpeMainSection, attentionSection];

const USAGE = `Usage: lxmls demo [options] [SECTION...]

Runs the course's exercises: for each notebook cell, its Python code (after an "In [n]:" prompt) and then
exactly the output the notebook shows, computed by the lxmls packages. Without SECTION, runs them all.

Sections:
${DEMO_SECTIONS.map((section) => `  ${section.id.padEnd(14)} ${section.title}`).join('\n')}

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
    "Run the course's exercises as the notebook prints them (Exercises 1 and 2: tokenization, attention)",
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
