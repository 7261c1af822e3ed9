/**
 * CompactVocabGPT: a GPT trained over a compact vocabulary (the ids a text uses, plus one row for all the
 * others; see {@link compactVocabulary}) with its output layer tied to its token embedding (`lm_head.weight`
 * is `transformer.wte.weight`, as in GPT-2), and widened to the full vocabulary when it is done
 * ({@link CompactVocabGPT.toFullGPT}), so it is saved as an ordinary GPT-2 checkpoint.
 *
 * Why: a full-vocabulary softmax costs about 6·V·C FLOPs per token in training (GPT-2: V = 50,257), most of it
 * spent on ids the text never uses. The absent row's logit is raised by `log(absentCount)`, so the loss is
 * exactly the full model's (the absent ids tied to one row). Implements the trainer's model contract
 * (`forward(x, y)`, `parameters`, `configureOptimizers`, ...).
 */

import { type Embedding, Linear, type ParamGroup } from '@lxmls/nn';
import { add, crossEntropy, type Tensor, tensor } from '@lxmls/tensor';
import { type CompactVocabulary, expandCompactVocabulary } from './checkpoint/compact-vocab.js';
import type { GPTConfig } from './config.js';
import { GPT, type GPTOptions } from './model.js';

/** The name of the lm head's weight, which the compact model does not train (it computes with `wte`'s). */
const HEAD = 'lm_head.weight';

/**
 * Makes a GPT's output layer compute with its token embedding's tensor: the head's `weight` property is
 * pointed at `transformer.wte.weight` (its registered own weight stays, unused, and is left out by
 * {@link CompactVocabGPT}'s parameters and state dict).
 */
function tieHead(gpt: GPT): void {
  const wte = (gpt.transformer.get('wte') as Embedding).weight; // (V, C)
  Object.defineProperty(gpt.lmHead, 'weight', {
    value: wte,
    enumerable: true,
    configurable: true,
    writable: false,
  });
}

/**
 * A GPT over a compact vocabulary, tied embeddings, the absent row's logit offset by `log(absentCount)`.
 *
 * @example
 * ```ts
 * import { CompactVocabGPT, GPT, compactVocabulary } from '@lxmls/gpt';
 * import { manualSeed, tensor } from '@lxmls/tensor';
 * manualSeed(0);
 * const vocab = compactVocabulary([5, 7, 9, 7], 50257); // 3 kept ids and the absent row
 * const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', blockSize: 4 };
 * const model = new CompactVocabGPT(config, vocab);
 * const x = tensor(vocab.toCompact([5, 7, 9]), [1, 3], 'int32');
 * const { logits, loss } = model.forward(x, x);
 * console.log(logits.shape, loss!.item() > 0); // → [ 1, 3, 4 ] true
 * const full = model.toFullGPT();
 * console.log(full.config.vocabSize, full.lmHead.weight.shape); // → 50257 [ 50257, 48 ]
 * full.dispose();
 * model.dispose();
 * ```
 */
export class CompactVocabGPT {
  /** The compact model: `vocabSize` is `vocab.absentId + 1`, `lm_head` tied to `wte`. */
  readonly gpt: GPT;
  /** The compact vocabulary. */
  readonly vocab: CompactVocabulary;
  readonly #offset: Tensor;

  /**
   * @param config - A GPT config (its `vocabSize` is replaced by the compact one).
   * @param vocab - The compact vocabulary.
   * @param options - The GPT's options (initialisation, generator, attention).
   */
  constructor(config: GPTConfig, vocab: CompactVocabulary, options: GPTOptions = {}) {
    this.vocab = vocab;
    this.gpt = new GPT({ ...config, vocabSize: vocab.absentId + 1 }, options);
    tieHead(this.gpt);
    this.#offset = tensor(vocab.logitOffset, [vocab.absentId + 1]); // (K + 1)
  }

  /** True in training mode. */
  get training(): boolean {
    return this.gpt.training;
  }

  /**
   * Training or evaluation mode.
   *
   * @param mode - True (default) for training.
   * @returns This.
   */
  train(mode = true): this {
    this.gpt.train(mode);
    return this;
  }

