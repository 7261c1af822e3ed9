/**
 * The sizes an attention layer of the course GPT reads from the model config (minGPT's `config.n_embd`,
 * `config.n_head`, `config.block_size`, `config.attn_pdrop`, `config.resid_pdrop`), in camelCase. A GPT
 * config has all of them, so it can be passed as it is.
 */

import type { RandomGenerator } from '@lxmls/tensor';
import { check } from './errors.js';
import type { KVCache } from './kv-cache.js';

/** The part of a GPT config that {@link CausalSelfAttention} and {@link PretrainedCausalSelfAttention} read. */
export interface CausalSelfAttentionConfig {
  /** Width of the residual stream, C (`n_embd`). */
  nEmbd: number;
  /** Number of heads, nh (`n_head`); C / nh is the head size hs. */
  nHead: number;
  /** Longest sequence, the side of the causal mask buffer (`block_size`). */
  blockSize: number;
  /** Dropout on the attention weights (`attn_pdrop`); defaults to 0. */
  attnPdrop?: number;
  /** Dropout on the output projection (`resid_pdrop`); defaults to 0. */
  residPdrop?: number;
}

/** Options of the attention modules' constructors. */
export interface AttentionModuleOptions {
  /** The random source of the dropout masks (and of the initialisation, unless `initGenerator` is given); defaults to the global one. */
  generator?: RandomGenerator;
  /** The random source of the layers' default weight initialisation; defaults to `generator`. */
  initGenerator?: RandomGenerator;
}

/** Options of the causal attention modules' `forward`. */
export interface CausalForwardOptions {
  /** A per-layer cache: the new positions attend to the cached ones too, and are appended to it. */
  cache?: KVCache;
  /** Also return the weights `(B, nh, T, Tpast + T)` (default false). */
  returnWeights?: boolean;
  /** Also return the queries `(B, nh, T, hs)` and keys `(B, nh, Tpast + T, hs)` (default false). */
  returnQueriesKeys?: boolean;
}

/** @internal Validates the sizes and returns them with the dropout defaults filled in. */
export function checkConfig(
  fn: string,
  config: CausalSelfAttentionConfig,
): Required<CausalSelfAttentionConfig> {
  const { nEmbd, nHead, blockSize, attnPdrop = 0, residPdrop = 0 } = config;
  check.count(fn, 'config.nEmbd', nEmbd);
  check.count(fn, 'config.nHead', nHead);
  check.count(fn, 'config.blockSize', blockSize);
  check.probability(fn, 'config.attnPdrop', attnPdrop);
  check.probability(fn, 'config.residPdrop', residPdrop);
  if (nEmbd % nHead !== 0)
    check.fail(
      fn,
      'config.nHead',
      nHead,
      'nEmbd must be a multiple of nHead',
      `a divisor of nEmbd ${nEmbd}`,
      { received: String(nHead) },
    );
  return { nEmbd, nHead, blockSize, attnPdrop, residPdrop };
}

/** @internal Throws `SEQUENCE_TOO_LONG` when past + new positions exceed the mask buffer. */
export function checkLength(fn: string, past: number, T: number, blockSize: number): void {
  if (past + T <= blockSize) return;
  check.fail(
    fn,
    'x',
    undefined,
    `Cannot attend over ${past + T} positions`,
    `at most blockSize ${blockSize} positions (cached + new)`,
    { code: 'SEQUENCE_TOO_LONG', received: `${past} cached + ${T} new` },
  );
}
