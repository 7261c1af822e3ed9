/**
 * `lxmls bench kernels`, `lxmls bench train-step` and `lxmls bench train-weather`: the speed of a tensor backend
 * on the course's models, and of a student's attention in the course run.
 *
 * `kernels` reports GFLOP/s of the backend's matmul kernel on the shapes of a gpt-nano training step and of
 * GPT-2 124M inference; `train-step` reports milliseconds per training step of the real @lxmls/gpt gpt-nano as
 * @lxmls/trainer's loop runs it (forward, backward, gradient clipping, AdamW; @lxmls/course's timeTrainStep);
 * `train-weather` times and scores the whole course run of Exercise 3.1 with the course's attention and with
 * another one side by side (@lxmls/course's benchTrainWeather). Follows the issue "@lxmls/tensor and its backends"
 * (targets: ≤ 12 ms per step on the default CPU backend), docs/wasm-kernels.md (method), issue 12
 * (a student's attention: held-out loss ≤ 1.04× Bayes-optimal at ≤ 2× the course run's ms/iteration) and
 * issue 16 (`train-step --backend webgpu`, in Node on Dawn: webgpu-node.ts, counts dispatches and submits;
 * `--browser` runs it in headless Chromium, bench/browser.ts, where Node's Dawn finds no adapter;
 * `--compare tfjs-webgpu` in the same page).
 */

import { type AttentionFactory, CausalSelfAttention } from '@lxmls/attention';
import {
  benchKernel,
  benchTrainWeather,
  GPT_NANO,
  KERNEL_SHAPES,
  type KernelResult,
  TRAIN_WEATHER_TARGETS,
  type TrainStepResult,
  type TrainStepSetup,
  type TrainWeatherBenchResult,
  timeTrainStep,
} from '@lxmls/course';
import { setBackend } from '@lxmls/tensor';
import { COMMON_OPTIONS, type Options, type OptionTable } from '../args.js';
import { chooseBackend } from '../backends.js';
import { type BrowserBenchResult, benchTrainStepInBrowser } from '../bench/browser.js';
import { BROWSER_COMPARE } from '../bench/browser-page.js';
import { type MachineInfo, machineInfo } from '../bench/timing.js';
import { type CommandContext, defineCommand, type RunContext } from '../command.js';
import { CliError } from '../errors.js';
import { loadStudentAttention, studentFailure } from '../train/student-attention.js';

/** The options of a count: an integer in [min, 100000]. */
const count = (min: number, fallback: number, help: string) =>
  ({ type: 'integer', value: 'N', min, max: 100_000, default: fallback, help }) as const;

