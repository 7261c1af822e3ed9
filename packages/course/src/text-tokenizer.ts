/**
 * The tokenizer of the text recipe (`lxmls train text --tokenizer char|bpe|gpt2`): the characters of the
 * training text, a byte-level BPE trained on it, or GPT-2's BPE, each as @lxmls/bpe's `TextTokenizer` (so the
 * model folder keeps it as a `tokenizer.json`). Moved here from the CLI (issue 13).
 *
 * Follows minGPT's `projects/chargpt` (a character per id) and @lxmls/bpe's `trainCharTokenizer`,
 * `trainBPE` and `textTokenizerFromEncoder`.
 */

import {
  getEncoder,
  type TextTokenizer,
  textTokenizerFromEncoder,
  trainBPE,
  trainCharTokenizer,
} from '@lxmls/bpe';

/** The kinds of {@link buildTextTokenizer}. */
export type TextTokenizerKind = 'char' | 'bpe' | 'gpt2';

/**
 * The tokenizer the text recipe trains on `text`: its characters (`char`), a byte-level BPE of `vocabSize`
 * tokens trained on it (`bpe`), or GPT-2's BPE (`gpt2`, whose text model starts from a newline, as a character
 * model does, rather than from `<|endoftext|>`).
 *
 * @param text - The training text.
 * @param kind - `char`, `bpe` or `gpt2`.
 * @param vocabSize - The BPE's vocabulary size (`bpe` only).
 * @returns The tokenizer.
 * @throws `LxmlsBpeError` `INVALID_ARGUMENT` from `trainBPE` for a vocabulary size it cannot train.
 * @example
 * ```ts
 * import { buildTextTokenizer } from '@lxmls/course';
 * console.log(buildTextTokenizer('abca', 'char', 0).vocabSize, buildTextTokenizer('', 'gpt2', 0).startId); // → 3 198
 * console.log(buildTextTokenizer('the cat the hat', 'bpe', 260).kind); // → bpe
 * ```
 */
export function buildTextTokenizer(text: string, kind: TextTokenizerKind, vocabSize: number): TextTokenizer {
  if (kind === 'char') return trainCharTokenizer(text);
  if (kind === 'bpe') return textTokenizerFromEncoder(trainBPE(text, { vocabSize, specialTokens: [] }));
  const gpt2 = textTokenizerFromEncoder(getEncoder());
  return { ...gpt2, startId: gpt2.encode('\n')[0]! };
}
