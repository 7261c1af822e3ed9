/**
 * Prompting helpers of the LxMLS toolkit (Exercise 3.2): `genBatch` (the top candidates for the next token,
 * each continued greedily), `prompt` (sampled continuations of a text, from the 100 most likely tokens) and
 * `promptTopK` (the deterministic variant), plus `formatSamples`, the exact text the toolkit prints.
 *
 * Follows `lxmls/transformers/model.py` `GPT.gen_batch`, `GPT.prompt` and `GPT.prompt_topK` (lxmls only; not
 * in minGPT). Libraries do not print here: the functions return the texts and the caller prints
 * `formatSamples(texts)`.
 */

import { BPETokenizer } from '@lxmls/bpe';
import { noGrad, RandomGenerator, slice, softmax, type Tensor, tensor, tidy, topk } from '@lxmls/tensor';
import { check, LxmlsGptError } from './errors.js';
import { generate } from './generate.js';
import type { GPT } from './model.js';

/** The id of `<|endoftext|>`, the input of an empty prompt. */
export const END_OF_TEXT = 50256;

/** Options of {@link genBatch}. */
export interface GenBatchOptions {
  /** Divides the first step's logits (default 1). */
  temperature?: number;
  /** How many candidates for the first token (default 10). */
  batch?: number;
}

/**
 * The `batch` most likely next tokens of row 0, each appended to `idx` and continued greedily for
 * `maxNewTokens − 1` more tokens.
 *
 * Quirks kept from the toolkit: at least one token is always added (`maxNewTokens = 0` gives `T + 1`), and
 * `idx` must have batch size 1.
 *
 * @param model - The GPT.
 * @param idx - int32 `(1, T)`.
 * @param maxNewTokens - Tokens per continuation.
 * @param options - `temperature` (1), `batch` (10).
 * @returns `batch` tensors, each int32 `(1, T + max(1, maxNewTokens))`, in descending probability of their first token.
 * @throws {@link LxmlsGptError} `INVALID_ARGUMENT` for a batch size of idx other than 1 or a batch above the vocabulary size.
 * @remarks Python: `GPT.gen_batch(idx, max_new_tokens, temperature=1.0, batch=10)`.
 * @example
 * ```ts
 * import { GPT, genBatch } from '@lxmls/gpt';
 * import { tensor } from '@lxmls/tensor';
 * const model = new GPT({ ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 }, { init: 'lcg' }).eval();
 * const outs = genBatch(model, tensor([[1, 4, 4]], undefined, 'int32'), 3, { batch: 2 });
 * console.log(outs.map((t) => t.shape)); // → [ [ 1, 6 ], [ 1, 6 ] ]
 * ```
 */
export function genBatch(
  model: GPT,
  idx: Tensor,
  maxNewTokens: number,
  options: GenBatchOptions = {},
): Tensor[] {
  const { temperature = 1, batch = 10 } = options;
  const V = model.config.vocabSize;
  if (idx.dtype !== 'int32' || idx.shape.length !== 2 || idx.shape[0] !== 1 || idx.shape[1] === 0)
    check.fail(
      'genBatch',
      'idx',
      undefined,
      'idx must be one row of int32 token ids',
      'int32 (1, T) with T ≥ 1',
      { received: `${idx.dtype} (${idx.shape.join(', ')})` },
    );
  if (!(Number.isInteger(batch) && batch >= 1 && batch <= V))
    check.fail(
      'genBatch',
      'batch',
      undefined,
      'batch is out of range',
      `an integer in [1, ${V}] (the vocabulary size)`,
      { received: `batch ${batch} with vocabulary size ${V}` },
    );
  if (!(temperature > 0))
    check.fail('genBatch', 'temperature', temperature, 'temperature is out of range', 'a number > 0', {
      received: String(temperature),
    });
  const T = idx.shape[1]!;
  const ids = Array.from(idx.data());
  const candidates = noGrad(() =>
    tidy(() => {
      // if the sequence context is growing too long we must crop it at blockSize
      const start = Math.max(0, T - model.blockSize);
      const cond = tensor(Int32Array.from(ids.slice(start)), [1, T - start], 'int32'); // (1, t)
      const { logits } = model.forward(cond); // (1, t, V)
      const last = slice(logits, [0, T - start - 1, 0], [1, 1, V])
        .reshape([1, V])
        .div(temperature); // (1, V)
      const probs = softmax(last, -1); // (1, V)
      return Array.from(topk(probs, batch).indices.data()); // the `batch` most likely next tokens, sorted
    }),
  );
  // append each candidate and continue greedily
  return candidates.map((c) => {
    const seq = tensor(Int32Array.from([...ids, c]), [1, T + 1], 'int32'); // (1, T + 1)
    const out = generate(model, seq, maxNewTokens - 1); // (1, T + max(1, maxNewTokens))
    if (out !== seq) seq.dispose();
    return out;
  });
}