/** The options of `lxmls bench`. */
const BENCH_OPTIONS = {
  backend: {
    ...COMMON_OPTIONS.backend,
    help: 'A registered backend (default: the highest-priority one, wasm): wasm, js, tfjs-wasm, tfjs-cpu, webgpu (needs a WebGPU adapter: in Node, Dawn from the npm webgpu package; or see --browser). An unknown name lists the available ones.',
  },
  browser: {
    type: 'flag',
    help: "train-step: run the benchmark on --backend webgpu (the default with --browser) in headless Chromium (the system chromium, with --enable-unsafe-webgpu; SwiftShader where there is no GPU), from a page bundled and served on 127.0.0.1 by this command; --compare tfjs-webgpu times TensorFlow.js's WebGPU engine in the same page. Needs a checkout of lxmls-ts (esbuild, playwright-core). Prints the adapter and the browser with every number.",
  },
  threads: {
    type: 'choice',
    value: 'N',
    choices: ['1', '2'],
    help: 'Threads of the wasm backend (default: 2 where the machine has two cores or more; the big matmuls are split between the main thread and a worker, with the same results).',
  },
  compare: {
    type: 'string',
    value: 'B2',
    help: 'Also time the same step (train-step) or the same shapes (kernels) on backend B2 in the same run (e.g. tfjs-wasm; with --browser: tfjs-webgpu) and print how many times faster B is.',
  },
  shapes: {
    type: 'choice',
    value: 'SET',
    choices: ['nano', 'gpt2', 'all'],
    default: 'all',
    help: 'kernels: the shapes.',
  },
  model: { type: 'string', value: 'NAME', help: 'train-step: the model (only gpt-nano).' },
  'batch-size': count(1, 64, 'train-step: sequences per step.'),
  steps: count(1, 20, 'train-step: timed steps.'),
  warmup: count(0, 3, 'train-step: untimed steps first.'),
  dropout: {
    type: 'number',
    value: 'P',
    min: 0,
    below: 1,
    default: 0.1,
    help: "train-step: dropout probability of the model (the course's; 0 turns it off).",
  },
  attention: {
    type: 'string',
    value: 'FORM',
    help: "train-step: separate (default: the exercise form's query/key/value projections on the fused kernel, FusedCausalSelfAttention, as the course trains gpt-nano), exercise (the exercise form CausalSelfAttention, composed step by step) or fused (GPT-2's c_attn). train-weather: a FILE exporting CausalSelfAttention (see lxmls train).",
  },
  iters: count(1, 2000, "train-weather: iterations of each run (the course's)."),
  seed: count(0, 42, 'train-weather: the seed of both runs.'),
  'eval-samples': count(1, 10_000, 'train-weather: held-out sequences scored after each run.'),
  json: {
    type: 'flag',
    help: `Print one JSON line instead of a table.
kernels: {"bench":"kernels","backend","threads","cpu","cores","node","results":[{"name","batch",
"m","k","n","transA","transB","mflop","ms","gflops"}]}, with --compare also
"compare":{"backend","results":[…the same fields…]}
train-step: {"bench":"train-step","model","backend","threads","batchSize","blockSize","steps",
"warmup","dropout","attention","medianMs","minMs","maxMs","lossFirst","lossLast","memory":{"tensorsFirst",
"tensorsLast","bytesFirst","bytesLast","rssEarlyMb" (after 10% of the steps),"rssLastMb"},"cpu","cores",
"node"}, with --compare also "compare":{"backend","medianMs","minMs","maxMs","lossFirst","lossLast"}
and "speedup" (B2's median over B's). On webgpu also "dispatches" and "submits" per timed step (the
loss's read included); with --browser also "browser","adapter" (vendor, architecture, device, driver),
"kernels" (tiled or simple), "userAgent", and the memory's RSS fields are null.
train-weather: {"bench":"train-weather","backend","threads","recipe","iters","batchSize",
"learningRate","seed","evalSamples","bayesLossAll","bayesLossTest","course":{RUN},
"attention":{"file" (or null),RUN…},"msPerIterRatio","targets":{"lossRatio",
"msPerIterRatio"},"passed":{"loss","speed"},"cpu","cores","node"}, where RUN is
"attention" (the class name),"msPerIter","medianMs","seconds","trainLoss","evalLoss",
"lossRatio" (over 0.2502),"labelAccuracy","sequenceAccuracy".`,
  },
} as const satisfies OptionTable;

/** The options of `lxmls bench`, checked. */
type BenchOptions = Options<typeof BENCH_OPTIONS>;

/**
 * `lxmls bench`: see its help (`lxmls help bench`).
 *
 * @example
 * ```ts
 * import { benchCommand } from './commands/bench.js';
 * console.log(benchCommand.name); // → bench
 * ```
 */
