/**
 * Autoregressive generation: take a conditioning sequence of token ids and complete it one token at a time,
 * feeding each prediction back in. Greedy (argmax) or sampled, with temperature, top-k and top-p (nucleus)
 * filtering, a seeded random source, a per-token callback for streaming, and a KV cache.
 *
 * Follows `lxmls/transformers/model.py` `GPT.generate` (minGPT's). Additions: top-p (Holtzman et al. 2019),
 * `onToken`, and the cache (Hugging Face's `past_key_values`); with greedy decoding the cached path gives the
 * same tokens as the recomputing path. Runs under `noGrad`, each step in a `tidy`: memory stays flat.
 */

import {
  argmax,
  concat,
  getGenerator,
  multinomial,
  noGrad,
  RandomGenerator,
  slice,
  softmax,
  type Tensor,
  tensor,
  tidy,
  topk,
  withBackend,
} from '@lxmls/tensor';
import { check, LxmlsGptError } from './errors.js';
import { GPTCache } from './kv-cache.js';
import type { GPT } from './model.js';

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Divides the logits before the softmax (default 1); below 1 sharpens, above 1 flattens. */
  temperature?: number;
  /** Sample from the distribution (true) or take the most likely token (false, the default). */
  doSample?: boolean;
  /** Keep only the k most likely tokens (ties at the k-th value are kept); null/undefined: all. */
  topK?: number | null;
  /** Keep the smallest set of most likely tokens whose probability reaches p (nucleus sampling); default off. */
  topP?: number | null;
  /** The random source of sampling; defaults to `new RandomGenerator(seed)` if `seed` is set, else the global one. */
  generator?: RandomGenerator;
  /** A seed for a fresh generator (ignored when `generator` is given). */
  seed?: number;
  /** Called after each step with the new token of every row, e.g. to stream text. */
  onToken?: (tokens: number[], step: number) => void;
  /**
   * Reuse the keys and values of past positions (default true, where every attention module has
   * `supportsKVCache`; otherwise the context is run again at each step); the tokens are the same either way.
   */
  useCache?: boolean;
}

/**
 * Completes each row of `idx` with `maxNewTokens` tokens.
 *
 * At each step the context is cropped to its last `blockSize` tokens, the logits of the last position are
 * divided by `temperature`, filtered by `topK` (every logit strictly below the k-th largest becomes -inf) and
 * `topP`, turned into probabilities, and a token is sampled (`doSample`) or the first most likely is taken.
 * Like the toolkit, it does not switch the model to eval mode: call `model.eval()` first to turn dropout off.
 *
 * @param model - The GPT.
 * @param idx - Token ids, int32 `(B, T)`.
 * @param maxNewTokens - How many tokens to add; `≤ 0` returns `idx` itself.
 * @param options - `temperature`, `doSample`, `topK`, `topP`, `generator`, `seed`, `onToken`, `useCache`.
 * @returns int32 `(B, T + maxNewTokens)`: the input followed by the new tokens.
 * @throws {@link LxmlsGptError} `INVALID_ARGUMENT` for a topK above the vocabulary size, a temperature ≤ 0,
 *   a topP outside (0, 1], or ids that are not int32 `(B, T)`; `NOT_FINITE` for logits that are NaN or
 *   ±Infinity (the step and the token named). A temperature so small that the logits overflow float32
 *   (1e-38) is the limit T → 0: greedy among the largest logits, never NaN probabilities.
 * @remarks Python: `GPT.generate(idx, max_new_tokens, temperature=1.0, do_sample=False, top_k=None)`.
 * @example
 * ```ts
 * import { GPT, generate } from '@lxmls/gpt';
 * import { tensor } from '@lxmls/tensor';
 * const model = new GPT({ ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 }, { init: 'lcg' }).eval();
 * const out = generate(model, tensor([[1, 4, 4, 4, 3, 2]], undefined, 'int32'), 6);
 * console.log(out.toArray()); // → [ [ 1, 4, 4, 4, 3, 2, 7, 7, 7, 6, 6, 6 ] ]
 * ```
 */
export function generate(
  model: GPT,
  idx: Tensor,
  maxNewTokens: number,
  options: GenerateOptions = {},
): Tensor {
  const run = startGeneration('generate', model, idx, maxNewTokens, options);
  if (run === null) return idx;
  const { rows, cache, pick } = run;
  try {
    noGrad(() => {
      for (let step = 0; step < maxNewTokens; step++) {
        const next = tidy(() => pick(lastLogits(model, rows, cache)));
        // append sampled index to the running sequence and continue
        for (const [b, row] of rows.entries()) row.push(next[b]!);
        options.onToken?.(next, step);
      }
    });
  } finally {
    cache?.dispose();
  }
  return run.result(); // (B, T + maxNewTokens)
}

