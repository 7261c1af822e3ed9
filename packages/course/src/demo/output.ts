/**
 * Reads `lxmls demo`'s output back into cells: for each prompt (`In [14]:`, `In [ ]:`, `$`), the Python lines, the
 * TypeScript lines (after `TS [14]:`) and the output lines, up to the blank line that ends the cell. The demo's
 * tests compare these with the notebook's outputs; a script can use it to pull one cell's output.
 *
 * Follows the layout written by {@link demoSectionText} (IPython prompts, `...:` continuation lines).
 */

/** One cell as `lxmls demo` printed it. */
export interface PrintedCell {
  /** The prompt: `In [14]:`, `In [ ]:` or `$`. */
  prompt: string;
  /** The Python lines, without their prompts. */
  python: string[];
  /** The TypeScript lines, without their prompts. */
  typescript: string[];
  /** The output lines. */
  output: string[];
}

const PROMPT = /^(In \[[\d ]*\]:|\$)(?: |$)/;
const TS_PROMPT = /^(TS \[[\d ]*\]:|TS:)(?: |$)/;
const CONTINUATION = /^ *\.\.\.:(?: |$)/;

/**
 * The cells of `lxmls demo`'s output, in order (a section's text, questions and name table are not cells).
 *
 * @param stdout - What `lxmls demo` printed.
 * @returns The cells.
 * @example
 * ```ts
 * import { parseDemoCells } from '@lxmls/course';
 * const cells = parseDemoCells('Some text.\n\nIn [5]: a = 1\n   ...: a\nTS [5]: const a = 1;\n   ...: a;\n1\n\nMore text.\n');
 * console.log(cells); // → [ { prompt: 'In [5]:', python: [ 'a = 1', 'a' ], typescript: [ 'const a = 1;', 'a;' ], output: [ '1' ] } ]
 * ```
 */
export function parseDemoCells(stdout: string): PrintedCell[] {
  const lines = stdout.split('\n');
  const cells: PrintedCell[] = [];
  let i = 0;
  const strip = (line: string, prefix: RegExp) => line.replace(prefix, '');
  while (i < lines.length) {
    const match = PROMPT.exec(lines[i]!);
    if (match === null || (i > 0 && lines[i - 1] !== '')) {
      i++;
      continue;
    }
    const cell: PrintedCell = {
      prompt: match[1]!,
      python: [strip(lines[i]!, PROMPT)],
      typescript: [],
      output: [],
    };
    for (i++; i < lines.length && CONTINUATION.test(lines[i]!); i++)
      cell.python.push(strip(lines[i]!, CONTINUATION));
    if (i < lines.length && TS_PROMPT.test(lines[i]!)) {
      cell.typescript.push(strip(lines[i]!, TS_PROMPT));
      for (i++; i < lines.length && CONTINUATION.test(lines[i]!); i++)
        cell.typescript.push(strip(lines[i]!, CONTINUATION));
    }
    for (; i < lines.length && lines[i] !== ''; i++) cell.output.push(lines[i]!);
    cells.push(cell);
  }
  return cells;
}
