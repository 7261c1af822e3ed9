/**
 * The pieces of masked-language-model pretraining ({@link pretrainMaskedLM} in pretrain.ts puts them together):
 * the sinusoidal position table, the softmax restricted to the WordPieces of the corpus and the calibration of
 * the output bias it leaves untrained, the held-out sentences whose attention is measured, and the Hugging Face
 * `config.json` of the model saved.
 */

import { crossEntropy, gather, linear, noGrad, reshape, type Tensor, tensor } from '@lxmls/tensor';
import type { ModelOutput, TrainableModel } from '@lxmls/trainer';
import type { BertConfig } from './config.js';
import type { BertForMaskedLM } from './mlm.js';
import type { BertTokenizer } from './tokenizer.js';

/**
 * The Transformer's sinusoidal position table `(positions, dim)`, row-major: `sin(p / 10000^(2i/dim))` in
 * column 2i and `cos(…)` in column 2i + 1, scaled so that its root mean square is `std` (that of N(0, std²)).
 *
 * @param positions - Rows.
 * @param dim - Columns (even).
 * @param std - The root mean square wanted.
 * @returns The table.
 * @example
 * ```ts
 * import { sinusoidalPositions } from '@lxmls/bert';
 * const table = sinusoidalPositions(4, 4, Math.SQRT1_2);
 * console.log(Array.from(table.subarray(4, 8), (v) => v.toFixed(3))); // → [ '0.841', '0.540', '0.010', '1.000' ]
 * ```
 */
export function sinusoidalPositions(positions: number, dim: number, std: number): Float32Array {
  const table = new Float32Array(positions * dim);
  const scale = std * Math.SQRT2;
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < dim; i += 2) {
      const angle = p / 10000 ** (i / dim);
      table[p * dim + i] = scale * Math.sin(angle);
      if (i + 1 < dim) table[p * dim + i + 1] = scale * Math.cos(angle);
    }
  }
  return table;
}

/**
 * `model` with its training loss's softmax restricted to `candidates` (sorted token ids, every target among
 * them): the encoder, the head's transform and the tied decoder as in `BertForMaskedLM.forward`, but the
 * decoder's rows and bias gathered at the candidates, `(N, K)` logits instead of `(N, V)`. The parameters are
 * the model's own: training the wrapper trains the model.
 *
 * @param model - The masked language model.
 * @param candidates - The token ids the softmax ranges over, ascending.
 * @returns A model for @lxmls/trainer's `Trainer`.
 * @example
 * ```ts
 * import { BertForMaskedLM, corpusSoftmax } from '@lxmls/bert';
 * import { tensor } from '@lxmls/tensor';
 * const mlm = new BertForMaskedLM({ vocabSize: 10, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 8 });
 * const trained = corpusSoftmax(mlm, Int32Array.from([2, 3, 5]));
 * const out = trained.forward(tensor(Int32Array.from([1, 2, 3, 5]), [1, 4], 'int32'), tensor(Int32Array.from([-1, 2, -1, 5]), [1, 4], 'int32'));
 * console.log(out.logits!.shape, out.loss!.shape); // → [ 2, 3 ] []
 * ```
 */
export function corpusSoftmax(model: BertForMaskedLM, candidates: Int32Array): TrainableModel {
  const V = model.config.vocabSize;
  const slot = new Int32Array(V).fill(-1);
  candidates.forEach((id, k) => {
    slot[id] = k;
  });
  const ids = tensor(candidates, [candidates.length], 'int32'); // (K)
  return {
    parameters: () => model.parameters(),
    namedParameters: () => model.namedParameters(),
    train: (mode?: boolean) => model.train(mode),
    configureOptimizers: (config) => model.configureOptimizers(config),
    get training() {
      return model.training;
    },
    forward(x: Tensor, y: Tensor): ModelOutput {
      const h = model.bert.forward({ inputIds: x }).lastHiddenState; // (B, T, C)
      const [B, T, C] = h.shape as [number, number, number];
      const positions: number[] = [];
      const targets: number[] = [];
      y.data().forEach((label, i) => {
        if (label >= 0) {
          positions.push(i);
          targets.push(slot[label]!);
        }
      });
      const chosen = gather(
        reshape(h, [B * T, C]),
        tensor(Int32Array.from(positions), [positions.length], 'int32'),
      ); // (N, C)
      const head = model.cls.predictions;
      const weight = gather(head.decoderWeight, ids); // (K, C)
      const bias = reshape(gather(reshape(head.bias, [V, 1]), ids), [candidates.length]); // (K)
      const logits = linear(head.transform.forward(chosen), weight, bias); // (N, K)
      const loss = crossEntropy(logits, tensor(Int32Array.from(targets), [targets.length], 'int32')); // ()
      return { loss, logits };
    },
  };
}

