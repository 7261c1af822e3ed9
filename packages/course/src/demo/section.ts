/**
 * The course's exercises as a terminal shows them (`lxmls demo`): a list of sections (one per exercise), each a
 * list of cells that show their code (the notebook's Python, then the same in TypeScript) and compute their
 * output, as the notebook does, between the notebook's explanations and questions (`NOTEBOOK`).
 * {@link demoSectionText} turns a section into text; it prints nothing (the caller writes the text out).
 *
 * A later exercise is one more {@link DemoSection} in `lxmls demo`'s list (apps/cli `commands/demo.ts`). A cell's
 * `run` may be a generator, sync or async, so long runs show their output as they go.
 */

import { PYTHON_TO_TYPESCRIPT } from '../names.js';
import { type NotebookBlock, notebookCell, notebookSection } from '../notebook.js';
import { blockLines, nameLines, sectionHeading } from './text.js';

/** One cell: the code it shows and the output lines it prints. */
export interface DemoCell {
  /** The prompt in front of the first code line: `In [2]:` for a notebook cell, `$` for a shell command. */
  prompt: string;
  /** The code lines shown, verbatim (Python, as in the notebook). */
  code: readonly string[];
  /**
   * The same in TypeScript, shown after the Python. Omitted for a notebook cell `In [n]:`: its TypeScript comes
   * from `notebookCell(n)` of `@lxmls/course`.
   */
  typescript?: readonly string[];
  /** Computes the output, line by line (without newlines). */
  run(): Iterable<string> | AsyncIterable<string>;
}

/** One part of the demo: an exercise of the course, or a module's own demo. */
export interface DemoSection {
  /** The name that selects it: `lxmls demo tokenization`. */
  id: string;
  /** The heading printed above it. */
  title: string;
  /** Where it comes from, printed under the heading. */
  source: string;
  /**
   * The sections of the notebook it runs (`['2', '2.1', '2.2', '2.3']`): their explanations and questions are
   * printed around the cells, in the notebook's order. None for a section that is not the notebook's.
   */
  notebook?: readonly string[];
  /** Creates its cells; cells created together may share state, as notebook cells do. */
  cells(): DemoCell[];
}

/**
 * The header of a cell, IPython style: the prompt on the first code line, `...:` aligned under it on the next.
 *
 * @param cell - The cell.
 * @returns The header lines.
 * @example
 * ```ts
 * import { cellHeader } from '@lxmls/course';
 * console.log(cellHeader({ prompt: 'In [2]:', code: ['text = "a b"', 'text.split()'], run: () => [] })); // → [ 'In [2]: text = "a b"', '   ...: text.split()' ]
 * ```
 */
export function cellHeader(cell: DemoCell): string[] {
  return promptLines(cell.prompt, cell.code);
}

/**
 * Code lines after a prompt, IPython style: the prompt on the first line, `...:` aligned under it on the next.
 *
 * @param prompt - `In [2]:`, `TS [2]:`, `$`.
 * @param code - The lines.
 * @returns The lines with their prompts, trailing spaces removed.
 * @example
 * ```ts
 * import { promptLines } from '@lxmls/course';
 * console.log(promptLines('TS [5]:', ['const a = 1;', 'a;'])); // → [ 'TS [5]: const a = 1;', '   ...: a;' ]
 * ```
 */
export function promptLines(prompt: string, code: readonly string[]): string[] {
  const continuation = `${' '.repeat(Math.max(0, prompt.length - 4))}...:`;
  return code.map((line, i) => `${i === 0 ? prompt : continuation} ${line}`.trimEnd());
}

/**
 * The prompt of a cell's TypeScript: `TS [n]:` under `In [n]:`, `TS:` under a shell `$`.
 *
 * @param prompt - The cell's prompt.
 * @returns The TypeScript prompt.
 * @example
 * ```ts
 * import { typescriptPrompt } from '@lxmls/course';
 * console.log(typescriptPrompt('In [14]:'), typescriptPrompt('In [ ]:'), typescriptPrompt('$')); // → TS [14]: TS [ ]: TS:
 * ```
 */