/**
 * {@link generate} for a backend whose reads are asynchronous (`capabilities.async`: `webgpu`), with the same
 * tokens: each step's forward runs on that backend and one `await dataAsync()` per step brings back the
 * choice. Greedy decoding picks on the backend (`argmax` of the last logits, read with a finiteness check:
 * `B` ids and `B` sums); sampling reads the last logits `(B, V)` and picks with {@link scaleLogits} and
 * {@link pickNext} on the `js` backend, as {@link generate} does. On a synchronous backend it runs the same
 * steps.
 *
 * @param model - The GPT (its parameters on any backend).
 * @param idx - Token ids, int32 `(B, T)`.
 * @param maxNewTokens - How many tokens to add; `≤ 0` returns `idx` itself.
 * @param options - As {@link generate}'s.
 * @returns A promise of int32 `(B, T + maxNewTokens)`: the input followed by the new tokens.
 * @throws {@link LxmlsGptError} as {@link generate} (`NOT_FINITE` for logits that are not finite).
 * @example
 * ```ts
 * import { GPT, generateAsync } from '@lxmls/gpt';
 * import { tensor } from '@lxmls/tensor';
 * const model = new GPT({ ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 }, { init: 'lcg' }).eval();
 * const out = await generateAsync(model, tensor([[1, 4, 4, 4, 3, 2]], undefined, 'int32'), 6);
 * console.log(out.toArray()); // → [ [ 1, 4, 4, 4, 3, 2, 7, 7, 7, 6, 6, 6 ] ]
 * ```
 */
export async function generateAsync(
  model: GPT,
  idx: Tensor,
  maxNewTokens: number,
  options: GenerateOptions = {},
): Promise<Tensor> {
  const fn = 'generateAsync';
  const run = startGeneration(fn, model, idx, maxNewTokens, options);
  if (run === null) return idx;
  const { rows, cache, pick } = run;
  const B = rows.length;
  const V = model.config.vocabSize;
  const greedy = options.doSample !== true;
  try {
    for (let step = 0; step < maxNewTokens; step++) {
      // greedy: the ids and a finiteness check (a non-finite logit makes its row's sum NaN), (2B) in one read;
      // sampling: the last logits (B, V)
      const read = noGrad(() =>
        tidy(() => {
          const last = lastLogits(model, rows, cache); // (B, V)
          return greedy ? concat([argmax(last, -1).cast('float32'), last.mul(0).sum(-1)], 0) : last;
        }),
      );
      let data: Float32Array;
      try {
        data = (await read.dataAsync()) as Float32Array;
      } finally {
        read.dispose();
      }
      let next: number[];
      if (greedy) {
        const bad = data.subarray(B).findIndex((x) => x !== 0);
        if (bad >= 0)
          check.fail(fn, 'logits', undefined, 'the model gave a logit that is not finite', 'finite logits', {
            code: 'NOT_FINITE',
            received: `a logit that is NaN or ±Infinity in row ${bad}`,
            hint: 'Its weights or activations overflowed: check the checkpoint, or train with a smaller learning rate.',
          });
        next = Array.from(data.subarray(0, B));
      } else {
        // on the host: the same checks and choice as generate's
        next = withBackend('js', () => tidy(() => pick(tensor(data, [B, V])))); // (B, V) → B ids
      }
      for (const [b, row] of rows.entries()) row.push(next[b]!);
      options.onToken?.(next, step);
    }
  } finally {
    cache?.dispose();
  }
  return run.result(); // (B, T + maxNewTokens)
}

/** The state of one generation: the rows so far, the KV cache, the checked choice of a token, the result. */
interface Generation {
  rows: number[][];
  cache: GPTCache | null;
  /** Scales, filters and picks one token per row from the last logits `(B, V)` (synchronous reads). */
  pick: (last: Tensor) => number[];
  /** The rows as int32 `(B, T + maxNewTokens)`. */
  result: () => Tensor;
}

