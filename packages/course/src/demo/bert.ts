/**
 * Exercise 2.4 of the Transformer Day notebook (visualising BERT's attention), cells In [16] and In [17]: the
 * notebook's explanations, the Python of each cell and its TypeScript, and the question "Do you notice any
 * interesting (linguistic) pattern?".
 *
 * Follows `transformer-day-notebook.txt`. In [16] runs on `lxmls/bert-mini`, the small BERT pretrained here
 * that @lxmls/models ships (bert-base-uncased cannot be downloaded offline): the same 13 WordPieces, and the
 * shape of the first layer's attentions, `torch.Size([1, 4, 13, 13])` for its 4 heads where bert-base-uncased
 * has 12. In [17] draws a picture, which a terminal cannot show: it prints the `lxmls viz` command that writes
 * the head view as a page. The caller runs the model ({@link BertDemoOptions}: `lxmls demo` with @lxmls/bert's
 * `attentionForViz`), so this package needs no BERT of its own.
 */

import { notebookCell } from '../notebook.js';
import type { DemoCell, DemoSection } from './section.js';

/** The BERT the demo runs on: the small one of @lxmls/models. */
const DEFAULT_VIZ_MODEL = 'lxmls/bert-mini';

/** The notebook's sentence. */
const TEXT = 'I will go for a run and will jump into a lake.';

/** How {@link bertDemo} runs its BERT. */
export interface BertDemoOptions {
  /**
   * Runs `lxmls/bert-mini` on `text` fed without `[CLS]` and `[SEP]`, as the notebook does: its WordPieces and
   * `attention[layer][head][query][key]` (what @lxmls/bert's `attentionForViz` returns).
   */
  run: (text: string) => Promise<{ tokens: readonly string[]; attention: readonly number[][][][] }>;
}

function bertCells({ run }: BertDemoOptions): DemoCell[] {
  return [
    {
      prompt: 'In [16]:',
      code: notebookCell(16).python,
      async *run() {
        const { tokens, attention } = await run(TEXT); // the notebook's 13 WordPieces, without [CLS] and [SEP]
        const first = attention[0]!; // layer 0: (heads, L, L)
        yield `# lxmls demo: run on ${DEFAULT_VIZ_MODEL} (4 layers of 4 heads, pretrained here; bert-base-uncased has 12 heads: torch.Size([1, 12, 13, 13]))`;
        yield `# tokens: ${tokens.join(' ')}`;
        yield `torch.Size([1, ${first.length}, ${first[0]!.length}, ${first[0]![0]!.length}])`;
      },
    },
    {
      prompt: 'In [17]:',
      code: notebookCell(17).python,
      run: () => [
        '# lxmls demo: a terminal draws no head view; this command writes it as one page that works offline:',
        '#   lxmls viz -o attention.html',
        `# (${DEFAULT_VIZ_MODEL} on the notebook's sentence by default; --view model draws every layer and head at once; the docs site's`,
        '# Exercise 2.4 page draws it too, and names the heads worth looking at)',
      ],
    },
  ];
}

/**
 * Exercise 2.4 (BERT's attention) of the notebook, cells In [16] and In [17].
 *
 * @param options - How the BERT runs.
 * @returns The section.
 * @example
 * ```ts
 * import { bertDemo } from '@lxmls/course';
 * const section = bertDemo({ run: async (text) => ({ tokens: text.split(' '), attention: [[[[1]]]] }) });
 * console.log(section.id, section.cells().map((cell) => cell.prompt).join(' ')); // → bert In [16]: In [17]:
 * ```
 */
export function bertDemo(options: BertDemoOptions): DemoSection {
  return {
    id: 'bert',
    title: 'Exercise 2.4: Visualize Attentions (BERT)',
    source:
      'transformer-day notebook, cells In [16] and In [17] (on lxmls/bert-mini; in a terminal, lxmls viz draws them)',
    notebook: ['2.4'],
    cells: () => bertCells(options),
  };
}
