/**
 * Timing helpers of `lxmls bench`: the machine's description and a median-of-samples timer.
 *
 * Follows the method of docs/wasm-kernels.md: warm up first, then take samples that each run the code
 * back to back for at least a minimum time, and report the median per-call time.
 */

import './relaxed-simd.js'; // before any backend compiles its WebAssembly
import { cpus } from 'node:os';
import { median } from '@lxmls/course';

/** The machine a benchmark ran on. */
export interface MachineInfo {
  /** CPU model name, as the OS reports it. */
  cpu: string;
  /** Logical cores. */
  cores: number;
  /** Node version, e.g. `v20.20.2`. */
  node: string;
}

/**
 * The CPU model, core count and Node version of this process.
 *
 * @returns The machine description.
 * @example
 * ```ts
 * import { machineInfo } from './bench/timing.js';
 * console.log(machineInfo().node === process.version); // → true
 * ```
 */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return { cpu: list[0]?.model.trim() ?? 'unknown', cores: list.length, node: process.version };
}

/** Options of {@link timeCall}. */
export interface TimeOptions {
  /** Warm-up time in ms before sampling (default 100). */
  warmupMs?: number;
  /** Each sample runs the call back to back for at least this long, in ms (default 2). */
  sampleMs?: number;
  /** Number of samples (default 15). */
  samples?: number;
}

/**
 * The median time of one call of `fn` in ms: warm up, then `samples` samples, each a run of back-to-back calls
 * lasting at least `sampleMs`, each giving a per-call time.
 *
 * @param fn - The code to time.
 * @param options - Warm-up and sampling.
 * @returns The median per-call time in ms.
 * @example
 * ```ts
 * import { timeCall } from './bench/timing.js';
 * const ms = timeCall(() => Math.sqrt(2), { warmupMs: 1, sampleMs: 1, samples: 3 });
 * console.log(ms > 0 && ms < 1); // → true
 * ```
 */
export function timeCall(fn: () => void, options: TimeOptions = {}): number {
  const { warmupMs = 100, sampleMs = 2, samples = 15 } = options;
  const start = performance.now();
  do fn();
  while (performance.now() - start < warmupMs);
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    let calls = 0;
    const t0 = performance.now();
    let t1 = t0;
    do {
      fn();
      calls++;
      t1 = performance.now();
    } while (t1 - t0 < sampleMs);
    times.push((t1 - t0) / calls);
  }
  return median(times);
}