/** Checks {@link generate}'s arguments and starts a generation, or returns null when there is nothing to add. */
function startGeneration(
  fn: string,
  model: GPT,
  idx: Tensor,
  maxNewTokens: number,
  options: GenerateOptions,
): Generation | null {
  const { temperature = 1, doSample = false, topK = null, topP = null, useCache = true } = options;
  const V = model.config.vocabSize;
  const invalid = (argument: string, expected: string, received: string) =>
    new LxmlsGptError('INVALID_ARGUMENT', `${argument} is out of range`, {
      fn,
      argument,
      expected,
      received,
    });
  if (idx.dtype !== 'int32' || idx.shape.length !== 2 || idx.shape[1] === 0)
    check.fail(fn, 'idx', undefined, 'idx must be int32 token ids (B, T)', 'int32 (B, T) with T ≥ 1', {
      received: `${idx.dtype} (${idx.shape.join(', ')})`,
    });
  if (!Number.isInteger(maxNewTokens)) throw invalid('maxNewTokens', 'an integer', String(maxNewTokens));
  if (!(temperature > 0)) throw invalid('temperature', 'a number > 0', String(temperature));
  if (topK !== null && !(Number.isInteger(topK) && topK >= 1 && topK <= V)) {
    throw invalid(
      'topK',
      `an integer in [1, ${V}] (the vocabulary size)`,
      `topK ${topK} with vocabulary size ${V}`,
    );
  }
  if (topP !== null && !(topP > 0 && topP <= 1)) throw invalid('topP', 'a number in (0, 1]', String(topP));
  if (maxNewTokens <= 0) return null;
  const generator =
    options.generator ?? (options.seed !== undefined ? new RandomGenerator(options.seed) : getGenerator());

  const [B, T] = idx.shape as [number, number];
  const all = idx.data();
  const rows = Array.from({ length: B }, (_, b) => Array.from(all.subarray(b * T, (b + 1) * T)));
  // a model whose attention keeps no KV cache (a student's module) runs the whole context at every step
  const cache = useCache && model.supportsKVCache ? new GPTCache(model.config.nLayer) : null;
  return {
    rows,
    cache,
    // scale the logits of the final step by the desired temperature, then filter and pick
    pick: (last) => pickNext(scaleLogits(last, temperature), { doSample, topK, topP, generator }),
    result: () => tensor(Int32Array.from(rows.flat()), [B, T + maxNewTokens], 'int32'), // (B, T + maxNewTokens)
  };
}

/** One forward over the rows' new positions (all of them without a cache); the last position's logits `(B, V)`. */
function lastLogits(model: GPT, rows: number[][], cache: GPTCache | null): Tensor {
  const B = rows.length;
  const V = model.config.vocabSize;
  const blockSize = model.blockSize;
  const total = rows[0]!.length;
  // the cache holds positions 0..total-2 while the context still fits; once it slides past blockSize
  // every position shifts (learned absolute position embeddings), so the cache is dropped
  const cached = cache !== null && total <= blockSize;
  if (!cached) cache?.reset();
  const start = cached ? cache.length : Math.max(0, total - blockSize); // if the sequence context is growing too long we must crop it at blockSize
  const n = total - start;
  const ids = new Int32Array(B * n);
  for (const [b, row] of rows.entries()) ids.set(row.slice(start), b * n);
  // forward the model to get the logits for the index in the sequence
  const { logits } = model.forward(tensor(ids, [B, n], 'int32'), null, cached ? { cache } : {}); // (B, n, V)
  // pluck the logits at the final step
  return slice(logits, [0, n - 1, 0], [B, 1, V]).reshape([B, V]); // (B, V)
}

/** The largest magnitude of a float32: `logits / T` beyond it overflows to ±Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * `logits / temperature` `(B, V)` as {@link generate} takes them (and @lxmls/onnx's generator may), checked: a
 * NaN or ±Infinity logit is `NOT_FINITE` (garbage in, an error out: never token 0 forever), and a temperature
 * so small that a quotient would overflow float32 divides `logits - rowMax` in float64 instead, so the largest
 * logits stay at 0 and the others become very negative: softmax then gives the T → 0 limit (greedy among the
 * ties), never NaN probabilities. Temperature 1 returns `logits` itself.
 *
 * @param logits - `(B, V)` float32 logits of the last position.
 * @param temperature - A number > 0 (checked by the caller).
 * @returns The scaled logits `(B, V)`.
 * @throws {@link LxmlsGptError} `NOT_FINITE` for a NaN or ±Infinity logit, naming the token and the row.
 * @example
 * ```ts
 * import { scaleLogits } from '@lxmls/gpt';
 * import { tensor } from '@lxmls/tensor';
 * console.log(scaleLogits(tensor([[1, 3, 2]]), 0.5).toArray()); // → [ [ 2, 6, 4 ] ]
 * console.log(scaleLogits(tensor([[1, 3, 3]]), 1e-45).toArray()); // → [ [ -3.4028234663852886e+38, 0, 0 ] ]
 * ```
 */
