/**
 * The machine `lxmls bench` ran on (its timers are @lxmls/course's `timeCall`, `benchKernel` and
 * `timeTrainStep`), and relaxed SIMD turned on before any backend compiles its WebAssembly.
 */

import './relaxed-simd.js'; // before any backend compiles its WebAssembly
import { cpus } from 'node:os';

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
