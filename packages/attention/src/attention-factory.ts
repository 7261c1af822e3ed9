/**
 * The contract between a GPT block and its attention module: what a class (or a factory) must be for the
 * GPT to build, train and run with it. The course's own {@link CausalSelfAttention} meets it, and so does a
 * student's solution of Exercise 2.2, whose `forward(x)` returns a plain tensor as in the notebook
 * (`output = self.resid_dropout(self.output_proj(attended_values))`).
 *
 * A module returns either the attended output `(B, T, C)` or an {@link AttentionOutput}
 * (`{ output, weights }`); {@link toAttentionOutput} turns both into the latter for the block. A module that
 * keeps a KV cache says so with `supportsKVCache: true`; the GPT recomputes the context for any other.
 */

import { Module } from '@lxmls/nn';
import { Tensor } from '@lxmls/tensor';
import type { AttentionModuleOptions, CausalForwardOptions, CausalSelfAttentionConfig } from './config.js';
import { check, LxmlsAttentionError } from './errors.js';
import type { AttentionOutput } from './scaled-dot-product.js';

/** An attention module a GPT block can use: a {@link Module} whose `forward` maps `(B, T, C)` to `(B, T, C)`. */
export interface AttentionModule extends Module {
  /**
   * True when `forward` honours `options.cache` (appends the new keys and values to the layer's
   * {@link KVCache} and attends over past + new positions), as the course's modules do. Absent or false (a
   * student's module): the GPT generates by running the whole context again at each step, which gives the
   * same tokens, only more slowly.
   */
  readonly supportsKVCache?: boolean;
  /**
   * @param x - The block's normalised residual stream `(B, T, C)`.
   * @param options - `cache`, `returnWeights`, `returnQueriesKeys`: a module without `supportsKVCache` may
   *   ignore them (a student's module does); the GPT then never passes it a cache, and asking the GPT for the
   *   attention weights (or queries and keys) of such a module throws an error that says what to return.
   */
  forward(x: Tensor, options?: CausalForwardOptions): Tensor | AttentionOutput;
}

/** A class of attention modules, constructed as `new Attention(config, options)` (the exercise form). */
export type AttentionClass = new (
  config: CausalSelfAttentionConfig,
  options?: AttentionModuleOptions,
) => AttentionModule;

/** A function that builds one attention module per block. */
export type AttentionFactoryFunction = (
  config: CausalSelfAttentionConfig,
  options?: AttentionModuleOptions,
) => AttentionModule;

/** What a GPT takes as its attention: a class with the exercise form's constructor, or a factory function. */
export type AttentionFactory = AttentionClass | AttentionFactoryFunction;

/** True for an ES class (called with `new`), false for a plain function. */
function isClass(value: AttentionFactory): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/**
 * Builds one attention module from a class or a factory, and checks that the result can serve a GPT block.
 *
 * @param factory - A class such as {@link CausalSelfAttention}, or a function `(config, options) => module`.
 * @param config - The sizes (a GPT config can be passed as it is).
 * @param options - `generator` and `initGenerator`, passed on.
 * @returns The module.
 * @throws {@link LxmlsAttentionError} `INVALID_ARGUMENT` when `factory` is not a function, or when what it
 *   built is not a `Module` with a `forward` method.
 * @example
 * ```ts
 * import { CausalSelfAttention, createAttention } from '@lxmls/attention';
 * const attn = createAttention(CausalSelfAttention, { nEmbd: 8, nHead: 2, blockSize: 4 });
 * console.log(attn instanceof CausalSelfAttention); // → true
 * const viaFactory = createAttention((config) => new CausalSelfAttention(config), { nEmbd: 8, nHead: 2, blockSize: 4 });
 * console.log(viaFactory.constructor.name); // → CausalSelfAttention
 * ```
 */
export function createAttention(
  factory: AttentionFactory,
  config: CausalSelfAttentionConfig,
  options: AttentionModuleOptions = {},
): AttentionModule {
  const fn = 'createAttention';
  if (typeof factory !== 'function')
    check.fail(
      fn,
      'factory',
      undefined,
      'the attention must be a class or a factory function',
      'a class like CausalSelfAttention, or (config, options) => module',
      { received: factory === null ? 'null' : typeof factory },
    );
  const module = isClass(factory)
    ? new (factory as AttentionClass)(config, options)
    : (factory as AttentionFactoryFunction)(config, options);
  if (!(module instanceof Module) || typeof (module as { forward?: unknown }).forward !== 'function') {
    const name = (factory as { name?: string }).name || 'the factory';
    check.fail(
      fn,
      'factory',
      undefined,
      `${name} did not build an attention module`,
      'a Module (from @lxmls/nn) with forward(x: Tensor): Tensor',
      {
        received:
          module === null || typeof module !== 'object'
            ? String(module)
            : `an object of class ${module.constructor?.name ?? 'Object'}`,
      },
    );
  }
  return module;
}

/**
 * Reads what an attention module's `forward` returned as an {@link AttentionOutput}: a tensor becomes
 * `{ output, weights: null }`.
 *
 * @param result - A tensor `(B, T, C)` or an `{ output, weights }` object.
 * @param fn - The caller, named in the error.
 * @throws {@link LxmlsAttentionError} `INVALID_ARGUMENT` when `result` is neither.
 * @example
 * ```ts
 * import { toAttentionOutput } from '@lxmls/attention';
 * import { zeros } from '@lxmls/tensor';
 * const { output, weights } = toAttentionOutput(zeros([1, 2, 4]), 'Block.forward');
 * console.log(output.shape, weights); // → [ 1, 2, 4 ] null
 * ```
 */
export function toAttentionOutput(result: unknown, fn: string): AttentionOutput {
  if (result instanceof Tensor) return { output: result, weights: null };
  if (result !== null && typeof result === 'object' && (result as AttentionOutput).output instanceof Tensor) {
    const out = result as AttentionOutput;
    return { ...out, weights: out.weights ?? null };
  }
  check.fail(
    fn,
    'attn.forward(x)',
    undefined,
    'the attention module returned no tensor',
    'a Tensor (B, T, C), or { output: Tensor, weights }',
    { received: result === null || typeof result !== 'object' ? String(result) : 'an object without output' },
  );
}
