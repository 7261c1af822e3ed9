/**
 * Exercise 1 of the Transformer Day notebook (tokenization), cells In [2] to In [12]: the Python code of each
 * cell and, computed here with @lxmls/bpe, exactly the output the notebook shows.
 *
 * Follows `transformer-day-notebook.txt`: word splitting, character splitting, then GPT-2 BPE on the
 * notebook's sentences (merged tokens, the two "very" tokens, a typo, and decode(encode(x)) = x).
 */

import { charTokenize, getEncoder, wordTokenize } from '@lxmls/bpe';
import { pyDisplayList, pyRepr } from '../python-repr.js';
import type { DemoCell, DemoSection } from './section.js';

/** The notebook's code to flatten the merged tokens of every part, shared by cells In [7] to In [11]. */
const MERGED_TOKENS_CODE = [
  "merged_tokens = [x['token_merged'] for x in tokens['parts']]",
  'merged_tokens = list(np.concatenate(merged_tokens).flat)',
  '',
  'print(merged_tokens)',
];

/** `print(merged_tokens)` for a sentence: the merged tokens of all parts, flattened. */
function mergedTokensLine(sentence: string): string {
  const work = getEncoder().encodeAndShowWork(sentence);
  return pyRepr(work.parts.flatMap((part) => part.tokenMerged));
}

/** A cell In [7] to In [11]: encode a sentence with `encode_and_show_work` and print its merged tokens. */
function mergedTokensCell(n: number, sentence: string): DemoCell {
  return {
    prompt: `In [${n}]:`,
    code: [
      `sentence = "${sentence}"`,
      'tokens = tokenizer.encoder.encode_and_show_work(sentence)',
      ...MERGED_TOKENS_CODE,
    ],
    run: () => [mergedTokensLine(sentence)],
  };
}

function tokenizationCells(): DemoCell[] {
  const words = 'I travelled to Lisbon in July to attend an NLP summer school';
  const chars =
    "I will travel to Lisbon in July, I will attend an NLP summer school but I hope to visit around: it's a beatiful city!";
  const firstSentence = 'Your drawing is charmingly anachronistic.';
  const roundTrip = "We are about to start exercise 2 about attention, let's have fun!";
  return [
    {
      prompt: 'In [2]:',
      code: [`text = "${words}"`, 'text.split()'],
      run: () => pyDisplayList(wordTokenize(words)).split('\n'),
    },
    {
      prompt: 'In [3]:',
      code: [
        `text = "${chars}"`,
        'tokenized = [c for c in text if c not in [",", ";", ":", "\'", "!", "?"]]',
        '',
        'for i in tokenized:',
        '    print(i)',
      ],
      run: () => charTokenize(chars, { drop: [',', ';', ':', "'", '!', '?'] }),
    },
    { prompt: 'In [4]:', code: ['from lxmls.transformers.bpe import BPETokenizer'], run: () => [] },
    { prompt: 'In [5]:', code: ['tokenizer = BPETokenizer()'], run: () => [] },
    {
      prompt: 'In [6]:',
      code: [
        '# Tokenize a sample sentence',
        `sentence = "${firstSentence}"`,
        'tokens = tokenizer.encoder.encode_and_show_work(sentence)',
      ],
      run: () => [],
    },
    {
      prompt: 'In [7]:',
      code: ['import numpy as np', '', ...MERGED_TOKENS_CODE],
      run: () => [mergedTokensLine(firstSentence)],
    },
    mergedTokensCell(8, 'running is very cool'),
    mergedTokensCell(9, 'very cool!'),
    mergedTokensCell(10, 'I like to circumnavigate the globe every year'),
    mergedTokensCell(11, 'I like to cirkumnavigate the globe every year'),
    {
      prompt: 'In [12]:',
      code: [
        `original_sentence = "${roundTrip}"`,
        'tokenized_sentence = tokenizer.encoder.encode(original_sentence)',
        'reconstructed_sentence = tokenizer.encoder.decode(tokenized_sentence)',
        '',
        'print(reconstructed_sentence)',
      ],
      run: () => {
        const encoder = getEncoder();
        return [encoder.decode(encoder.encode(roundTrip))];
      },
    },
  ];
}

/**
 * Exercise 1 (tokenization) of the notebook, cells In [2] to In [12].
 *
 * @example
 * ```ts
 * import { tokenizationSection } from './demo/tokenization.js';
 * console.log(tokenizationSection.id, tokenizationSection.cells().length); // → tokenization 11
 * ```
 */
export const tokenizationSection: DemoSection = {
  id: 'tokenization',
  title: 'Exercise 1: Tokenization',
  source: 'transformer-day notebook, cells In [2] to In [12] (Python code, results computed by @lxmls/bpe)',
  cells: tokenizationCells,
};