  /** @returns Every trainable tensor (the tied matrix once). */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** @returns Every trainable tensor with its name (the tied matrix as `transformer.wte.weight`). */
  namedParameters(): [string, Tensor][] {
    return this.gpt.namedParameters().filter(([name]) => name !== HEAD);
  }

  /** @returns The compact model's state dict; `lm_head.weight` is the `transformer.wte.weight` tensor. */
  stateDict(): Map<string, Tensor> {
    const state = this.gpt.stateDict();
    state.set(HEAD, this.gpt.lmHead.weight);
    return state;
  }

  /**
   * Loads a compact state dict in place (its `lm_head.weight` is ignored: the head is `wte`).
   *
   * @param state - As {@link CompactVocabGPT.stateDict} gives.
   * @param options - `strict` (default true).
   * @returns What the GPT's `loadStateDict` returns.
   */
  loadStateDict(state: ReadonlyMap<string, Tensor>, options?: { strict?: boolean }): unknown {
    const wte = state.get('transformer.wte.weight');
    const copy = new Map(state);
    if (wte) copy.set(HEAD, wte);
    return this.gpt.loadStateDict(copy, options);
  }

  /**
   * Two AdamW groups, as the course GPT's: the Linear weights (but the tied head) with `weightDecay`; biases,
   * LayerNorm and the embeddings (the tied matrix among them) without.
   *
   * @param trainConfig - `weightDecay`.
   * @returns `[decay, noDecay]`, each sorted by name.
   */
  configureOptimizers(trainConfig: { weightDecay: number }): ParamGroup[] {
    const linear = new Set<Tensor>();
    for (const [, m] of this.gpt.namedModules()) {
      if (m instanceof Linear && m !== this.gpt.lmHead) linear.add(m.weight);
    }
    const named = [...this.namedParameters()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const group = (decay: boolean, weightDecay: number): ParamGroup => {
      const chosen = named.filter(([, p]) => linear.has(p) === decay);
      return { names: chosen.map(([n]) => n), params: chosen.map(([, p]) => p), weightDecay };
    };
    return [group(true, trainConfig.weightDecay), group(false, 0)];
  }

  /**
   * The forward pass over compact ids: the GPT's logits plus the absent row's offset, and the mean
   * cross-entropy over targets ≠ -1 (the full model's loss).
   *
   * @param idx - Compact ids, int32 `(B, T)`.
   * @param targets - Compact ids `(B, T)`, or null.
   * @returns `{ logits (B, T, K + 1), loss }`.
   */
  forward(idx: Tensor, targets: Tensor | null = null): { logits: Tensor; loss: Tensor | null } {
    const { logits: raw } = this.gpt.forward(idx); // (B, T, K + 1)
    const logits = add(raw, this.#offset); // (B, T, K + 1); raw stays alive: the backward pass goes through it
    const loss = targets ? crossEntropy(logits, targets, { ignoreIndex: -1 }) : null; // ()
    return { logits, loss };
  }

  /**
   * The full-vocabulary GPT: a new model (evaluation mode) whose `wte` and `lm_head` rows (equal bitwise) are
   * the compact ones at the kept ids and the absent row everywhere else ({@link expandCompactVocabulary}); its
   * softmax equals this model's with the offset. `GPT.save` writes it tied (one matrix, `tie_word_embeddings`).
   *
   * @param options - The new GPT's options (e.g. `attention`).
   * @returns The GPT (dispose it).
   */
  toFullGPT(options: GPTOptions = {}): GPT {
    const sizes = { modelType: null, vocabSize: this.vocab.vocabSize }; // the resolved config gives the sizes
    const full = new GPT({ ...this.gpt.config, ...sizes }, { init: 'none', ...options });
    const state = this.stateDict();
    const widened = expandCompactVocabulary(state, this.vocab);
    try {
      full.loadStateDict(widened);
    } finally {
      for (const [name, t] of widened) if (state.get(name) !== t) t.dispose();
    }
    full.eval();
    return full;
  }

  /** Frees the model's tensors. */
  dispose(): void {
    this.gpt.dispose();
    this.#offset.dispose();
  }
}
