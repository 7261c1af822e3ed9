/**
 * What `lxmls viz` draws, from a model: the tokens of a text and every layer's attention weights (and, for the
 * neuron view, its queries and keys), as flat `Float32Array`s per head, the plain data @lxmls/viz takes.
 *
 * Two kinds of model: a GPT (any source `lxmls generate` takes, read by `loadModel`) sees the tokens of the
 * tokenizer that travels with it, as `lxmls generate` reads them (`modelTokenizer`: its folder's
 * tokenizer.json, the weather task's words for 8 tokens, else GPT-2's BPE); a BERT folder (its config.json says `"model_type": "bert"`) sees its WordPieces,
 * between `[CLS]` and `[SEP]` unless asked otherwise, as Exercise 2.4 of the notebook feeds `bert-base-uncased`.
 */

import { fileURLToPath } from 'node:url';
import {
  type BertAttentionViz,
  attentionForViz as bertAttentionForViz,
  isBertFolder,
  type LoadedBert,
  LxmlsBertError,
  loadBertFolder,
} from '@lxmls/bert';
import type { ModelTokenizer } from '@lxmls/course';
import { attentionForViz, type GPT, type GptAttentionViz } from '@lxmls/gpt';
import { MODELS, modelUrl } from '@lxmls/models';
import { CliError } from './errors.js';
import { asCliError, loadModel } from './load-model.js';
import { modelTokenizer } from './text-tokenizer.js';

/** A loaded model of either kind. */
export type VizModel =
  | { kind: 'gpt'; gpt: GPT; tokenizer: ModelTokenizer }
  | { kind: 'bert'; bert: LoadedBert };

/**
 * What {@link modelAttention} returns: @lxmls/gpt's or @lxmls/bert's `attentionForViz` data, which @lxmls/viz's
 * head, model and neuron views take as they are: the tokens the model saw (`Ġcat`, `##ing`, `[CLS]`),
 * `attention[layer][head]` (query × key), the neuron view's `queries` and `keys` when asked for, and
 * `croppedFrom` when the text was longer than the model takes.
 */
export type ModelAttention = GptAttentionViz | Omit<BertAttentionViz, 'sentenceBStart'>;

/** Options of {@link modelAttention}. */
export interface ModelAttentionOptions {
  /** BERT only: add `[CLS]` and `[SEP]` (default true). */
  specialTokens?: boolean;
  /** Also return the queries and keys (the neuron view). */
  queriesKeys?: boolean;
}

/**
 * The model `lxmls viz` draws when `--model` is not given: @lxmls/models' small BERT, pretrained here with
 * masked-language modelling (Exercise 2.4 of the notebook, offline).
 *
 * @example
 * ```ts
 * import { DEFAULT_VIZ_MODEL } from './viz-model.js';
 * console.log(DEFAULT_VIZ_MODEL); // → lxmls/bert-mini
 * ```
 */
export const DEFAULT_VIZ_MODEL = 'lxmls/bert-mini';

/**
 * The folder of a BERT shipped in @lxmls/models (its `MODELS` entry with architecture `bert`), from its name
 * (`lxmls/bert-mini`), or null for any other source.
 *
 * @param source - The `--model` value.
 * @returns The folder's path, or null.
 * @example
 * ```ts
 * import { bundledBertFolder } from './viz-model.js';
 * console.log(bundledBertFolder('lxmls/bert-mini')?.endsWith('/models/bert-mini/'), bundledBertFolder('gpt2')); // → true null
 * ```
 */
export function bundledBertFolder(source: string): string | null {
  const model = MODELS.find((m) => m.name === source && m.architecture === 'bert');
  return model === undefined ? null : fileURLToPath(modelUrl(model.name));
}

