/**
 * The pure parts of the ONNX benchmark (main.ts): the bytes of weights a decoding step reads, the
 * memory-bandwidth bound they give, the command line, and the machine line. No timing here.
 *
 * Follows issue 15's targets: a decoding step with the KV cache reads every weight matrix once (the attention
 * and MLP linears of every layer, the LayerNorms, the head), but only one row of each embedding table.
 */

import os from 'node:os';
import { parseBenchArgv } from '../args.js';

import { median } from '../median.js';

/** The median of the workspace's benchmarks (../median.ts), used here and by this benchmark's main and tests. */
export { median };

/** The sizes of a GPT that the bound needs. */
export interface GptShape {
  nLayer: number;
  nEmbd: number;
  vocabSize: number;
  blockSize: number;
  /** Whether the head shares the token embedding (then the whole table is read by the head). */
  tiedHead: boolean;
}

/**
 * The bytes of float32 weights one decoding step reads: every layer's linears and LayerNorms, the final
 * LayerNorm and the head; one row of `wte` and of `wpe` (a tied head reads all of `wte` instead).
 *
 * @param shape - The model's sizes.
 * @returns Bytes.
 * @example
 * ```ts
 * import { bytesPerToken } from './onnx/measure.js';
 * const gpt2 = { nLayer: 12, nEmbd: 768, vocabSize: 50257, blockSize: 1024, tiedHead: false };
 * console.log((bytesPerToken(gpt2) / 1e6).toFixed(1)); // → 494.6
 * ```
 */
export function bytesPerToken(shape: GptShape): number {
  const { nLayer: L, nEmbd: C, vocabSize: V } = shape;
  // per layer: ln_1, ln_2 (2C each), c_attn (3C² + 3C), c_proj (C² + C), c_fc (4C² + 4C), mlp c_proj (4C² + C)
  const perLayer = 4 * C + (3 * C * C + 3 * C) + (C * C + C) + (4 * C * C + 4 * C) + (4 * C * C + C);
  const head = V * C; // lm_head (or the tied wte, read whole by the head)
  const embeddings = shape.tiedHead ? C : 2 * C; // wpe's row, and wte's row unless the head reads it all
  return 4 * (L * perLayer + 2 * C + head + embeddings);
}

/**
 * Tokens per second that memory bandwidth allows: bandwidth ÷ bytes read per token.
 *
 * @param bytesPerSecond - Measured bandwidth.
 * @param bytes - {@link bytesPerToken}.
 * @returns Tokens per second.
 * @example
 * ```ts
 * import { bandwidthBound } from './onnx/measure.js';
 * console.log(bandwidthBound(10e9, 500e6)); // → 20
 * ```
 */
export function bandwidthBound(bytesPerSecond: number, bytes: number): number {
  return bytesPerSecond / bytes;
}

/** Options of `pnpm bench:onnx`. */
export interface BenchOptions {
  /** Greedy tokens generated after the 8-token prompt. */
  tokens: number;
  /** Also run onnxruntime-web's wasm build (slower; two threads). */
  wasm: boolean;
  /** A Python with torch and transformers: it measures PyTorch's 128-token forward (one thread). */
  python: string | undefined;
  /** Print one JSON line on stdout instead of the table. */
  json: boolean;
  /** Intra-op threads of every onnxruntime-node session (undefined: the runtime's choice, one per core). */
  threads: number | undefined;
  /** Turns of each side-by-side comparison. */
  turns: number;
}

/**
 * Parses the benchmark's arguments with the benchmarks' shared parser (`../args.ts`).
 *
 * @param argv - The arguments after the script.
 * @returns The options, or a string: the usage error.
 * @example
 * ```ts
 * import { parseBenchArgs } from './onnx/measure.js';
 * console.log(parseBenchArgs(['--tokens', '8', '--wasm'])); // → { tokens: 8, wasm: true, python: undefined, json: false, threads: undefined, turns: 6 }
 * console.log(parseBenchArgs(['--tokens', '0'])); // → --tokens must be an integer from 1 to 200
 * ```
 */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | string {
  return parseBenchArgv(argv, {
    tokens: { type: 'integer', min: 1, max: 200, default: 30 },
    wasm: { type: 'flag' },
    python: { type: 'string', missing: '--python needs the path of a Python with torch and transformers' },
    json: { type: 'flag' },
    threads: { type: 'integer', min: 1, max: 64 },
    turns: { type: 'integer', min: 1, max: 64, default: 6 },
  });
}

/**
 * The machine line printed with the results: CPU model, cores, memory, Node, load average.
 *
 * @returns One line.
 * @example
 * ```ts
 * import { machineLine } from './onnx/measure.js';
 * console.log(machineLine().includes('Node')); // → true
 * ```
 */
export function machineLine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const gb = (os.totalmem() / 2 ** 30).toFixed(0);
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return `${cpu}, ${os.cpus().length} vCPUs, ${gb} GiB, Node ${process.versions.node}, ${os.platform()}; load average ${load}`;
}

/**
 * The order in which `n` contenders run in turn `turn`: ABBA ABBA…, generalised (forward in turns 0 and 3 of
 * every four, backward in turns 1 and 2), so each one runs early and late equally often and a slow moment
 * of a shared machine falls on all of them.
 *
 * @param n - Contenders.
 * @param turn - The turn, from 0.
 * @returns Their indices in running order.
 * @example
 * ```ts
 * import { turnOrder } from './onnx/measure.js';
 * console.log([0, 1, 2, 3].map((t) => turnOrder(3, t).join('')).join(' ')); // → 012 210 210 012
 * ```
 */
export function turnOrder(n: number, turn: number): number[] {
  const forward = Array.from({ length: n }, (_, i) => i);
  return turn % 4 === 0 || turn % 4 === 3 ? forward : forward.reverse();
}
