/**
 * `lxmls bench kernels` and `lxmls bench train-step`: the speed of a tensor backend on the course's models.
 *
 * `kernels` reports GFLOP/s of the backend's matmul kernel on the shapes of a gpt-nano training step and of
 * GPT-2 124M inference; `train-step` reports milliseconds per gpt-nano training step (forward, backward,
 * AdamW) built from @lxmls/tensor ops (bench/gpt-nano-step.ts). Follows the issue "@lxmls/tensor and its
 * backends" (targets: ≤ 12 ms per step on the default CPU backend) and reference/wasm-kernels.md (method).
 */

import { registerTfjsBackends } from '@lxmls/backend-tfjs';
import { registerWasmBackend } from '@lxmls/backend-wasm';
import { type Backend, getBackend, listBackends, memory, setBackend } from '@lxmls/tensor';
import type { ParsedArgs } from '../args.js';
import { flag, value } from '../args.js';
import { GPT_NANO, GptTrainer } from '../bench/gpt-nano-step.js';
import { benchKernel, KERNEL_SHAPES, type KernelResult } from '../bench/kernels.js';
import { type MachineInfo, machineInfo, median } from '../bench/timing.js';
import type { Command, CommandContext } from '../command.js';
import { CliError } from '../errors.js';

const USAGE = `Usage: lxmls bench kernels [--backend B] [--shapes nano|gpt2|all] [--json]
       lxmls bench train-step [--model gpt-nano] [--batch-size 64] [--steps 20] [--warmup 3]
                              [--backend B] [--compare B2] [--json]

Measures a tensor backend on this machine.

  kernels      GFLOP/s of the backend's matmul kernel on the shapes of a gpt-nano training step (batch 64 ×
               11 tokens, 48 dims, 3 heads of 16, vocab 8) and of GPT-2 124M inference on one token
               (1×768 @ 768×2304, 768×3072, 3072×768, 768×50257): the median of 11 samples after a warm-up.
  train-step   Milliseconds per training step of gpt-nano (3 layers, 3 heads, 48 dims, vocab 8, block 11:
               embeddings, pre-LN blocks with causal self-attention and a GELU MLP, final layerNorm, lm head,
               cross-entropy with ignore index -1, backward, AdamW) on random tokens: the median over
               --steps steps, the --warmup first steps excluded.

Options:
  --backend B        A registered backend (default: the highest-priority one, wasm): wasm, js, tfjs-wasm,
                     tfjs-cpu. An unknown name lists the available ones.
  --compare B2       train-step: also time the same step on backend B2 in the same run (e.g. tfjs-wasm)
                     and print how many times faster B is.
  --shapes SET       kernels: nano, gpt2 or all (default all).
  --model NAME       train-step: the model (only gpt-nano).
  --batch-size N     train-step: sequences per step (default 64).
  --steps N          train-step: timed steps (default 20).
  --warmup N         train-step: untimed steps first (default 3).
  --json             Print one JSON line instead of a table.
                     kernels: {"bench":"kernels","backend","cpu","cores","node","results":[{"name","batch",
                     "m","k","n","transA","transB","mflop","ms","gflops"}]}
                     train-step: {"bench":"train-step","model","backend","batchSize","blockSize","steps",
                     "warmup","medianMs","minMs","maxMs","lossFirst","lossLast","memory":{"tensorsFirst","tensorsLast",
                     "bytesFirst","bytesLast","rssEarlyMb" (after 10% of the steps),"rssLastMb"},"cpu","cores",
                     "node"}, with
                     --compare also "compare":{"backend","medianMs","minMs","maxMs","lossFirst","lossLast"}
                     and "speedup" (B2's median over B's).
  -h, --help         Show this help.

Examples:
  lxmls bench train-step --backend wasm
  lxmls bench train-step --backend wasm --compare tfjs-wasm
  lxmls bench kernels --backend js --shapes nano --json`;

/**
 * `lxmls bench`: see its usage text (`lxmls help bench`).
 *
 * @example
 * ```ts
 * import { benchCommand } from './commands/bench.js';
 * console.log(benchCommand.name); // → bench
 * ```
 */
export const benchCommand: Command = {
  name: 'bench',
  summary: 'Speed of a tensor backend: matmul GFLOP/s, ms per gpt-nano training step',
  usage: USAGE,
  options: [
    { name: 'backend', value: 'B' },
    { name: 'compare', value: 'B2' },
    { name: 'shapes', value: 'SET' },
    { name: 'model', value: 'NAME' },
    { name: 'batch-size', value: 'N' },
    { name: 'steps', value: 'N' },
    { name: 'warmup', value: 'N' },
    { name: 'json' },
  ],
  run: bench,
};

