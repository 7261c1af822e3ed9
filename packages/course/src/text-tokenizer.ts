/**
 * The tokenizer of the text recipe (`lxmls train text --tokenizer char|bpe|gpt2`): the characters of the
 * training text, a byte-level BPE trained on it, or GPT-2's BPE, each as @lxmls/bpe's `TextTokenizer` (so the
 * model folder keeps it as a `tokenizer.json`). And {@link modelTokenizer}, the tokenizer that travels with a
 * GPT (its folder's `tokenizer.json`, the weather task's 8 words, or GPT-2's BPE), which `lxmls generate`,
 * `lxmls viz` and the docs app read text with. Both moved here from the CLI (issue 13).
 *
 * Follows minGPT's `projects/chargpt` (a character per id) and @lxmls/bpe's `trainCharTokenizer`,
 * `trainBPE` and `textTokenizerFromEncoder`.
 */

import {
  getEncoder,
  type TextTokenizer,
  textTokenizerFromEncoder,
  textTokenizerFromJson,
  trainBPE,
  trainCharTokenizer,
} from '@lxmls/bpe';
import { END_OF_TEXT } from '@lxmls/gpt';
import { WEATHER_TOKENS, weatherToken } from '@lxmls/weather-data';
import { LxmlsCourseError } from './errors.js';

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

/** How a GPT reads and writes text: see {@link modelTokenizer}. */
export interface ModelTokenizer {
  /** `char` or `bpe` (its folder's tokenizer.json), `weather` (the task's 8 words) or `gpt2` (GPT-2's BPE). */
  kind: 'char' | 'bpe' | 'weather' | 'gpt2';
  /** Text to ids (the weather words: space-separated, one id each). */
  encode(text: string): number[];
  /** Ids to text. */
  decode(ids: readonly number[]): string;
  /** One id as a drawn token (`Ġcat`, `a`, `walk`). */
  token(id: number): string;
  /** The id an empty prompt starts from (GPT-2's `<|endoftext|>`), or undefined when the model has none. */
  startId: number | undefined;
  /**
   * The ids and tokens the model sees for `text` (an empty text: the start id), every id checked to be a row of
   * the model's embedding (a GPT-2 BPE id of a smaller model is refused, not read out of bounds).
   */
  tokens(text: string): { ids: number[]; tokens: string[] };
}

/**
 * The tokenizer that travels with a GPT: its folder's `tokenizer.json` (written by `lxmls train text`, or a text
 * model of @lxmls/models such as `lxmls/shakespeare-char`), else the weather task's words for a model of 8
 * tokens (gpt-nano of Exercise 3.1, `lxmls/weather-nano`), else GPT-2's BPE.
 *
 * @param tokenizerJson - The text of the model folder's `tokenizer.json`, or null when it has none.
 * @param vocabSize - The model's vocabulary size: a tokenizer.json of another size is refused.
 * @returns The tokenizer.
 * @throws `LxmlsBpeError` for a tokenizer.json that is not a text model's or does not fit `vocabSize`;
 *   {@link LxmlsCourseError} `UNKNOWN_TOKEN` (from `encode` and `tokens`) for a word outside the weather task's,
 *   or an id the model's vocabulary does not have.
 * @example
 * ```ts
 * import { modelTokenizer } from '@lxmls/course';
 * const weather = modelTokenizer(null, 8);
 * console.log(weather.kind, weather.tokens('read walk  snowy')); // → weather { ids: [ 1, 4, 6 ], tokens: [ 'read', 'walk', 'snowy' ] }
 * const gpt2 = modelTokenizer(null, 50257);
 * console.log(gpt2.tokens('The cat').tokens, gpt2.startId); // → [ 'The', 'Ġcat' ] 50256
 * try {
 *   modelTokenizer(null, 9).tokens('');
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // → [@lxmls/course] tokens: the empty prompt starts with <|endoftext|>, id 50256, but the model's vocabulary has only 9 tokens (ids 0 to 8): it is not a GPT-2 vocabulary.
 * }
 * ```
 */
export function modelTokenizer(tokenizerJson: string | null, vocabSize: number): ModelTokenizer {
  const base = (): Omit<ModelTokenizer, 'tokens'> => {
    if (tokenizerJson !== null) {
      const folder = textTokenizerFromJson(tokenizerJson, { vocabSize }); // of another size: an error, not lost ids
      const { kind, startId } = folder;
      return {
        kind,
        encode: folder.encode,
        decode: folder.decode,
        token: (id) => folder.decode([id]),
        startId,
      };
    }
    if (vocabSize === WEATHER_TOKENS.length)
      return {
        kind: 'weather',
        encode: weatherIds,
        decode: (ids) => ids.map(weatherToken).join(' '),
        token: weatherToken,
        startId: undefined,
      };
    const encoder = getEncoder();
    const encode = (text: string) => encoder.encode(text);
    const decode = (ids: readonly number[]) => encoder.decode(ids);
    return { kind: 'gpt2', encode, decode, token: (id) => encoder.idToToken(id), startId: END_OF_TEXT };
  };
  const tokenizer = base();
  const tokens = (text: string) => {
    const ids = text === '' && tokenizer.startId !== undefined ? [tokenizer.startId] : tokenizer.encode(text);
    const bad = ids.find((id) => id >= vocabSize);
    if (bad !== undefined) {
      const token = bad === END_OF_TEXT ? '<|endoftext|>' : JSON.stringify(tokenizer.token(bad));
      const what =
        text === ''
          ? `the empty prompt starts with ${token}, id ${bad}`
          : `the text has token id ${bad} (${token})`;
      throw new LxmlsCourseError(
        'UNKNOWN_TOKEN',
        `${what}, but the model's vocabulary has only ${vocabSize} tokens (ids 0 to ${vocabSize - 1}): it is not a GPT-2 vocabulary`,
        { fn: 'tokens' },
      );
    }
    return { ids, tokens: ids.map((id) => tokenizer.token(id)) };
  };
  return { ...tokenizer, tokens };
}

/** The weather task's words as ids: space-separated words, one id each. */
function weatherIds(text: string): number[] {
  const words = text.split(/\s+/).filter((word) => word !== '');
  return words.map((word) => {
    const id = WEATHER_TOKENS.indexOf(word);
    if (id === -1)
      throw new LxmlsCourseError(
        'UNKNOWN_TOKEN',
        `the model has the weather task's 8 tokens, and ${JSON.stringify(word)} is not one of them`,
        {
          fn: 'encode',
          expected: `space-separated words of ${WEATHER_TOKENS.join(' ')}`,
          received: JSON.stringify(word),
        },
      );
    return id;
  });
}
