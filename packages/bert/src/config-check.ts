/**
 * A BERT's `config.json` checked against its `model.safetensors` header before any tensor is allocated
 * (issue 17, "validate before allocating, in every loader, BERT like GPT"): the sizes of the config (the
 * vocabulary, the width, the positions, the token types, the feed-forward width, the number of layers) must
 * be those of the weights. A config that says `hidden_size` 60000 or `num_hidden_layers` 10000 over a small
 * checkpoint is then one clear error naming the field, at once, instead of minutes and gigabytes spent
 * building a model the weights cannot fill. Reading the header costs nothing: the tensors are not decoded.
 */

import { readSafetensorsHeader } from '@lxmls/nn';
import type { BertConfig } from './config.js';
import { LxmlsBertError } from './errors.js';

/** The checkpoint tensors whose shapes give the config's sizes, and the fields each one fixes. */
const SIZED: readonly [key: string, fields: readonly [keyof BertConfig, keyof BertConfig], names: string][] =
  [
    ['embeddings.word_embeddings.weight', ['vocabSize', 'hiddenSize'], 'vocab_size, hidden_size'],
    [
      'embeddings.position_embeddings.weight',
      ['maxPositionEmbeddings', 'hiddenSize'],
      'max_position_embeddings, hidden_size',
    ],
    [
      'embeddings.token_type_embeddings.weight',
      ['typeVocabSize', 'hiddenSize'],
      'type_vocab_size, hidden_size',
    ],
    [
      'encoder.layer.0.intermediate.dense.weight',
      ['intermediateSize', 'hiddenSize'],
      'intermediate_size, hidden_size',
    ],
  ];

/**
 * Checks a BERT config against the header of its `model.safetensors` (with or without the `bert.` prefix),
 * before the model is built: every size of the config must match the weights. A tensor the header lacks is
 * not checked here (loading reports it as `MISSING_KEY`).
 *
 * @param config - The config, from `config.json`.
 * @param weights - The bytes of `model.safetensors` (only the header is read).
 * @param where - The files, for the message (`<folder>/config.json`).
 * @param fn - The public function to name.
 * @throws {@link LxmlsBertError} `INVALID_CONFIG` naming the field, its value, and the tensor that disagrees.
 *   A header that does not parse throws @lxmls/nn's `INVALID_SAFETENSORS`.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { bertConfigFromJson, checkBertConfigAgainstWeights } from '@lxmls/bert';
 * import { modelUrl } from '@lxmls/models';
 * const dir = modelUrl('lxmls/bert-mini');
 * const json = JSON.parse(readFileSync(new URL('config.json', dir), 'utf8'));
 * const weights = readFileSync(new URL('model.safetensors', dir));
 * try {
 *   checkBertConfigAgainstWeights(bertConfigFromJson({ ...json, hidden_size: 60000, num_attention_heads: 4 }), weights, 'bert-mini');
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // → [@lxmls/bert] loadBert: config.json does not fit model.safetensors. Expected hidden_size 128, as embeddings.word_embeddings.weight is [30522, 128] in bert-mini, received hidden_size 60000.
 * }
 * ```
 */
export function checkBertConfigAgainstWeights(
  config: Readonly<BertConfig>,
  weights: Uint8Array,
  where: string,
  fn = 'loadBert',
): void {
  const shapes = new Map<string, readonly number[]>();
  for (const entry of readSafetensorsHeader(weights).entries)
    shapes.set(entry.name.startsWith('bert.') ? entry.name.slice('bert.'.length) : entry.name, entry.shape);
  const misfit = (field: string, value: number, wanted: number, because: string) =>
    new LxmlsBertError('INVALID_CONFIG', 'config.json does not fit model.safetensors', {
      fn,
      argument: field,
      expected: `${field} ${wanted}, as ${because} in ${where}`,
      received: `${field} ${value}`,
    });
  for (const [key, fields, names] of SIZED) {
    const shape = shapes.get(key);
    if (shape === undefined || shape.length !== 2) continue;
    for (let axis = 0; axis < 2; axis++) {
      const value = config[fields[axis]!] as number;
      if (value !== shape[axis]) {
        const field = names.split(', ')[axis]!;
        throw misfit(field, value, shape[axis]!, `${key} is ${JSON.stringify(shape).replace(/,/g, ', ')}`);
      }
    }
  }
  let layers = 0;
  for (const name of shapes.keys()) {
    const match = /^encoder\.layer\.(\d+)\./.exec(name);
    if (match) layers = Math.max(layers, Number(match[1]) + 1);
  }
  if (layers > 0 && layers !== config.numHiddenLayers) {
    throw misfit(
      'num_hidden_layers',
      config.numHiddenLayers,
      layers,
      `the weights hold encoder.layer.0 to encoder.layer.${layers - 1}`,
    );
  }
}