export const benchCommand = defineCommand({
  name: 'bench',
  summary:
    'Speed of a tensor backend: matmul GFLOP/s, ms per gpt-nano training step, a student attention in the course run',
  usage: `lxmls bench kernels [--backend B] [--threads N] [--compare B2] [--shapes nano|gpt2|all]
                           [--json]
       lxmls bench train-step [--model gpt-nano] [--batch-size 64] [--steps 20] [--warmup 3]
                              [--dropout 0.1] [--attention separate|exercise|fused] [--backend B]
                              [--threads N] [--compare B2] [--json]
       lxmls bench train-step --backend webgpu --browser [--compare tfjs-webgpu] [--json]
       lxmls bench train-weather [--attention FILE] [--iters 2000] [--seed 42] [--eval-samples 10000]
                                 [--backend B] [--threads N] [--json]`,
  description: `Measures a tensor backend on this machine.

  kernels      GFLOP/s of the backend's matmul kernel on the shapes of a gpt-nano training step (batch 64 ×
               11 tokens, 48 dims, 3 heads of 16, vocab 8) and of GPT-2 124M inference on one token
               (1×768 @ 768×2304, 768×3072, 3072×768, 768×50257): the median of 11 samples after a warm-up.
  train-step   Milliseconds per training step of the @lxmls/gpt GPT as gpt-nano (3 layers, 3 heads, 48 dims,
               vocab 8, block 11), trained as the course trains it: forward with cross-entropy (ignore index
               -1), zero grads, backward, gradient-norm clipping at 1.0, AdamW (@lxmls/trainer) over
               configureOptimizers' groups (weight decay 0.1 on Linear weights), lr 5e-4, betas (0.9, 0.95).
               Random tokens, the weather task's targets (last 6 of 11 positions). The median over --steps
               steps, the --warmup first steps excluded. On webgpu (and other backends whose reads are
               asynchronous) the step is recorded without a read, the clip in tensor ops, and its loss
               read after it (@lxmls/trainer's asynchronous path); the GPU dispatches and the submits of
               each step are counted. --browser runs it in headless Chromium, where Node's Dawn has no adapter.
  train-weather
               The course run of lxmls train weather (gpt-nano on the weather data, 2000 iterations of batch
               64 at lr 5e-4, seed 42, FusedCausalSelfAttention), then the same run with the attention of
               --attention FILE (your CausalSelfAttention of Exercise 2.2; default: the exercise form of
               @lxmls/attention, composed step by step), side by side in this process: the two runs take
               turns, one iteration each, so a changing load on the machine weighs on both alike (each after
               20 untimed warm-up iterations; each with its own random source, seeded as lxmls train weather
               seeds it: the same numbers). Each is scored on --eval-samples held-out sequences. Prints both
               runs' ms/iteration (each run's own iterations: the mean and the median, the first iteration
               excluded), losses and accuracies, the ratio of the ms/iteration, and the targets of a
               student's attention: held-out loss ≤ 1.04× the Bayes-optimal 0.2502, at ≤ 2× the course
               run's ms/iteration.`,
  options: BENCH_OPTIONS,
  subcommands: {
    kernels: ['backend', 'threads', 'compare', 'shapes', 'json'],
    'train-step': [
      'backend',
      'browser',
      'threads',
      'compare',
      'model',
      'batch-size',
      'steps',
      'warmup',
      'dropout',
      'attention',
      'json',
    ],
    'train-weather': ['backend', 'threads', 'attention', 'iters', 'seed', 'eval-samples', 'json'],
  },
  examples: [
    'lxmls bench train-step --backend wasm',
    'lxmls bench train-step --backend wasm --compare tfjs-wasm',
    'lxmls bench train-step --threads 1',
    'lxmls bench train-step --dropout 0 --attention fused',
    'lxmls bench train-step --backend webgpu --browser --compare tfjs-webgpu',
    'lxmls bench train-weather --attention causal-self-attention.ts',
    'lxmls bench kernels --backend js --shapes nano --json',
  ],
  run: bench,
});
/** Threads the backend computes with: the wasm backend's `threads`, else 1. */
function threadsOf(backend: unknown): number {
  const threads = (backend as { threads?: unknown }).threads;
  return typeof threads === 'number' ? threads : 1;
}

