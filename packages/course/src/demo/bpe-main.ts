/**
 * The `__main__` demo of `lxmls/transformers/bpe.py` (= minGPT's `mingpt/bpe.py`): every intermediate step of
 * encoding one sentence, printed line for line as the Python script prints it (docs/course-behaviour.md §1.9), and
 * how the course prints a part of that work (`print(part)`, also `lxmls tokenize --show-work`).
 */

import { pyRepr } from '@lxmls/base';
import { type EncodePart, getEncoder } from '@lxmls/bpe';
import type { DemoCell, DemoSection } from './section.js';

/** The sentence of the Python demo. */
const TEXT = "Hello!! I'm Andrej Karpathy. It's 2022. w00t :D 🤗";

/**
 * The lines `python lxmls/transformers/bpe.py` prints.
 *
 * @remarks Python: the `if __name__ == '__main__':` block of bpe.py.
 * @param text - The text to encode; the Python demo's sentence by default.
 * @returns The printed lines.
 * @example
 * ```ts
 * import { bpeMainLines } from '@lxmls/course';
 * const lines = [...bpeMainLines()];
 * console.log(lines[0], '/', lines.at(-2)); // → Original text is: / [15496, 3228, 314, 1101, 10948, 73, 509, 5117, 10036, 13, 632, 338, 33160, 13, 266, 405, 83, 1058, 35, 12520, 97, 245]
 * ```
 */
export function* bpeMainLines(text: string = TEXT): Generator<string> {
  const work = getEncoder().encodeAndShowWork(text);
  yield 'Original text is:';
  yield text;
  yield 'First the text gets pre-tokenized, broken up into chunks, the outcome is:';
  yield pyRepr(work.tokens);
  yield 'Then we iterate over each chunk and process them in turn...';
  for (const part of work.parts) yield partRepr(part);
  yield 'and the final outcome is concatenating and flattening all the token_ix:';
  yield pyRepr(work.bpeIdx);
  yield 'ready to feed into a Transformer!';
}

/**
 * One part of `encodeAndShowWork` as Python prints the dict.
 *
 * @remarks Python: `print(part)` for a part of `Encoder.encode_and_show_work(text)['parts']`.
 * @param part - The part.
 * @returns `{'token': ..., 'token_bytes': b'...', 'token_translated': ..., 'token_merged': [...], 'token_ix': [...]}`.
 * @example
 * ```ts
 * import { getEncoder } from '@lxmls/bpe';
 * import { partRepr } from '@lxmls/course';
 * console.log(partRepr(getEncoder().encodeAndShowWork('Hello').parts[0]!)); // → {'token': 'Hello', 'token_bytes': b'Hello', 'token_translated': 'Hello', 'token_merged': ['Hello'], 'token_ix': [15496]}
 * ```
 */
export function partRepr(part: EncodePart): string {
  return pyRepr({
    token: part.token,
    token_bytes: part.tokenBytes,
    token_translated: part.tokenTranslated,
    token_merged: part.tokenMerged,
    token_ix: part.tokenIx,
  });
}

function bpeMainCells(): DemoCell[] {
  return [
    {
      prompt: '$',
      code: ['python lxmls/transformers/bpe.py'],
      typescript: [
        "import { getEncoder } from '@lxmls/bpe';",
        `const work = getEncoder().encodeAndShowWork(${JSON.stringify(TEXT)});`,
        "// work.tokens: the chunks; work.parts: each chunk's steps; work.bpeIdx: the ids (lxmls tokenize --show-work)",
      ],
      run: () => bpeMainLines(),
    },
  ];
}

/**
 * bpe.py's own demo, run as a script.
 *
 * @example
 * ```ts
 * import { bpeMainDemo } from '@lxmls/course';
 * console.log(bpeMainDemo.id); // → bpe
 * ```
 */
export const bpeMainDemo: DemoSection = {
  id: 'bpe',
  title: 'bpe.py: the __main__ demo',
  source: 'lxmls/transformers/bpe.py (= minGPT mingpt/bpe.py), every step of encoding one sentence',
  cells: bpeMainCells,
};