export function scaleLogits(logits: Tensor, temperature: number): Tensor {
  const [B, V] = logits.shape as [number, number];
  const data = logits.data();
  let largest = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0)
      check.fail('generate', 'logits', v, 'the model gave a logit that is not finite', 'finite logits', {
        code: 'NOT_FINITE',
        received: `${v} for token ${i % V} of row ${Math.floor(i / V)}`,
        hint: 'Its weights or activations overflowed: check the checkpoint, or train with a smaller learning rate.',
      });
    if (Math.abs(v) > largest) largest = Math.abs(v);
  }
  if (temperature === 1) return logits;
  if (largest / temperature < FLOAT32_MAX / 2) return logits.div(temperature); // (B, V)
  const out = new Float32Array(B * V);
  for (let b = 0; b < B; b++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = b * V; j < (b + 1) * V; j++) max = Math.max(max, data[j]!);
    for (let j = b * V; j < (b + 1) * V; j++) out[j] = Math.max((data[j]! - max) / temperature, -FLOAT32_MAX);
  }
  return tensor(out, [B, V]); // (B, V)
}

/**
 * One decoding step on the last logits `(B, V)`, as {@link generate} takes it (and @lxmls/onnx's generator,
 * which gets its logits from ONNX Runtime): keep the `topK` largest logits, softmax, keep the nucleus of mass
 * `topP`, then sample one token per row with `generator` or take the most likely one. The logits are already
 * divided by the temperature.
 *
 * @param logits - `(B, V)` float32 logits of the last position.
 * @param options - `doSample`, `topK` (`null`: all), `topP` (`null`: all) and the random `generator`.
 * @returns The `B` chosen token ids.
 * @example
 * ```ts
 * import { pickNext } from '@lxmls/gpt';
 * import { RandomGenerator, tensor } from '@lxmls/tensor';
 * const logits = tensor([[0, 3, 1], [2, 0, 0]]); // (2, 3)
 * const generator = new RandomGenerator(0);
 * console.log(pickNext(logits, { doSample: false, topK: null, topP: null, generator })); // → [ 1, 0 ]
 * console.log(pickNext(logits, { doSample: true, topK: 1, topP: null, generator })); // → [ 1, 0 ]
 * ```
 */
export function pickNext(
  logits: Tensor,
  options: { doSample: boolean; topK: number | null; topP: number | null; generator: RandomGenerator },
): number[] {
  const { doSample, topK, topP, generator } = options;
  const [B, V] = logits.shape as [number, number];
  let filtered = logits; // (B, V)
  // optionally crop the logits to only the top k options
  if (topK !== null && topK < V) {
    const kth = topk(logits, topK).values.data(); // (B, k), descending
    const data = Float32Array.from(logits.data());
    for (let b = 0; b < B; b++) {
      const threshold = kth[b * topK + topK - 1]!;
      for (let j = b * V; j < (b + 1) * V; j++) if (data[j]! < threshold) data[j] = Number.NEGATIVE_INFINITY;
    }
    filtered = tensor(data, [B, V]); // (B, V)
  }
  // apply softmax to convert logits to (normalized) probabilities
  let probs = softmax(filtered, -1); // (B, V)
  if (topP !== null && topP < 1) probs = nucleus(probs, topP); // (B, V), unnormalised
  // either sample from the distribution or take the most likely element
  const next = doSample ? multinomial(probs, 1, { generator }) : argmax(probs, -1); // (B, 1) or (B)
  return Array.from(next.data());
}

/**
 * Zeroes every probability outside the smallest top set whose mass reaches `p` (the top token always stays).
 * Only the head of each row is sorted: the tokens at or above a threshold τ (the row's maximum, halved until
 * the tokens ≥ τ hold mass ≥ p, so they contain the nucleus), in plain arrays on the CPU whatever the backend.
 */
function nucleus(probs: Tensor, p: number): Tensor {
  const [B, V] = probs.shape as [number, number];
  const data = Float32Array.from(probs.data());
  for (let b = 0; b < B; b++) {
    const row = data.subarray(b * V, (b + 1) * V);
    const massAtLeast = (tau: number) => row.reduce((mass, x) => (x >= tau ? mass + x : mass), 0);
    let tau = row.reduce((max, x) => Math.max(max, x), 0);
    while (tau > 0 && massAtLeast(tau) < p) tau /= 2;
    const head: number[] = [];
    for (let j = 0; j < V; j++) if (row[j]! >= tau) head.push(j);
    head.sort((i, j) => row[j]! - row[i]! || i - j); // descending, ties by index
    let mass = 0;
    let kept = 0;
    for (; kept < head.length && (kept === 0 || mass < p); kept++) mass += row[head[kept]!]!;
    const keep = new Uint8Array(V);
    for (let r = 0; r < kept; r++) keep[head[r]!] = 1;
    for (let j = 0; j < V; j++) if (keep[j] === 0) row[j] = 0;
  }
  return tensor(data, [B, V]); // (B, V)
}
