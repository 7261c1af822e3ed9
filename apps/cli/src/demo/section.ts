/**
 * The shape of `lxmls demo`: a list of sections (one per exercise of the course), each a list of cells that
 * show their code and print their output, as the notebook does.
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
  const continuation = `${' '.repeat(Math.max(0, cell.prompt.length - 4))}...:`;
  return cell.code.map((line, i) => `${i === 0 ? cell.prompt : continuation} ${line}`.trimEnd());
}