async function bench(
  o: BenchOptions,
  [what, ...extra]: string[],
  { out, given }: RunContext,
): Promise<number> {
  if (what === undefined && given.size === 0) {
    await out.write(`${benchCommand.usage}\n`); // a bare `lxmls bench` shows what it can run
    return 0;
  }
  if (what !== 'kernels' && what !== 'train-step' && what !== 'train-weather')
    throw new CliError(
      `${what === undefined ? 'missing' : `unknown benchmark ${JSON.stringify(what)}:`} expected kernels, train-step or train-weather, e.g. lxmls bench train-step`,
    );
  if (extra.length > 0) throw new CliError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (o.browser) return trainStepInBrowser(o, out);
  if (o.compare?.startsWith('tfjs-web'))
    throw new CliError(
      `--compare ${o.compare} needs a browser (Node has no WebGPU or WebGL): lxmls bench train-step --backend webgpu --browser --compare tfjs-webgpu`,
    );
  const backend = await chooseBackend(o.backend, {
    ...(o.threads === undefined ? {} : { threads: Number(o.threads) }),
    asyncReads: what === 'train-step', // kernels and train-weather read synchronously: one line refuses webgpu
  });
  const threads = threadsOf(backend);
  const adapter = (backend as { adapterName?: string }).adapterName;
  const on = `backend ${backend.name}${threads > 1 ? ` (${threads} threads)` : ''}${adapter === undefined ? '' : `, adapter ${adapter}`}`;
  const json = o.json;
  const machine = machineInfo();
  if (what === 'kernels') {
    const set = o.shapes;
    const shapes = KERNEL_SHAPES.filter((s) => set === 'all' || s.name.startsWith(set));
    const results = shapes.map((shape) => benchKernel(backend, shape));
    let compare: { backend: string; results: KernelResult[] } | undefined;
    if (o.compare !== undefined) {
      const other = await chooseBackend(o.compare);
      compare = { backend: other.name, results: shapes.map((shape) => benchKernel(other, shape)) };
      await setBackend(backend.name);
    }
    await out.write(
      json
        ? `${kernelsJson(backend.name, threads, machine, results, compare)}\n`
        : kernelsTable(on, machine, results, compare),
    );
    return 0;
  }
  if (what === 'train-weather') {
    await trainWeatherBench(o, out, { backend: backend.name, threads, on, machine, json });
    return 0;
  }
  const model = o.model ?? 'gpt-nano';
  if (model !== 'gpt-nano') throw new CliError(`unknown model ${JSON.stringify(model)}: expected gpt-nano`);
  const setup = trainStepSetup(o);
  const { batchSize, steps, warmup, dropout, attention } = setup;
  const result = await timeTrainStep(setup, rssMb);
  let compare: ({ backend: string } & TrainStepResult) | undefined;
  if (o.compare !== undefined) {
    const other = await chooseBackend(o.compare, { asyncReads: true });
    compare = { backend: other.name, ...(await timeTrainStep(setup, rssMb)) };
    await setBackend(backend.name);
  }
  const speedup = compare === undefined ? undefined : compare.medianMs / result.medianMs;
  const record = {
    bench: 'train-step',
    model,
    backend: backend.name,
    ...(adapter === undefined ? {} : { adapter }),
    threads,
    batchSize,
    blockSize: GPT_NANO.blockSize,
    steps,
    warmup,
    dropout,
    attention,
    ...result,
    ...machine,
    ...(compare === undefined ? {} : { compare, speedup }),
  };
  if (json) {
    await out.write(`${JSON.stringify(record)}\n`);
    return 0;
  }
  await out.write(
    `${stepTitle(setup)} on ${on}\n` +
      stepLines(setup, result) +
      (compare === undefined
        ? ''
        : `  ${compare.medianMs.toFixed(2)} ms per step on ${compare.backend} in the same run (loss ${compare.lossFirst.toFixed(4)} → ${compare.lossLast.toFixed(4)}): ${backend.name} is ${speedup!.toFixed(2)}× as fast\n`) +
      `  machine: ${machineLine(machine)}\n`,
  );
  return 0;
}

