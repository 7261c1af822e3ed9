/**
 * `lxmls train text --compact-vocab`: a GPT trained on a text over the ids the text uses (plus one shared row
 * for all the others, its logit offset by log(absent count): the loss is the full model's) with its output
 * layer tied to its token embedding, then widened to the tokenizer's whole vocabulary (GPT-2's 50,257 ids), so
 * it saves as an ordinary Hugging Face GPT-2 checkpoint. The recipe is {@link trainText}'s: random windows of
 * the first 90% of the text, the loss of the last 10%, AdamW with warmup and cosine decay.
 */

import type { TextTokenizer } from '@lxmls/bpe';
import { CompactVocabGPT, compactVocabulary, GPT, type GPTConfig } from '@lxmls/gpt';
import type { Trainer } from '@lxmls/trainer';
import { type TrainTextOptions, trainWindows } from './text.js';

/** What {@link trainTextCompact} receives: {@link TrainTextOptions}, the callback typed for the compact model. */
export interface TrainTextCompactOptions extends Omit<TrainTextOptions, 'onBatchEnd'> {
  /** Called after every iteration. */
  onBatchEnd?: (trainer: Trainer<CompactVocabGPT>) => void | Promise<void>;
}

/** What {@link trainTextCompact} returns. */
export interface TrainedTextCompact {
  /** The full-vocabulary model (tied, evaluation mode); dispose it. */
  model: GPT;
  /** The trainer after its run (its model is the compact one, already disposed). */
  trainer: Trainer<CompactVocabGPT>;
  /** Wall-clock seconds of the training run. */
  seconds: number;
  /** The mean loss on 100 batches of validation windows (the last 10% of the text), seed 1: nats per token. */
  valLoss: number;
  /** How many of the tokenizer's ids the text uses (the compact model has one row more). */
  keptIds: number;
}

/**
 * Trains a GPT over the compact vocabulary of a tokenized text (dropout 0.1, the fused GPT-2 attention
 * layout, tied embeddings) and widens it to the tokenizer's vocabulary.
 *
 * @param ids - The whole text's tokens, full ids (at least `2 * (blockSize + 1)`).
 * @param tokenizer - Its tokenizer (its `vocabSize` is the saved model's).
 * @param options - As {@link trainText}.
 * @returns The full model, the trainer, the time, the validation loss and the number of kept ids.
 * @example
 * ```ts
 * import { getEncoder, textTokenizerFromEncoder } from '@lxmls/bpe';
 * import { trainTextCompact } from '@lxmls/course';
 * const tok = textTokenizerFromEncoder(getEncoder());
 * const ids = Int32Array.from(tok.encode('To be, or not to be: that is the question.\n'.repeat(20)));
 * const model = { modelType: null, nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 8 };
 * const run = await trainTextCompact(ids, tok, { model, iters: 3, batchSize: 2, learningRate: 1e-2, seed: 0 });
 * console.log(run.keptIds, run.model.config.vocabSize, run.trainer.iterNum, Number.isFinite(run.valLoss)); // → 13 50257 3 true
 * run.model.dispose();
 * ```
 */
export async function trainTextCompact(
  ids: Int32Array,
  tokenizer: TextTokenizer,
  options: TrainTextCompactOptions,
): Promise<TrainedTextCompact> {
  const vocab = compactVocabulary(ids, tokenizer.vocabSize);
  const config: GPTConfig = { ...GPT.getDefaultConfig(), ...options.model, pretrained: true };
  const run = await trainWindows(vocab.toCompact(ids), options, () => new CompactVocabGPT(config, vocab));
  try {
    const full = run.model.toFullGPT();
    return { ...run, model: full, keptIds: vocab.keep.length };
  } finally {
    run.model.dispose();
  }
}