export function typescriptPrompt(prompt: string): string {
  return prompt.startsWith('In ') ? `TS ${prompt.slice(3)}` : 'TS:';
}

/** What {@link demoSectionText} shows besides the cells. */
export interface DemoTextOptions {
  /** Show the answers of the notebook's questions (otherwise a line says how to see them). */
  answers: boolean;
  /** The command named in the line that hides an answer (`lxmls demo attention --answers`). */
  answersCommand: string;
}

/** The line above the Python → TypeScript name table. */
export const DEMO_NAMES_HEADER = 'Python (the notebook) → TypeScript (lxmls-ts)';

/** A block of the notebook, with the number of the section it belongs to. */
type Placed = { block: NotebookBlock; sectionId: string };

/** The notebook's blocks of a demo section, each section opened by its heading. */
function notebookBlocks(section: DemoSection): Placed[] {
  return (section.notebook ?? []).flatMap((id) => {
    const notebook = notebookSection(id);
    const heading: NotebookBlock = { kind: 'heading', level: 2, text: sectionHeading(notebook).slice(3) };
    return [heading, ...notebook.blocks].map((block) => ({ block, sectionId: id }));
  });
}

/** The execution count of a notebook cell's prompt (`In [14]:` → 14), or null (`In [ ]:`, `$`). */
function cellCount(cell: DemoCell): number | null {
  const match = /^In \[(\d+)\]:$/.exec(cell.prompt);
  return match === null ? null : Number(match[1]);
}

/**
 * A demo section as text, in pieces as they are computed (a long cell yields its lines as it runs): its title,
 * the notebook's explanations and questions in the notebook's order, each cell's Python, TypeScript and output,
 * and the Python → TypeScript names of its exercises. Joined, the pieces are what `lxmls demo <id>` prints.
 *
 * @param section - The section.
 * @param options - Whether the answers are shown.
 * @returns The text, in pieces, each ending in a newline.
 * @example
 * ```ts
 * import { demoSectionText } from '@lxmls/course';
 * const section = { id: 'x', title: 'A demo', source: 'here', cells: () => [{ prompt: '$', code: ['echo 1'], typescript: ['1'], run: () => ['1'] }] };
 * let text = '';
 * for await (const piece of demoSectionText(section, { answers: false, answersCommand: '' })) text += piece;
 * console.log(text.split('\n')); // → [ '# A demo', '# here', '', '$ echo 1', 'TS: 1', '1', '' ]
 * ```
 */
export async function* demoSectionText(
  section: DemoSection,
  options: DemoTextOptions,
): AsyncGenerator<string> {
  yield `# ${section.title}\n# ${section.source}\n`;
  const blocks = notebookBlocks(section);
  let next = 0; // the first block not shown yet
  function* blocksUntil(end: number): Generator<string> {
    for (; next < end; next++) {
      const { block } = blocks[next]!;
      if (block.kind === 'cell') continue; // a cell of the notebook that this demo does not run
      yield `\n${blockLines(block, options).join('\n')}\n`;
    }
  }
  for (const cell of section.cells()) {
    const n = cellCount(cell);
    const at = blocks.findIndex(({ block }, i) => i >= next && block.kind === 'cell' && block.cell.n === n);
    if (at >= 0) {
      yield* blocksUntil(at);
      next = at + 1;
    }
    const typescript = cell.typescript ?? (n === null ? [] : notebookCell(n).typescript);
    const code = [...cellHeader(cell), ...promptLines(typescriptPrompt(cell.prompt), typescript)];
    yield `\n${code.join('\n')}\n`;
    for await (const line of cell.run()) yield `${line}\n`;
  }
  yield* blocksUntil(blocks.length);
  const ids = section.notebook ?? [];
  const unique = PYTHON_TO_TYPESCRIPT.filter((entry) => entry.exercises.some((id) => ids.includes(id)));
  if (unique.length > 0)
    yield `\n## ${DEMO_NAMES_HEADER}, the names of this exercise (lxmls demo --names: all of them)\n${nameLines(unique).join('\n')}\n`;
}