/** The train-step options, checked. */
function trainStepSetup(o: BenchOptions): TrainStepSetup {
  const { 'batch-size': batchSize, steps, warmup, dropout } = o;
  const attention = o.attention ?? 'separate';
  if (attention !== 'separate' && attention !== 'exercise' && attention !== 'fused')
    throw new CliError(
      `--attention must be separate, exercise or fused, received ${JSON.stringify(attention)}`,
    );
  return { batchSize, steps, warmup, dropout, attention };
}

/** `gpt-nano training step (batch 64 × 11 tokens, …)`. */
function stepTitle({ batchSize, attention, dropout }: TrainStepSetup): string {
  const c = GPT_NANO;
  return `gpt-nano training step (batch ${batchSize} × ${c.blockSize} tokens, ${c.nLayer} layers, ${c.nHead} heads, ${c.nEmbd} dims, vocab ${c.vocabSize}, ${attention} attention, dropout ${dropout})`;
}

/** The time, counts, losses and memory lines of a train-step result. */
function stepLines({ steps, warmup }: TrainStepSetup, result: TrainStepResult): string {
  return (
    `  ${result.medianMs.toFixed(2)} ms per step: median of ${steps} steps (min ${result.minMs.toFixed(2)}, max ${result.maxMs.toFixed(2)}), after ${warmup} warm-up steps\n` +
    countsLine(result) +
    `  loss ${result.lossFirst.toFixed(4)} → ${result.lossLast.toFixed(4)}\n` +
    `  memory after step 1 → after step ${warmup + steps}: ${memoryLine(result.memory)}\n`
  );
}

/** The process RSS in MB (Node). */
const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

function memoryLine(m: TrainStepResult['memory']): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(2);
  const rss =
    m.rssEarlyMb === null ? '' : `, process RSS after 10% of the steps ${m.rssEarlyMb} → ${m.rssLastMb} MB`;
  return `${m.tensorsFirst} → ${m.tensorsLast} live tensors, ${mb(m.bytesFirst)} → ${mb(m.bytesLast)} MB of tensor storage${rss}`;
}

/** `  206 GPU dispatches and 1 submit per step` for a backend that counts them, else nothing. */
function countsLine(r: TrainStepResult): string {
  if (r.dispatches === undefined) return '';
  const n = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  return `  ${n(r.dispatches)} GPU dispatches and ${n(r.submits!)} submit${r.submits === 1 ? '' : 's'} of command buffers per step (the loss's read included)\n`;
}

