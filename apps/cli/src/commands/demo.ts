/**
 * `lxmls demo`: the course's exercises run from a terminal, in the notebook's order: the notebook's explanations,
 * each cell's Python and then the same in TypeScript, the output the notebook shows (computed here), and the
 * notebook's questions, their answers hidden unless `--answers` is given (the output is the same on a terminal
 * and in a pipe). `--names` prints the Python → TypeScript name table. The sections are listed in
 * {@link DEMO_SECTIONS}; later exercises are inserted there in the notebook's order. The words come from
 * `@lxmls/course` (`NOTEBOOK`, `PYTHON_TO_TYPESCRIPT`), which the docs site renders too, and so does the text of each section
 * (`demoSectionText`).
 */

import { fileURLToPath } from 'node:url';
import { attentionForViz, loadBertFolder } from '@lxmls/bert';
import {
  attentionDemo,
  bertDemo,
  bpeMainDemo,
  DEMO_NAMES_HEADER,
  type DemoSection,
  demoSectionText,
  nameLines,
  PROMPTING_MODEL,
  PYTHON_TO_TYPESCRIPT,
  promptingDemo,
  tokenizationDemo,
  WEATHER_RECIPES,
  weatherDemo,
} from '@lxmls/course';
import { GPT } from '@lxmls/gpt';
import { findModel, modelUrl } from '@lxmls/models';
import { chooseBackend } from '../backends.js';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { type TerminalProgress, terminalProgress } from '../progress.js';
import { bundledBertFolder, DEFAULT_VIZ_MODEL } from '../viz-model.js';

/** The count in the environment variable `name` when it is set to one (tests run less), else `fallback`. */
function envCount(name: string, fallback: number): number {
  const text = process.env[name];
  return text !== undefined && /^\d+$/.test(text) && Number(text) >= 1 ? Number(text) : fallback;
}

/** Exercise 2.4, on the small BERT of @lxmls/models. */
const bertSection = bertDemo({
  run: async (text) => {
    const { tokenizer, model } = await loadBertFolder(bundledBertFolder(DEFAULT_VIZ_MODEL)!);
    return attentionForViz(model, tokenizer, text, { addSpecialTokens: false });
  },
});

/** The iterations of Exercise 3.1: `LXMLS_DEMO_ITERS` when set, else the notebook's 2000. */
const weatherIters = () => envCount('LXMLS_DEMO_ITERS', WEATHER_RECIPES.course.iters);

/** The progress bar of the run in progress (drawn on a terminal only). */
let progress: TerminalProgress | undefined;

/** Exercise 3.1, training {@link weatherIters} iterations, with a progress bar on a terminal. */
const weatherSection = weatherDemo({ iters: weatherIters, onBatchEnd: (t) => progress?.step(t) });

/** Exercise 3.2, offline with the GPT of @lxmls/models, `LXMLS_DEMO_TOKENS` tokens per sample when set, else 50. */
const promptingSection = promptingDemo({
  load: () => GPT.fromPretrained(fileURLToPath(modelUrl(PROMPTING_MODEL))),
  note: findModel(PROMPTING_MODEL)?.quality,
  tokens: () => envCount('LXMLS_DEMO_TOKENS', 50),
});

/**
 * Every section of `lxmls demo`, in the notebook's order (bpe.py's own demo after Exercise 1).
 *
 * @example
 * ```ts
 * import { DEMO_SECTIONS } from './commands/demo.js';
 * console.log(DEMO_SECTIONS.map((section) => section.id)); // → [ 'tokenization', 'bpe', 'attention', 'bert', 'weather', 'prompting' ]
 * ```
 */
export const DEMO_SECTIONS: readonly DemoSection[] = [
  tokenizationDemo,
  bpeMainDemo,
  attentionDemo,
  bertSection,
  weatherSection,
  promptingSection,
];

/**
 * `lxmls demo`: see its help (`lxmls help demo`).
 *
 * @example
 * ```ts
 * import { demoCommand } from './commands/demo.js';
 * console.log(demoCommand.name); // → demo
 * ```
 */
export const demoCommand = defineCommand({
  name: 'demo',
  summary:
    "Run the course's exercises as the notebook prints them, with its words, questions and the TypeScript of each cell",
  usage: 'lxmls demo [options] [SECTION...]',
  description: `Runs the course's exercises in the notebook's order: the notebook's explanations; for each cell, its Python
code (after an "In [n]:" prompt), the same in TypeScript (after "TS [n]:"), and then exactly the output the
notebook shows, computed by the lxmls packages; the notebook's questions, with their answers hidden unless
--answers is given; and the Python -> TypeScript names each exercise uses. Without SECTION, runs them all.

Sections:
${DEMO_SECTIONS.map((section) => `  ${section.id.padEnd(14)} ${section.title}`).join('\n')}

The weather section (Exercise 3.1) trains gpt-nano for 2000 iterations (a minute or so on the wasm
backend), with a progress bar when stdout is a terminal; the environment variable LXMLS_DEMO_ITERS=N
trains N iterations instead.`,
  options: {
    answers: {
      type: 'flag',
      help: "Print the answers of the notebook's questions (hidden by default: try first).",
    },
    names: { type: 'flag', help: 'Print the Python -> TypeScript name table of every exercise and exit.' },
    list: { type: 'flag', help: 'List the sections and exit.' },
  },
  run: async (o, positionals, { io, out }) => {
    if (o.list) {
      for (const section of DEMO_SECTIONS) await out.write(`${section.id}\t${section.title}\n`);
      return 0;
    }
    if (o.names) {
      await out.write(`${DEMO_NAMES_HEADER}\n${nameLines(PYTHON_TO_TYPESCRIPT).join('\n')}\n`);
      return 0;
    }
    const sections = positionals.length === 0 ? DEMO_SECTIONS : positionals.map(findSection);
    if (sections.includes(weatherSection) || sections.includes(promptingSection))
      await chooseBackend(undefined); // training and generation run on wasm, not the js reference
    progress = terminalProgress(out, io, weatherIters(), false);
    const bar = progress;
    for (const [i, section] of sections.entries()) {
      if (i > 0) await out.write('\n');
      const options = { answers: o.answers, answersCommand: `lxmls demo ${section.id} --answers` };
      for await (const text of demoSectionText(section, options)) await out.write(`${bar.clear()}${text}`);
    }
    return 0;
  },
});

function findSection(id: string): DemoSection {
  const section = DEMO_SECTIONS.find((candidate) => candidate.id === id);
  if (section !== undefined) return section;
  const known = DEMO_SECTIONS.map((candidate) => candidate.id).join(', ');
  throw new CliError(`unknown section ${JSON.stringify(id)}. Expected one of: ${known}`);
}