const ONLY: Record<string, readonly string[]> = {
  kernels: ['backend', 'shapes', 'json'],
  'train-step': ['backend', 'compare', 'model', 'batch-size', 'steps', 'warmup', 'json'],
};

async function bench(args: ParsedArgs, { out }: CommandContext): Promise<number> {
  const [what, ...extra] = args.positionals;
  if (what === undefined || !(what in ONLY)) {
    throw new CliError(
      `${what === undefined ? 'missing' : `unknown benchmark ${JSON.stringify(what)}:`} expected kernels or train-step, e.g. lxmls bench train-step`,
    );
  }
  if (extra.length > 0) throw new CliError(`unexpected argument ${JSON.stringify(extra[0])}`);
  for (const name of args.options.keys()) {
    if (!ONLY[what]!.includes(name)) throw new CliError(`option --${name} does not apply to bench ${what}`);
  }
  const backend = await chooseBackend(value(args, 'backend'));
  const json = flag(args, 'json');
  const machine = machineInfo();
  if (what === 'kernels') {
    const set = value(args, 'shapes') ?? 'all';
    if (!['nano', 'gpt2', 'all'].includes(set))
      throw new CliError(`--shapes must be nano, gpt2 or all, received ${JSON.stringify(set)}`);
    const shapes = KERNEL_SHAPES.filter((s) => set === 'all' || s.name.startsWith(set));
    const results = shapes.map((shape) => benchKernel(backend, shape));
    await out.write(
      json
        ? `${kernelsJson(backend.name, machine, results)}\n`
        : kernelsTable(backend.name, machine, results),
    );
    return 0;
  }
  const model = value(args, 'model') ?? 'gpt-nano';
  if (model !== 'gpt-nano') throw new CliError(`unknown model ${JSON.stringify(model)}: expected gpt-nano`);
  const batchSize = count(args, 'batch-size', 64, 1);
  const steps = count(args, 'steps', 20, 1);
  const warmup = count(args, 'warmup', 3, 0);
  const result = trainStep(batchSize, steps, warmup);
  const compareName = value(args, 'compare');
  let compare: ({ backend: string } & TrainStepResult) | undefined;
  if (compareName !== undefined) {
    const other = await chooseBackend(compareName);
    compare = { backend: other.name, ...trainStep(batchSize, steps, warmup) };
    await setBackend(backend.name);
  }
  const speedup = compare === undefined ? undefined : compare.medianMs / result.medianMs;
  const record = {
    bench: 'train-step',
    model,
    backend: backend.name,
    batchSize,
    blockSize: GPT_NANO.blockSize,
    steps,
    warmup,
    ...result,
    ...machine,
    ...(compare === undefined ? {} : { compare, speedup }),
  };
  if (json) {
    await out.write(`${JSON.stringify(record)}\n`);
    return 0;
  }
  const c = GPT_NANO;
  await out.write(
    `gpt-nano training step (batch ${batchSize} × ${c.blockSize} tokens, ${c.nLayer} layers, ${c.nHead} heads, ${c.nEmbd} dims, vocab ${c.vocabSize}) on backend ${backend.name}\n` +
      `  ${result.medianMs.toFixed(2)} ms per step: median of ${steps} steps (min ${result.minMs.toFixed(2)}, max ${result.maxMs.toFixed(2)}), after ${warmup} warm-up steps\n` +
      `  loss ${result.lossFirst.toFixed(4)} → ${result.lossLast.toFixed(4)}\n` +
      `  memory after step 1 → after step ${warmup + steps}: ${memoryLine(result.memory)}\n` +
      (compare === undefined
        ? ''
        : `  ${compare.medianMs.toFixed(2)} ms per step on ${compare.backend} in the same run (loss ${compare.lossFirst.toFixed(4)} → ${compare.lossLast.toFixed(4)}): ${backend.name} is ${speedup!.toFixed(2)}× as fast\n`) +
      `  machine: ${machineLine(machine)}\n`,
  );
  return 0;
}

/** Registers `wasm` and the Node tfjs engines (once) and makes `name` (or the highest-priority one) current. */
async function chooseBackend(name: string | undefined): Promise<Backend> {
  if (!listBackends().includes('wasm')) registerWasmBackend();
  if (!listBackends().includes('tfjs-wasm')) registerTfjsBackends({ engines: ['wasm', 'cpu'] });
  const available = listBackends();
  const chosen = name ?? available[0]!;
  if (!available.includes(chosen)) {
    throw new CliError(
      `unknown backend ${JSON.stringify(chosen)}: available backends are ${available.join(', ')}`,
    );
  }
  await setBackend(chosen);
  return getBackend();
}

