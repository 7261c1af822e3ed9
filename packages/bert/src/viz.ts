/**
 * attentionForViz: the cell of Exercise 2.4 in one call — tokenize, run BERT with `outputAttentions`, and hand
 * back plain arrays `attention[layer][head][query][key]` with the tokens (with `[CLS]`/`[SEP]`, as bertviz shows
 * them), which is exactly what @lxmls/viz's `headView` and `modelView` take.
 *
 * Python (the notebook): `outputs = model(inputs, attention_mask=…, output_attentions=True)`, then
 * `bertviz.head_view(outputs.attentions, tokens)`.
 */

import { noGrad, tidy } from '@lxmls/tensor';
import { expectString } from './errors.js';
import type { BertModel } from './model.js';
import type { BertTokenizer } from './tokenizer.js';

/** What {@link attentionForViz} returns: the data of @lxmls/viz's head and model views. */
export interface BertAttentionViz {
  /** The tokens, `[CLS]` … `[SEP]` (… `[SEP]` for a pair; no specials with `addSpecialTokens: false`). */
  tokens: string[];
  /** `attention[layer][head][query][key]`: softmax weights, each row sums to 1. */
  attention: number[][][][];
  /** The index of the first token of the second sentence (bertviz's `sentence_b_start`), or null. */
  sentenceBStart: number | null;
}

/** Options of {@link attentionForViz}. */
export interface AttentionForVizOptions {
  /** A second sentence: the input becomes `[CLS] text [SEP] pair [SEP]` with token types 0/1. */
  pair?: string;
  /**
   * Add `[CLS]`/`[SEP]` (default true). The course notebook feeds `tokenize(text)` alone (13 WordPieces for its
   * sentence): pass false to reproduce it exactly.
   */
  addSpecialTokens?: boolean;
}

/**
 * Runs `model` on `text` (and `pair`) and returns every layer's attention as plain arrays, with the tokens.
 *
 * The model runs in eval mode (no dropout) without gradients, whatever mode it was in (its mode is restored),
 * and every intermediate tensor is freed.
 *
 * @param model - A BERT, e.g. from `BertModel.fromSafetensors` or `loadBertFolder`.
 * @param tokenizer - Its tokenizer.
 * @param text - The sentence.
 * @param options - `pair`, `addSpecialTokens` (default true).
 * @returns `{ tokens, attention, sentenceBStart }`.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { attentionForViz, BertModel, BertTokenizer } from '@lxmls/bert';
 * const dir = 'packages/bert/src/__fixtures__/tiny-bert';
 * const model = BertModel.fromSafetensors(readFileSync(`${dir}/config.json`, 'utf8'), readFileSync(`${dir}/model.safetensors`));
 * const tokenizer = BertTokenizer.fromVocab(readFileSync(`${dir}/vocab.txt`, 'utf8'));
 * const { tokens, attention } = attentionForViz(model, tokenizer, 'I will go for a run and will jump into a lake.');
 * console.log(tokens.length, attention.length, attention[0]!.length, attention[0]![0]!.length); // → 15 3 3 15
 * console.log(attention[0]![0]![0]!.reduce((a, b) => a + b).toFixed(4)); // → 1.0000
 * const notebook = attentionForViz(model, tokenizer, 'I will go for a run and will jump into a lake.', { addSpecialTokens: false });
 * console.log(notebook.tokens.length, notebook.attention[0]![0]!.length); // → 13 13
 * ```
 */
export function attentionForViz(
  model: BertModel,
  tokenizer: BertTokenizer,
  text: string,
  options: AttentionForVizOptions = {},
): BertAttentionViz {
  expectString(text, 'attentionForViz');
  const { pair, addSpecialTokens = true } = options;
  if (pair !== undefined) expectString(pair, 'attentionForViz', 'pair');
  const enc = tokenizer.encode(text, pair === undefined ? { addSpecialTokens } : { pair, addSpecialTokens });
  const wasTraining = model.training;
  model.eval();
  try {
    const attention = tidy(() =>
      noGrad(() => {
        const out = model.forward({
          inputIds: [enc.ids],
          tokenTypeIds: [enc.tokenTypeIds],
          attentionMask: [enc.attentionMask],
          outputAttentions: true,
        });
        return out.attentions!.map((a) => (a.toArray() as number[][][][])[0]!); // per layer: (nh, T, T)
      }),
    );
    const sentenceBStart = pair === undefined ? null : enc.tokenTypeIds.indexOf(1);
    return { tokens: enc.tokens, attention, sentenceBStart: sentenceBStart === -1 ? null : sentenceBStart };
  } finally {
    if (wasTraining) model.train();
  }
}
