/**
 * The shape of `lxmls demo`: a list of sections (one per exercise of the course), each a list of cells that
 * show their code (the notebook's Python, then the same in TypeScript) and print their output, as the notebook
 * does, between the notebook's explanations and questions (`@lxmls/course`'s `NOTEBOOK`).
 *
 * A later exercise (attention, GPT, training) is one more {@link DemoSection} appended to the list in
 * `commands/demo.ts`. A cell's `run` may be a generator, sync or async, so long runs print as they go.
 */

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
 * import { cellHeader } from './demo/section.js';
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
 * import { promptLines } from './demo/section.js';
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
 * import { typescriptPrompt } from './demo/section.js';
 * console.log(typescriptPrompt('In [14]:'), typescriptPrompt('In [ ]:'), typescriptPrompt('$')); // → TS [14]: TS [ ]: TS:
 * ```
 */
export function typescriptPrompt(prompt: string): string {
  return prompt.startsWith('In ') ? `TS ${prompt.slice(3)}` : 'TS:';
}
