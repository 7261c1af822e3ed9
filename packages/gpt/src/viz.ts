/**
 * attentionForViz for a GPT, as @lxmls/bert's for BERT: run the model on token ids with `returnAttentions`
 * (and, for bertviz's neuron view, `returnQueriesKeys`) and hand back each head's weights as one flat
 * `query × key` `Float32Array`, with the tokens: exactly what @lxmls/viz's head, model and neuron views take.
 *
 * Python (Exercise 2.4 of the notebook, with a GPT): `outputs = model(idx, output_attentions=True)`, then
 * `bertviz.head_view(outputs.attentions, tokens)`. Used by `lxmls viz` and the docs site's attention page.
 */

import { noGrad, type Tensor, tensor, tidy } from '@lxmls/tensor';
import type { GPT } from './model.js';

/** What {@link attentionForViz} returns. */
export interface GptAttentionViz {
  /** One string per position the model saw (the given tokens, cropped like the ids). */
  tokens: string[];
  /** `attention[layer][head]`: the `T × T` softmax weights of one head, row-major (query × key); causal. */
  attention: Float32Array[][];
  /** `queries[layer][head]`: `T × hs` query vectors, row-major; with `queriesKeys` only. */
  queries?: Float32Array[][];
  /** `keys[layer][head]`: `T × hs` key vectors, row-major; with `queriesKeys` only. */
  keys?: Float32Array[][];
  /** The number of ids given, when there were more than the block size and the first `blockSize` were kept. */
  croppedFrom?: number;
}

/** Options of {@link attentionForViz}. */
export interface GptAttentionForVizOptions {
  /** One string per id (e.g. the GPT-2 tokens `Ġcat`); the ids as text by default. */
  tokens?: readonly string[];
  /** Also return each head's queries and keys (the neuron view). */
  queriesKeys?: boolean;
}

/** The per-head blocks of a `(1, nh, A, B)` tensor, each an `A × B` view of one fresh copy (row-major). */
function perHead(t: Tensor): Float32Array[] {
  const [, nh, a, b] = t.shape as [number, number, number, number];
  const data = t.data() as Float32Array; // a fresh copy: it outlives the tensor
  return Array.from({ length: nh }, (_, h) => data.subarray(h * a * b, (h + 1) * a * b));
}

/**
 * Runs `model` on one sequence of ids and returns every layer's attention per head, with the tokens.
 *
 * Ids beyond the block size are cropped (the first `blockSize` kept, `croppedFrom` says how many there were).
 * The model runs in eval mode (no dropout) without gradients, whatever mode it was in (its mode is restored),
 * and every intermediate tensor is freed.
 *
 * @param model - A GPT.
 * @param ids - The token ids, each below the vocabulary size.
 * @param options - `tokens` (one string per id), `queriesKeys`.
 * @returns `{ tokens, attention }` (and `queries`, `keys`, `croppedFrom`).
 * @example
 * ```ts
 * import { attentionForViz, GPT } from '@lxmls/gpt';
 * const config = GPT.getDefaultConfig();
 * config.modelType = 'gpt-nano';
 * config.vocabSize = 8;
 * config.blockSize = 4;
 * const model = new GPT(config, { init: 'lcg' });
 * const { tokens, attention, croppedFrom } = attentionForViz(model, [1, 2, 3, 4, 5], { tokens: ['a', 'b', 'c', 'd', 'e'] });
 * console.log(tokens, attention.length, attention[0]!.length, attention[0]![0]!.length, croppedFrom); // → [ 'a', 'b', 'c', 'd' ] 3 3 16 5
 * console.log(Array.from(attention[0]![0]!.subarray(0, 4))); // → [ 1, 0, 0, 0 ]
 * model.dispose();
 * ```
 */
export function attentionForViz(
  model: GPT,
  ids: readonly number[],
  options: GptAttentionForVizOptions = {},
): GptAttentionViz {
  const kept = ids.slice(0, model.blockSize); // the model takes at most blockSize positions
  const names = options.tokens ?? ids.map(String);
  const queriesKeys = options.queriesKeys === true;
  const wasTraining = model.training;
  model.eval();
  try {
    const result = tidy(() =>
      noGrad(() => {
        const idx = tensor(Int32Array.from(kept), [1, kept.length], 'int32'); // (1, T)
        const out = model.forward(idx, null, { returnAttentions: true, returnQueriesKeys: queriesKeys });
        return {
          attention: out.attentions!.map(perHead), // per layer: nh × (T × T)
          ...(queriesKeys ? { queries: out.queries!.map(perHead), keys: out.keys!.map(perHead) } : {}), // nh × (T × hs)
        };
      }),
    );
    return {
      tokens: names.slice(0, kept.length),
      ...result,
      ...(ids.length > kept.length ? { croppedFrom: ids.length } : {}),
    };
  } finally {
    if (wasTraining) model.train();
  }
}