/**
 * Loads `--model`: `lxmls/bert-mini` (the BERT of @lxmls/models) or a BERT folder with `loadBertFolder`, anything else as a GPT-2 checkpoint (folder, URL or
 * hub id, downloaded once). Both in eval mode.
 *
 * @param source - The `--model` value.
 * @param stderr - Where download progress goes (only when it is a terminal).
 * @param options - `refresh`: fetch a hub model's files again even when cached (`--refresh`).
 * @returns The model.
 * @throws {@link CliError} for a source that cannot be read, with the loader's message.
 */
export async function loadVizModel(
  source: string,
  stderr: NodeJS.WritableStream,
  options: { refresh?: boolean } = {},
): Promise<VizModel> {
  const bundled = bundledBertFolder(source);
  if (bundled !== null) {
    try {
      return { kind: 'bert', bert: await loadBertFolder(bundled) };
    } catch (error) {
      throw new CliError(
        `${source} (the BERT of @lxmls/models) cannot be read from ${bundled}: ${(error as Error).message}`,
      );
    }
  }
  if (await isBertFolder(source)) {
    try {
      return { kind: 'bert', bert: await loadBertFolder(source) };
    } catch (error) {
      throw LxmlsBertError.isInstance(error) ? new CliError(error.message) : asCliError(error, source);
    }
  }
  if (/^(google-bert\/)?bert-/i.test(source))
    throw new CliError(
      `${JSON.stringify(source)} is not a folder: a BERT is read from a local folder in Hugging Face's layout (config.json, model.safetensors, vocab.txt); download it first and pass the folder, or use ${DEFAULT_VIZ_MODEL}, the small BERT that comes with lxmls (the default)`,
    );
  const gpt = await loadModel(source, stderr, options);
  try {
    return { kind: 'gpt', gpt, tokenizer: await modelTokenizer(source, gpt.config.vocabSize) };
  } catch (error) {
    gpt.dispose();
    throw error;
  }
}

/**
 * The number of layers and heads of a model.
 *
 * @param model - The model.
 * @returns `{ layers, heads }`.
 */
export function modelSize(model: VizModel): { layers: number; heads: number } {
  if (model.kind === 'gpt') return { layers: model.gpt.config.nLayer, heads: model.gpt.config.nHead };
  const { numHiddenLayers, numAttentionHeads } = model.bert.config;
  return { layers: numHiddenLayers, heads: numAttentionHeads };
}

/** Frees the model's weights. */
export function disposeVizModel(model: VizModel): void {
  if (model.kind === 'gpt') model.gpt.dispose();
  else model.bert.model.dispose();
}

/**
 * Runs the model on `text` and returns its tokens and every layer's attention (and queries and keys).
 * A text longer than the model takes (GPT: the block size; BERT: `max_position_embeddings`) is cropped to its
 * first tokens (BERT keeps its closing `[SEP]`), and `croppedFrom` says how many there were.
 *
 * @param model - The model.
 * @param text - The text, not empty.
 * @param options - `specialTokens` (BERT), `queriesKeys`.
 * @returns The tokens and the weights.
 * @throws `LxmlsCourseError` `UNKNOWN_TOKEN` for a token a GPT's vocabulary does not have (@lxmls/course's
 *   `modelTokenizer`).
 */
export function modelAttention(
  model: VizModel,
  text: string,
  options: ModelAttentionOptions = {},
): ModelAttention {
  return model.kind === 'gpt'
    ? gptAttention(model.gpt, model.tokenizer, text, options)
    : bertAttention(model.bert, text, options);
}

function gptAttention(
  model: GPT,
  tokenizer: ModelTokenizer,
  text: string,
  options: ModelAttentionOptions,
): ModelAttention {
  const { ids, tokens } = tokenizer.tokens(text);
  return attentionForViz(model, ids, { tokens, queriesKeys: options.queriesKeys === true });
}

function bertAttention(loaded: LoadedBert, text: string, options: ModelAttentionOptions): ModelAttention {
  const { sentenceBStart: _, ...data } = bertAttentionForViz(loaded.model, loaded.tokenizer, text, {
    addSpecialTokens: options.specialTokens !== false,
    queriesKeys: options.queriesKeys === true,
  });
  return data;
}
