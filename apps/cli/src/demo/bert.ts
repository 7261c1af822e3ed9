/**
 * Exercise 2.4 of the Transformer Day notebook (visualising BERT's attention), cells In [16] and In [17]: the
 * notebook's explanations, the Python of each cell and its TypeScript, and the question "Do you notice any
 * interesting (linguistic) pattern?".
 *
 * Follows `transformer-day-notebook.txt`. The cells need a pretrained BERT and draw a picture, which a terminal
 * cannot show: instead of the notebook's output each cell prints the `lxmls viz` command that computes it and
 * writes the head view as a page (see `commands/viz.ts`).
 */

import { notebookCell } from '@lxmls/course';
import type { DemoCell, DemoSection } from './section.js';

/** The notebook's sentence. */
const TEXT = 'I will go for a run and will jump into a lake.';

function bertCells(): DemoCell[] {
  return [
    {
      prompt: 'In [16]:',
      code: notebookCell(16).python,
      run: () => [
        "# lxmls demo: a terminal draws no head view; lxmls viz computes this cell's attentions with a BERT folder",
        "# in Hugging Face's layout (bert-base-uncased: 12 layers of 12 heads, the notebook's torch.Size([1, 12, 13, 13])):",
        `#   lxmls viz --model <BERT folder> --text ${JSON.stringify(TEXT)} --no-special-tokens`,
      ],
    },
    {
      prompt: 'In [17]:',
      code: notebookCell(17).python,
      run: () => [
        '# lxmls demo: the same command writes the head view, as one page that works offline (attention.html);',
        '# --view model draws every layer and head at once. The docs site draws it too (Exercise 2.4 page).',
      ],
    },
  ];
}

/**
 * Exercise 2.4 (BERT's attention) of the notebook, cells In [16] and In [17].
 *
 * @example
 * ```ts
 * import { bertSection } from './demo/bert.js';
 * console.log(bertSection.id, bertSection.cells().map((cell) => cell.prompt).join(' ')); // → bert In [16]: In [17]:
 * ```
 */
export const bertSection: DemoSection = {
  id: 'bert',
  title: 'Exercise 2.4: Visualize Attentions (BERT)',
  source:
    'transformer-day notebook, cells In [16] and In [17] (Python code; in a terminal, lxmls viz draws them)',
  notebook: ['2.4'],
  cells: bertCells,
};