/** An integer option ≥ `min` (at most 100,000), or its default. */
function count(args: ParsedArgs, name: string, fallback: number, min: number): number {
  const text = value(args, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > 100_000) {
    throw new CliError(`--${name} must be an integer in [${min}, 100000], received ${JSON.stringify(text)}`);
  }
  return n;
}

interface TrainStepResult {
  medianMs: number;
  minMs: number;
  maxMs: number;
  lossFirst: number;
  lossLast: number;
  /** Live tensors and backend bytes after the first step and after the last one, and the process RSS. */
  memory: {
    tensorsFirst: number;
    tensorsLast: number;
    bytesFirst: number;
    bytesLast: number;
    rssEarlyMb: number;
    rssLastMb: number;
  };
}

/** Trains gpt-nano on random batches on the current backend and times each step. */
function trainStep(batchSize: number, steps: number, warmup: number): TrainStepResult {
  const gpt = new GptTrainer(GPT_NANO, 0);
  const { idx, targets } = gpt.randomBatch(batchSize);
  const times: number[] = [];
  let lossFirst = Number.NaN;
  let lossLast = Number.NaN;
  const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
  let first = { ...memory(), rss: 0 };
  const early = Math.max(0, Math.floor((warmup + steps) / 10) - 1); // RSS once the JS heap has warmed up
  for (let s = 0; s < warmup + steps; s++) {
    const t0 = performance.now();
    const loss = gpt.step(idx, targets);
    const ms = performance.now() - t0;
    if (s === 0) {
      lossFirst = loss;
      first = { ...memory(), rss: 0 };
    }
    if (s === early) first.rss = rssMb();
    lossLast = loss;
    if (s >= warmup) times.push(ms);
  }
  const last = { ...memory(), rss: rssMb() };
  gpt.dispose();
  idx.dispose();
  targets.dispose();
  return {
    medianMs: median(times),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    lossFirst,
    lossLast,
    memory: {
      tensorsFirst: first.numTensors,
      tensorsLast: last.numTensors,
      bytesFirst: first.numBytes,
      bytesLast: last.numBytes,
      rssEarlyMb: first.rss,
      rssLastMb: last.rss,
    },
  };
}

function memoryLine(m: TrainStepResult['memory']): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(2);
  return `${m.tensorsFirst} → ${m.tensorsLast} live tensors, ${mb(m.bytesFirst)} → ${mb(m.bytesLast)} MB of tensor storage, process RSS after 10% of the steps ${m.rssEarlyMb} → ${m.rssLastMb} MB`;
}

function machineLine(m: MachineInfo): string {
  return `${m.cpu}, ${m.cores} cores, Node ${m.node}`;
}

function kernelsJson(backend: string, machine: MachineInfo, results: KernelResult[]): string {
  const round = (x: number, digits: number) => Number(x.toPrecision(digits));
  return JSON.stringify({
    bench: 'kernels',
    backend,
    ...machine,
    results: results.map((r) => ({
      ...r,
      mflop: round(r.mflop, 6),
      ms: round(r.ms, 4),
      gflops: round(r.gflops, 4),
    })),
  });
}

function kernelsTable(backend: string, machine: MachineInfo, results: KernelResult[]): string {
  const rows = results.map((r) => {
    const shape = `${r.batch > 1 ? `${r.batch} × ` : ''}${r.m}×${r.k} @ ${r.k}×${r.n}${r.transA ? ' (Aᵀ)' : ''}${r.transB ? ' (Bᵀ)' : ''}`;
    return `  ${r.name.padEnd(18)} ${shape.padEnd(28)} ${r.mflop.toFixed(2).padStart(8)} ${r.ms.toFixed(4).padStart(9)} ${r.gflops.toFixed(1).padStart(7)}`;
  });
  return (
    `matmul kernel on backend ${backend} (median of 11 samples)\n` +
    `  ${'name'.padEnd(18)} ${'shape'.padEnd(28)} ${'MFLOP'.padStart(8)} ${'ms'.padStart(9)} ${'GFLOP/s'.padStart(7)}\n` +
    `${rows.join('\n')}\n` +
    `  machine: ${machineLine(machine)}\n`
  );
}