/** `lxmls bench train-step --browser`: the step on webgpu (and tfjs-webgpu) in headless Chromium. */
async function trainStepInBrowser(o: BenchOptions, out: CommandContext['out']): Promise<number> {
  if (o.backend !== undefined && o.backend !== 'webgpu')
    throw new CliError(
      `--browser runs --backend webgpu only, received ${JSON.stringify(o.backend)}: leave out --browser to run ${o.backend} in Node`,
    );
  if (o.compare !== undefined && !(BROWSER_COMPARE as readonly string[]).includes(o.compare))
    throw new CliError(
      `--browser compares with ${BROWSER_COMPARE.join(', ')} only, received ${JSON.stringify(o.compare)}`,
    );
  if (o.threads !== undefined)
    throw new CliError('option --threads applies to the wasm backend, not --browser');
  const model = o.model ?? 'gpt-nano';
  if (model !== 'gpt-nano') throw new CliError(`unknown model ${JSON.stringify(model)}: expected gpt-nano`);
  const setup = trainStepSetup(o);
  const page = await benchTrainStepInBrowser(setup, o.compare);
  if (page.unavailable !== undefined || page.result === undefined)
    throw new CliError(
      `WebGPU is not available in ${page.browser} (${page.unavailable ?? 'no result'}): use --backend wasm (the CPU) without --browser`,
    );
  const machine = machineInfo();
  const { result, compare } = page;
  const speedup = compare === undefined ? undefined : compare.medianMs / result.medianMs;
  const record = {
    bench: 'train-step',
    model,
    backend: 'webgpu',
    threads: 1,
    browser: page.browser,
    adapter: page.adapter,
    kernels: page.kernels,
    ...setup,
    blockSize: GPT_NANO.blockSize,
    ...result,
    userAgent: page.userAgent,
    ...machine,
    ...(compare === undefined ? {} : { compare, speedup }),
  };
  if (o.json) {
    await out.write(`${JSON.stringify(record)}\n`);
    return 0;
  }
  await out.write(
    `${stepTitle(setup)} on backend webgpu in headless ${page.browser}, adapter ${page.adapter} (${page.kernels} kernels)\n` +
      stepLines(setup, result) +
      (compare === undefined
        ? ''
        : `  ${compare.medianMs.toFixed(2)} ms per step on ${compare.backend} in the same page (loss ${compare.lossFirst.toFixed(4)} → ${compare.lossLast.toFixed(4)}): webgpu is ${speedup!.toFixed(2)}× as fast\n`) +
      `  machine: ${machineLine(machine)} (the browser ran on it: ${browserNote(page)})\n`,
  );
  return 0;
}

/** Says whether the adapter is a CPU one (SwiftShader: its times are not GPU times). */
function browserNote(page: BrowserBenchResult): string {
  return /swiftshader|llvmpipe|lavapipe/i.test(page.adapter ?? '')
    ? 'a CPU implementation of WebGPU, so these are not GPU timings'
    : 'the adapter above';
}

function machineLine(m: MachineInfo): string {
  return `${m.cpu}, ${m.cores} cores, Node ${m.node}`;
}

/** The kernels of a second backend timed in the same run (`--compare`). */
interface KernelsCompare {
  backend: string;
  results: KernelResult[];
}

function kernelsJson(
  backend: string,
  threads: number,
  machine: MachineInfo,
  results: KernelResult[],
  compare?: KernelsCompare,
): string {
  const round = (x: number, digits: number) => Number(x.toPrecision(digits));
  const rounded = (list: KernelResult[]) =>
    list.map((r) => ({ ...r, mflop: round(r.mflop, 6), ms: round(r.ms, 4), gflops: round(r.gflops, 4) }));
  return JSON.stringify({
    bench: 'kernels',
    backend,
    threads,
    ...machine,
    results: rounded(results),
    ...(compare ? { compare: { backend: compare.backend, results: rounded(compare.results) } } : {}),
  });
}

function kernelsTable(
  backend: string,
  machine: MachineInfo,
  results: KernelResult[],
  compare?: KernelsCompare,
): string {
  const rows = results.map((r, i) => {
    const shape = `${r.batch > 1 ? `${r.batch} × ` : ''}${r.m}×${r.k} @ ${r.k}×${r.n}${r.transA ? ' (Aᵀ)' : ''}${r.transB ? ' (Bᵀ)' : ''}`;
    const other = compare?.results[i];
    const vs = other
      ? ` ${other.ms.toFixed(4).padStart(9)} ${(other.ms / r.ms).toFixed(2).padStart(6)}×`
      : '';
    return `  ${r.name.padEnd(18)} ${shape.padEnd(28)} ${r.mflop.toFixed(2).padStart(8)} ${r.ms.toFixed(4).padStart(9)} ${r.gflops.toFixed(1).padStart(7)}${vs}`;
  });
  const vsHead = compare ? ` ${`ms ${compare.backend}`.padStart(9)} ${'faster'.padStart(7)}` : '';
  return (
    `matmul kernel on ${backend}${compare ? ` and ${compare.backend} in the same run` : ''} (median of 11 samples)\n` +
    `  ${'name'.padEnd(18)} ${'shape'.padEnd(28)} ${'MFLOP'.padStart(8)} ${'ms'.padStart(9)} ${'GFLOP/s'.padStart(7)}${vsHead}\n` +
    `${rows.join('\n')}\n` +
    `  machine: ${machineLine(machine)}\n`
  );
}

