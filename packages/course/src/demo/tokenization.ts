/**
 * Exercise 1 of the Transformer Day notebook (tokenization), cells In [2] to In [12]: the Python code of each
 * cell (and its TypeScript, from @lxmls/course's notebook) and, computed with @lxmls/bpe, exactly the
 * output the notebook shows.
 *
 * Follows `transformer-day-notebook.txt`: word splitting, character splitting, then GPT-2 BPE on the
 * notebook's sentences (merged tokens, the two "very" tokens, a typo, and decode(encode(x)) = x).
 */

import { pyDisplayList, pyRepr } from '@lxmls/base';
import { charTokenize, getEncoder, wordTokenize } from '@lxmls/bpe';
import { notebookCell } from '../notebook.js';
import type { DemoCell, DemoSection } from './section.js';

/** `print(merged_tokens)` for a sentence: the merged tokens of all parts, flattened. */
function mergedTokensLine(sentence: string): string {
  const work = getEncoder().encodeAndShowWork(sentence);
  return pyRepr(work.parts.flatMap((part) => part.tokenMerged));
}

/** The notebook's cell In [n] (its Python from @lxmls/course), computing its output with `run`. */
function cell(n: number, run: DemoCell['run']): DemoCell {
  return { prompt: `In [${n}]:`, code: notebookCell(n).python, run };
}

function tokenizationCells(): DemoCell[] {
  const words = 'I travelled to Lisbon in July to attend an NLP summer school';
  const chars =
    "I will travel to Lisbon in July, I will attend an NLP summer school but I hope to visit around: it's a beatiful city!";
  const firstSentence = 'Your drawing is charmingly anachronistic.';
  const roundTrip = "We are about to start exercise 2 about attention, let's have fun!";
  return [
    cell(2, () => pyDisplayList(wordTokenize(words)).split('\n')),
    cell(3, () => charTokenize(chars, { drop: [',', ';', ':', "'", '!', '?'] })),
    cell(4, () => []),
    cell(5, () => []),
    cell(6, () => []),
    cell(7, () => [mergedTokensLine(firstSentence)]),
    cell(8, () => [mergedTokensLine('running is very cool')]),
    cell(9, () => [mergedTokensLine('very cool!')]),
    cell(10, () => [mergedTokensLine('I like to circumnavigate the globe every year')]),
    cell(11, () => [mergedTokensLine('I like to cirkumnavigate the globe every year')]),
    cell(12, () => {
      const encoder = getEncoder();
      return [encoder.decode(encoder.encode(roundTrip))];
    }),
  ];
}

/**
 * Exercise 1 (tokenization) of the notebook, cells In [2] to In [12].
 *
 * @example
 * ```ts
 * import { tokenizationDemo } from '@lxmls/course';
 * console.log(tokenizationDemo.id, tokenizationDemo.cells().length); // → tokenization 11
 * ```
 */
export const tokenizationDemo: DemoSection = {
  id: 'tokenization',
  title: 'Exercise 1: Tokenization',
  source: 'transformer-day notebook, cells In [2] to In [12] (Python code, results computed by @lxmls/bpe)',
  notebook: ['1'],
  cells: tokenizationCells,
};
