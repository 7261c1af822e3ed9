/**
 * attentionForViz: the cell of Exercise 2.4 in one call — tokenize, run BERT with `outputAttentions`, and hand
 * back plain arrays `attention[layer][head][query][key]` with the tokens (with `[CLS]`/`[SEP]`, as bertviz shows
 * them), which is exactly what @lxmls/viz's `headView` and `modelView` take; with `queriesKeys`, also each head's
 * queries and keys (the neuron view). A text longer than the model takes is cropped to its first tokens.
 *
 * Python (the notebook): `outputs = model(inputs, attention_mask=…, output_attentions=True)`, then
 * `bertviz.head_view(outputs.attentions, tokens)`.
 */

import { noGrad, permute, reshape, type Tensor, tidy } from '@lxmls/tensor';
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
  /** `queries[layer][head][token]`: the `hs` query vector of each token; with `queriesKeys` only. */
  queries?: number[][][][];
  /** `keys[layer][head][token]`: the `hs` key vector of each token; with `queriesKeys` only. */
  keys?: number[][][][];
  /**
   * The number of tokens of the whole text, when there were more than `max_position_embeddings` and the first
   * ones were kept (with the closing `[SEP]`).
   */
  croppedFrom?: number;
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
  /** Also return each head's queries and keys (its own projections of the layer's input), for the neuron view. */
  queriesKeys?: boolean;
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
 * @param options - `pair`, `addSpecialTokens` (default true), `queriesKeys`.
 * @returns `{ tokens, attention, sentenceBStart }`, and `queries`, `keys`, `croppedFrom` when they apply.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { fileURLToPath } from 'node:url';
 * import { attentionForViz, BertModel, BertTokenizer } from '@lxmls/bert';
 * import { modelUrl } from '@lxmls/models';
 * const dir = fileURLToPath(modelUrl('lxmls/bert-mini'));
 * const model = BertModel.fromSafetensors(readFileSync(`${dir}/config.json`, 'utf8'), readFileSync(`${dir}/model.safetensors`));
 * const tokenizer = BertTokenizer.fromVocab(readFileSync(`${dir}/vocab.txt`, 'utf8'));
 * const { tokens, attention } = attentionForViz(model, tokenizer, 'I will go for a run and will jump into a lake.');
 * console.log(tokens.length, attention.length, attention[0]!.length, attention[0]![0]!.length); // → 15 4 4 15
 * console.log(attention[0]![0]![0]!.reduce((a, b) => a + b).toFixed(4)); // → 1.0000
 * const notebook = attentionForViz(model, tokenizer, 'I will go for a run and will jump into a lake.', { addSpecialTokens: false });
 * console.log(notebook.tokens.length, notebook.attention[0]![0]!.length); // → 13 13
 * const { queries, keys } = attentionForViz(model, tokenizer, 'A lake.', { queriesKeys: true });
 * console.log(queries!.length, queries![0]!.length, queries![0]![0]!.length, keys![0]![0]![0]!.length); // → 4 4 5 32
 * ```
 */
export function attentionForViz(
  model: BertModel,
  tokenizer: BertTokenizer,
  text: string,
  options: AttentionForVizOptions = {},
): BertAttentionViz {
  expectString(text, 'attentionForViz');
  const { pair, addSpecialTokens = true, queriesKeys = false } = options;
  if (pair !== undefined) expectString(pair, 'attentionForViz', 'pair');
  const enc = tokenizer.encode(text, pair === undefined ? { addSpecialTokens } : { pair, addSpecialTokens });
  // a text too long for the position embeddings keeps its first tokens and its closing [SEP], as Hugging Face's truncation
  const max = model.config.maxPositionEmbeddings;
  const keep = addSpecialTokens ? max - 1 : max;
  const crop = <T>(xs: T[]): T[] =>
    xs.length <= max ? xs : [...xs.slice(0, keep), ...(addSpecialTokens ? xs.slice(-1) : [])];
  const [ids, tokens, tokenTypeIds] = [crop(enc.ids), crop(enc.tokens), crop(enc.tokenTypeIds)];
  const { numAttentionHeads: nh, hiddenSize } = model.config;
  const T = ids.length;
  const wasTraining = model.training;
  model.eval();
  try {
    const result = tidy(() =>
      noGrad(() => {
        const out = model.forward({
          inputIds: [ids],
          tokenTypeIds: [tokenTypeIds],
          attentionMask: [ids.map(() => 1)],
          outputAttentions: true,
          outputHiddenStates: queriesKeys,
        });
        const perHead = (a: Tensor) => (a.toArray() as number[][][][])[0]!; // (nh, A, B)
        const attention = out.attentions!.map(perHead); // per layer: (nh, T, T)
        if (!queriesKeys) return { attention };
        // BertSelfAttention's own projections of each layer's input (hidden state l), split into heads
        const heads = (x: Tensor) => permute(reshape(x, [1, T, nh, hiddenSize / nh]), [0, 2, 1, 3]); // (1, nh, T, hs)
        const layers = [...model.encoder.layer];
        const project = (pick: (l: (typeof layers)[number]) => { forward(x: Tensor): Tensor }) =>
          layers.map((layer, l) => perHead(heads(pick(layer).forward(out.hiddenStates![l]!)))); // (nh, T, hs)
        return {
          attention,
          queries: project((layer) => layer.attention.self.query),
          keys: project((layer) => layer.attention.self.key),
        };
      }),
    );
    const sentenceBStart = pair === undefined ? null : tokenTypeIds.indexOf(1);
    return {
      tokens,
      ...result,
      sentenceBStart: sentenceBStart === -1 ? null : sentenceBStart,
      ...(enc.ids.length > T ? { croppedFrom: enc.ids.length } : {}),
    };
  } finally {
    if (wasTraining) model.train();
  }
}