/**
 * Sets the output bias of the WordPieces outside `candidates` to the mean bias of those seen once in training
 * less ln 2, so that the saved full-vocabulary model gives a WordPiece never seen half the probability of one
 * seen once, as add-one counts do (1 against 2). Used with {@link corpusSoftmax}, which leaves those biases
 * untrained.
 *
 * @param model - The masked language model (its `cls.predictions.bias` is changed in place).
 * @param candidates - The token ids seen in training, ascending.
 * @param counts - How often each token id occurs in the training text, `(V)`.
 * @example
 * ```ts
 * import { BertForMaskedLM, calibrateUnseenBias } from '@lxmls/bert';
 * import { noGrad } from '@lxmls/tensor';
 * const mlm = new BertForMaskedLM({ vocabSize: 5, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 8 });
 * const bias = mlm.cls.predictions.bias;
 * noGrad(() => bias.copyFrom(Float32Array.from([0, 1, 3, 0, 0])));
 * calibrateUnseenBias(mlm, Int32Array.from([1, 2]), Int32Array.from([0, 1, 4, 0, 0])); // token 1 seen once
 * console.log(Array.from(bias.data(), (b) => b.toFixed(3))); // → [ '0.307', '1.000', '3.000', '0.307', '0.307' ]
 * ```
 */
export function calibrateUnseenBias(
  model: BertForMaskedLM,
  candidates: Int32Array,
  counts: Int32Array,
): void {
  const bias = model.cls.predictions.bias; // (V)
  const values = Float32Array.from(bias.data());
  let sum = 0;
  let n = 0;
  for (const id of candidates) {
    if (counts[id] === 1) {
      sum += values[id]!;
      n++;
    }
  }
  const unseen = (n > 0 ? sum / n : Math.min(...values)) - Math.LN2;
  const isCandidate = new Uint8Array(values.length);
  for (const id of candidates) isCandidate[id] = 1;
  for (let i = 0; i < values.length; i++) if (!isCandidate[i]) values[i] = unseen;
  noGrad(() => bias.copyFrom(values));
}

/**
 * Held-out sentences: split at . ! ? (whitespace joined), kept when 6 to `maxPieces` (default 40) WordPieces
 * long.
 *
 * @param text - The held-out text.
 * @param tokenizer - The WordPiece tokenizer.
 * @param count - At most this many sentences.
 * @param maxPieces - The longest sentence kept, in WordPieces.
 * @returns The sentences, in the text's order.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { BertTokenizer, heldOutSentences } from '@lxmls/bert';
 * import { modelUrl } from '@lxmls/models';
 * const tokenizer = BertTokenizer.fromVocab(readFileSync(new URL('vocab.txt', modelUrl('lxmls/bert-mini')), 'utf8'));
 * console.log(heldOutSentences('Go. Thou art a villain, sir!\nAy, my good lord.', tokenizer, 5)); // → [ 'Thou art a villain, sir!', 'Ay, my good lord.' ]
 * ```
 */
export function heldOutSentences(
  text: string,
  tokenizer: BertTokenizer,
  count: number,
  maxPieces = 40,
): string[] {
  const out: string[] = [];
  for (const m of text.replace(/\s+/g, ' ').matchAll(/[^.!?]+[.!?]/g)) {
    const s = m[0].trim();
    const n = tokenizer.tokenize(s).length;
    if (n >= 6 && n <= maxPieces) out.push(s);
    if (out.length >= count) break;
  }
  return out;
}

/**
 * The Hugging Face `config.json` of a BertForMaskedLM with this config (float16 weights, tied decoder).
 *
 * @param c - The configuration.
 * @returns The JSON object (snake_case keys).
 * @example
 * ```ts
 * import { bertConfig, bertConfigJson } from '@lxmls/bert';
 * const json = bertConfigJson(bertConfig({ hiddenSize: 128, numHiddenLayers: 4, numAttentionHeads: 4, intermediateSize: 512 }));
 * console.log(json.architectures, json.hidden_act, json.num_hidden_layers); // → [ 'BertForMaskedLM' ] gelu 4
 * ```
 */
export function bertConfigJson(c: Readonly<BertConfig>): Record<string, unknown> {
  return {
    architectures: ['BertForMaskedLM'],
    attention_probs_dropout_prob: c.attentionProbsDropoutProb,
    hidden_act: c.hiddenAct,
    hidden_dropout_prob: c.hiddenDropoutProb,
    hidden_size: c.hiddenSize,
    initializer_range: c.initializerRange,
    intermediate_size: c.intermediateSize,
    layer_norm_eps: c.layerNormEps,
    max_position_embeddings: c.maxPositionEmbeddings,
    model_type: 'bert',
    num_attention_heads: c.numAttentionHeads,
    num_hidden_layers: c.numHiddenLayers,
    pad_token_id: c.padTokenId,
    position_embedding_type: 'absolute',
    tie_word_embeddings: true,
    torch_dtype: 'float16',
    type_vocab_size: c.typeVocabSize,
    vocab_size: c.vocabSize,
  };
}