/** Options of {@link prompt} and {@link promptTopK}. */
export interface PromptOptions {
  /** The tokenizer; defaults to one `BPETokenizer` (GPT-2) per model, created on first use. */
  tokenizer?: BPETokenizer;
  /** The random source of sampling (`prompt`); defaults to `new RandomGenerator(seed)` or the global one. */
  generator?: RandomGenerator;
  /** A seed for a fresh generator (`prompt`). */
  seed?: number;
}

const tokenizers = new WeakMap<GPT, BPETokenizer>();

/** The model's cached tokenizer (the toolkit stores it as `self.tok`) and the prompt's ids. */
function encodePrompt(
  model: GPT,
  pText: string,
  tokenizer?: BPETokenizer,
): { tok: BPETokenizer; ids: number[] } {
  let tok = tokenizer ?? tokenizers.get(model);
  if (!tok) {
    tok = new BPETokenizer();
    tokenizers.set(model, tok);
  }
  return { tok, ids: pText === '' ? [END_OF_TEXT] : tok.encode(pText) };
}

/**
 * Continues a text `numSamples` times, sampling each token from the 100 most likely ones ("uses pooling"),
 * and returns the decoded full texts (prompt + continuation). An empty prompt starts from `<|endoftext|>`.
 *
 * @param model - The GPT (vocabulary of at least 100 tokens, GPT-2 ids).
 * @param pText - The prompt (default '').
 * @param tokens - Tokens to add (default 20).
 * @param numSamples - Continuations (default 1).
 * @param doSample - Sample (default true) or greedy.
 * @param options - `tokenizer`, `generator`, `seed`.
 * @returns The `numSamples` texts.
 * @remarks Python: `GPT.prompt(p_text="", tokens=20, num_samples=1, do_sample=True)` (which also prints them; see {@link formatSamples}).
 */
export function prompt(
  model: GPT,
  pText = '',
  tokens = 20,
  numSamples = 1,
  doSample = true,
  options: PromptOptions = {},
): string[] {
  const { tok, ids } = encodePrompt(model, pText, options.tokenizer);
  const generator =
    options.generator ?? (options.seed !== undefined ? new RandomGenerator(options.seed) : undefined);
  return tidy(() => {
    const x = tensor(
      Int32Array.from({ length: numSamples * ids.length }, (_, i) => ids[i % ids.length]!),
      [numSamples, ids.length],
      'int32',
    ); // (numSamples, T)
    const y = generate(model, x, tokens, { doSample, topK: 100, ...(generator ? { generator } : {}) }); // (numSamples, T + tokens)
    const width = y.shape[1]!;
    const all = y.data();
    return Array.from({ length: numSamples }, (_, i) => tok.decode(all.subarray(i * width, (i + 1) * width)));
  });
}

/**
 * The deterministic variant: the `numSamples` most likely first tokens, each continued greedily ("does NOT use
 * pooling"), decoded as full texts.
 *
 * @param model - The GPT (GPT-2 ids).
 * @param pText - The prompt (default '').
 * @param tokens - Tokens per continuation (default 20).
 * @param numSamples - Continuations (default 5).
 * @param options - `tokenizer`.
 * @returns The texts, in descending probability of their first generated token.
 * @remarks Python: `GPT.prompt_topK(p_text="", tokens=20, num_samples=5)` (which also prints them; see {@link formatSamples}).
 */
export function promptTopK(
  model: GPT,
  pText = '',
  tokens = 20,
  numSamples = 5,
  options: PromptOptions = {},
): string[] {
  const { tok, ids } = encodePrompt(model, pText, options.tokenizer);
  return tidy(() => {
    const x = tensor(Int32Array.from(ids), [1, ids.length], 'int32'); // (1, T)
    return genBatch(model, x, tokens, { batch: numSamples }).map((y) => tok.decode(y.data()));
  });
}

/**
 * The text the toolkit prints for a list of samples: for each, a line of exactly 80 `-`, then the text.
 *
 * @param texts - The samples.
 * @returns The text with a final newline (print it with `process.stdout.write`).
 * @example
 * ```ts
 * import { formatSamples } from '@lxmls/gpt';
 * const out = formatSamples(['one', 'two']);
 * console.log(JSON.stringify(out.split('\n').map((line) => line.length))); // → [80,3,80,3,0]
 * ```
 */
export function formatSamples(texts: readonly string[]): string {
  const dashes = '-'.repeat(80);
  return texts.map((text) => `${dashes}\n${text}\n`).join('');
}