/** Where and how `train-weather` reports. */
interface BenchContext {
  backend: string;
  threads: number;
  /** `backend wasm (2 threads)`. */
  on: string;
  machine: MachineInfo;
  json: boolean;
}

/** `lxmls bench train-weather`: the course run and the run with `--attention FILE`, side by side. */
async function trainWeatherBench(
  o: Pick<BenchOptions, 'iters' | 'seed' | 'eval-samples' | 'attention'>,
  out: CommandContext['out'],
  { backend, threads, on, machine, json }: BenchContext,
): Promise<void> {
  const { iters, seed, 'eval-samples': evalSamples, attention: file } = o;
  const attention: AttentionFactory =
    file === undefined ? CausalSelfAttention : await loadStudentAttention(file);
  let result: TrainWeatherBenchResult;
  try {
    result = await benchTrainWeather({ attention, iters, seed, evalSamples });
  } catch (error) {
    throw file === undefined ? error : studentFailure(error, file);
  }
  const { course, other, recipe, passed } = result;
  if (json) {
    const record = {
      bench: 'train-weather',
      backend,
      threads,
      recipe: 'course',
      iters: recipe.iters,
      batchSize: recipe.batchSize,
      learningRate: recipe.learningRate,
      seed,
      evalSamples,
      bayesLossAll: result.bayesLossAll,
      bayesLossTest: result.bayesLossTest,
      course,
      attention: { file: file ?? null, ...other },
      msPerIterRatio: result.msPerIterRatio,
      targets: TRAIN_WEATHER_TARGETS,
      passed,
      ...machine,
    };
    await out.write(`${JSON.stringify(record)}\n`);
    return;
  }
  const label = (run: typeof course, what: string) => `${run.attention} (${what})`;
  const rows = [
    [label(course, 'course'), course],
    [label(other, file ?? 'the exercise form'), other],
  ] as const;
  const width = Math.max(36, ...rows.map(([name]) => name.length + 2));
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const line = (cells: string[]) =>
    `  ${cells[0]!.padEnd(width)}${cells
      .slice(1)
      .map((c) => c.padStart(11))
      .join('')}`;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  await out.write(
    [
      `gpt-nano on the weather data, the course recipe (${recipe.iters} iterations, batch ${recipe.batchSize}, lr ${recipe.learningRate}, seed ${seed}) on ${on}: two runs taking turns (one iteration each) in this process, each scored on ${evalSamples} held-out sequences`,
      line([
        'attention',
        'ms/iter',
        'median ms',
        'train loss',
        'held-out',
        '/ 0.2502',
        'labels',
        'sequences',
      ]),
      ...rows.map(([name, run]) =>
        line([
          name,
          run.msPerIter.toFixed(2),
          run.medianMs.toFixed(2),
          run.trainLoss.toFixed(4),
          run.evalLoss.toFixed(4),
          run.lossRatio.toFixed(3),
          pct(run.labelAccuracy),
          pct(run.sequenceAccuracy),
        ]),
      ),
      `  ${other.attention} takes ${result.msPerIterRatio.toFixed(2)}× the course run's ms/iteration (target ≤ ${TRAIN_WEATHER_TARGETS.msPerIterRatio}×: ${verdict(passed.speed)}); its held-out loss is ${other.lossRatio.toFixed(3)}× the Bayes-optimal ${result.bayesLossAll.toFixed(4)} (target ≤ ${TRAIN_WEATHER_TARGETS.lossRatio}×: ${verdict(passed.loss)})`,
      `  machine: ${machineLine(machine)}`,
      '',
    ].join('\n'),
  );
}
