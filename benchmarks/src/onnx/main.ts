/**
 * `pnpm bench:onnx [--tokens 30] [--wasm] [--python PATH] [--threads N] [--turns 6] [--json]`: issue 15's
 * targets in one run, side by side, on GPT-2 124M's shape with seeded random weights (12 layers, 12 heads,
 * 768 channels, vocabulary 50,257, block 1,024, an untied head: 163M parameters):
 *
 * - the export (`exportOnnxFolder` of the graph for ONNX Runtime: `fused` contrib operators and
 *   `num_logits_to_keep`: time, file size, RSS growth), written to a temporary folder; and, as "before", the
 *   standard graph (`exportOnnx`'s default) on ONNX Runtime's own threads (one per core);
 * - greedy generation with the KV cache after an 8-token prompt, in turns (ABBA ABBA…, so a slow moment of the
 *   shared machine falls on every contender): @lxmls/gpt's `generate` on @lxmls/backend-wasm, @lxmls/onnx's
 *   `generateOnnx` on onnxruntime-node with the fused graph (createSession's defaults) and before, and
 *   transformers.js 4 loading the fused folder offline and generating on the same onnxruntime-node with our
 *   session's thread settings (and, with `--wasm`,
 *   `generateOnnx` on onnxruntime-web's wasm build, once); each contender's best turn, and the median over the
 *   turns of the ratio within each turn; the ids of every path are compared with @lxmls/gpt's;
 * - next to them the memory-bandwidth bound: the bytes of weights a step reads ÷ the bandwidth measured here
 *   (one thread copying 256 MB: bytes read + written per second);
 * - a 128-token prompt, in turns: one forward with the logits of every position (`forwardOnnx`, fused and
 *   before), and the first token (`generateOnnx(prompt, 1)`: the head on the last position only);
 *   with `--python`, PyTorch's forward in a Python child in the same turns (one thread: every position's
 *   logits, and the last position's with its argmax; two threads: every position's).
 *
 * Prints Markdown tables with the machine (or one JSON line with `--json`). Progress goes to stderr.
 */

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { registerWasmBackend } from '@lxmls/backend-wasm';
import { GPT } from '@lxmls/gpt';
import {
  createSession,
  exportOnnx,
  exportOnnxFolder,
  forwardOnnx,
  generateOnnx,
  type OnnxSession,
} from '@lxmls/onnx';
import { RandomGenerator, setBackend, type Tensor, tensor } from '@lxmls/tensor';
import { bandwidthBound, bytesPerToken, machineLine, median, parseBenchArgs, turnOrder } from './measure.js';

const log = (line: string) => process.stderr.write(`[bench:onnx] ${line}\n`);
const PROMPT = [464, 3290, 318, 257, 1332, 286, 262, 1708]; // "The dog is a test of the following"

/** One contender of a side-by-side comparison: its name and one timed run (ms). */
interface Contender {
  name: string;
  run: () => Promise<number>;
}

/** Runs the contenders in `turns` turns (ABBA order); returns each one's times, in turn order. */
async function inTurns(contenders: Contender[], turns: number, label: string): Promise<number[][]> {
  const times = contenders.map(() => [] as number[]);
  for (let turn = 0; turn < turns; turn++) {
    for (const i of turnOrder(contenders.length, turn)) times[i]!.push(await contenders[i]!.run());
    log(
      `${label} turn ${turn + 1}: ${contenders.map((c, i) => `${c.name} ${times[i]![turn]!.toFixed(0)} ms`).join(', ')}`,
    );
  }
  return times;
}

/** Copies 256 MB with one thread, best of 5: (bytes read + bytes written) per second. */
function measureBandwidth(): number {
  const n = 64 * 2 ** 20; // float32s: 256 MB
  const a = new Float32Array(n).fill(1);
  const b = new Float32Array(n);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    b.set(a);
    best = Math.min(best, performance.now() - t);
  }
  return (2 * 4 * n) / (best / 1000);
}

/** PyTorch's forward of GPT-2's shape on a 128-token prompt, timed in a Python child on request. */
class TorchTimer {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static readonly SCRIPT = `
import sys, time, torch
from transformers import GPT2Config, GPT2LMHeadModel
torch.manual_seed(0)
m = GPT2LMHeadModel(GPT2Config()).eval()
x = torch.randint(0, 50257, (1, 128))
print("ready", torch.__version__, flush=True)
with torch.no_grad():
    for line in sys.stdin:
        kind, threads = line.split()
        torch.set_num_threads(int(threads))
        t = time.perf_counter()
        logits = m(x, logits_to_keep=1 if kind == "last" else 0).logits
        if kind == "last": logits[0, -1].argmax()
        print((time.perf_counter() - t) * 1000, flush=True)
`;

  /** Starts the child; a string says why PyTorch could not run. */
  static async start(python: string): Promise<TorchTimer | string> {
    const child = spawn(python, ['-c', TorchTimer.SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = new TorchTimer(child);
    const first = await timer.lines.next().catch(() => ({ done: true, value: '' }));
    if (first.done || !String(first.value).startsWith('ready')) {
      child.kill();
      return `PyTorch did not run: ${stderr.trim().split('\n').pop() ?? 'no output'}`;
    }
    log(`PyTorch ${String(first.value).split(' ')[1]} in ${python}`);
    return timer;
  }

  /** One forward: every position's logits (`all`) or the last one's with its argmax (`last`), on `threads`. */
  async time(kind: 'all' | 'last', threads: number): Promise<number> {
    this.child.stdin.write(`${kind} ${threads}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error('the PyTorch child exited');
    return Number(line.value);
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** Times one greedy generation of `tokens` tokens after the prompt (ms); keeps the ids. */
function generationRun(generate: () => Promise<number[]>, idsOut: { ids: number[] }): () => Promise<number> {
  return async () => {
    const t = performance.now();
    idsOut.ids = await generate();
    return performance.now() - t;
  };
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (typeof options === 'string') {
    process.stderr.write(
      `bench:onnx: ${options}.\nUsage: pnpm bench:onnx [--tokens 30] [--wasm] [--python PATH] [--threads N] [--turns 6] [--json]\n`,
    );
    process.exit(2);
  }
  const { tokens: N, turns, threads } = options;
  const machine = machineLine();
  registerWasmBackend();
  await setBackend('wasm');
  const config = {
    ...GPT.getDefaultConfig(),
    modelType: 'gpt2',
    vocabSize: 50257,
    blockSize: 1024,
    pretrained: true,
  };
  const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();
  const params = model.numParameters();
  log(`GPT-2 124M shape, ${params} parameters, seeded random weights`);

  // the export for ONNX Runtime (fused, num_logits_to_keep), written as the folder transformers.js reads
  const graph = { fused: true, numLogitsToKeep: true };
  const rss0 = process.memoryUsage().rss;
  const t = performance.now();
  const files = exportOnnxFolder(model, graph);
  const exportMs = performance.now() - t;
  const exportRss = process.memoryUsage().rss - rss0;
  const root = mkdtempSync(join(tmpdir(), 'lxmls-bench-onnx-'));
  const folder = join(root, 'gpt2-shape');
  for (const [path, data] of files) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), data);
  }
  const onnxBytes = files.get('onnx/model.onnx') as Uint8Array;
  const fileBytes = onnxBytes.length;
  log(`exported in ${exportMs.toFixed(0)} ms: ${(fileBytes / 1e6).toFixed(0)} MB`);

  try {
    // now: createSession's default threads ('auto': one on a busy machine), unless --threads says
    const onnx = await createSession(onnxBytes, { backend: 'onnx-node', numThreads: threads ?? 'auto' });
    files.clear(); // the session holds its own copy of the weights
    // before: the standard graph on ONNX Runtime's own threads (one per core), as @lxmls/onnx 0.1 ran it
    const standard = await createSession(exportOnnx(model, { kvCache: true }), {
      backend: 'onnx-node',
      numThreads: threads ?? availableParallelism(),
    });
    const tf = await import('@huggingface/transformers');
    tf.env.allowRemoteModels = false;
    tf.env.localModelPath = root;
    // transformers.js's session with the same threads as ours, so that the two differ only in the work around
    // session.run
    const hf = await tf.AutoModelForCausalLM.from_pretrained('gpt2-shape', {
      dtype: 'fp32',
      device: 'cpu',
      session_options: onnx.numThreads === undefined ? {} : { intraOpNumThreads: onnx.numThreads },
    });
    const hfIds = tensorOfPrompt(tf);
    const prompt = tensor([PROMPT], undefined, 'int32');
    const rowOf = (out: Tensor) => out.toArray(2)[0]!;
    const reference = rowOf(model.generate(prompt, N));

    // greedy generation in turns: the wasm tensor path, ours on both graphs, transformers.js
    const ids = Array.from({ length: 4 }, () => ({ ids: [] as number[] }));
    const contenders: Contender[] = [
      { name: 'wasm', run: generationRun(async () => rowOf(model.generate(prompt, N)), ids[0]!) },
      {
        name: 'onnx fused',
        run: generationRun(async () => rowOf(await generateOnnx(onnx, prompt, N)), ids[1]!),
      },
      {
        name: 'onnx before',
        run: generationRun(async () => rowOf(await generateOnnx(standard, prompt, N)), ids[2]!),
      },
      {
        name: 'transformers.js',
        run: generationRun(async () => {
          const out = (await hf.generate({
            input_ids: hfIds,
            max_new_tokens: N,
            min_new_tokens: N,
            do_sample: false,
          })) as { tolist(): bigint[][] };
          return out.tolist()[0]!.map(Number);
        }, ids[3]!),
      },
    ];
    for (const c of contenders) await c.run(); // warm-up
    const genMs = await inTurns(contenders, turns, 'generate');
    await hf.dispose();
    const same = (row: number[]) => row.join() === reference.join();
    const tps = (ms: number) => (1000 * N) / ms;
    const generation = contenders.map((c, i) => ({
      path: c.name,
      bestTokensPerSecond: tps(Math.min(...genMs[i]!)),
      tokensPerSecondPerTurn: genMs[i]!.map(tps),
      idsEqual: same(ids[i]!.ids),
    }));
    /** Median over the turns of a's tokens/s ÷ b's in the same turn. */
    const perTurn = (a: number, b: number) => genMs[a]!.map((ms, turn) => genMs[b]![turn]! / ms);
    let wasmRuntime: { tokensPerSecond: number; idsEqual: boolean } | undefined;
    if (options.wasm) {
      const web = await createSession(exportOnnx(model, { kvCache: true, ...graph }), {
        backend: 'onnx-wasm',
        numThreads: threads ?? 2,
      });
      const out = { ids: [] as number[] };
      const ms = await generationRun(async () => rowOf(await generateOnnx(web, prompt, N)), out)();
      wasmRuntime = { tokensPerSecond: tps(ms), idsEqual: same(out.ids) };
      await web.session.release();
    }

    // a 128-token prompt in turns: ours (every position's logits, now and before; the first token) and
    // PyTorch's in the same turns
    const long = tensor([Array.from({ length: 128 }, (_, i) => (i * 7919) % 50257)], undefined, 'int32');
    const timed = (f: () => Promise<unknown>) => async () => {
      const start = performance.now();
      await f();
      return performance.now() - start;
    };
    const forwardOf = (s: OnnxSession) =>
      timed(async () => {
        const out = await forwardOnnx(s, long);
        out.logits.dispose();
      });
    const torch = options.python === undefined ? undefined : await TorchTimer.start(options.python);
    const promptContenders: Contender[] = [
      { name: 'onnx fused, all logits', run: forwardOf(onnx) },
      { name: 'onnx before, all logits', run: forwardOf(standard) },
      { name: 'onnx fused, first token', run: timed(() => generateOnnx(onnx, long, 1)) },
    ];
    if (torch instanceof TorchTimer)
      promptContenders.push(
        { name: 'PyTorch 1 thread, all logits', run: () => torch.time('all', 1) },
        { name: 'PyTorch 1 thread, first token', run: () => torch.time('last', 1) },
        { name: 'PyTorch 2 threads, all logits', run: () => torch.time('all', 2) },
      );
    for (const c of promptContenders) await c.run(); // warm-up
    const promptMs = await inTurns(promptContenders, turns, 'prompt');
    if (torch instanceof TorchTimer) torch.close();
    await onnx.session.release();
    await standard.session.release();
    const prompt128 = promptContenders.map((c, i) => ({
      path: c.name,
      bestMs: Math.min(...promptMs[i]!),
      medianMs: median(promptMs[i]!),
      msPerTurn: promptMs[i]!,
    }));
    /** Median over the turns of b's time ÷ a's (how many times faster a is). */
    const promptRatio = (a: number, b: number) =>
      median(promptMs[a]!.map((ms, turn) => promptMs[b]![turn]! / ms));

    const bandwidth = measureBandwidth();
    const bytes = bytesPerToken({ ...model.config, tiedHead: false });
    const bound = bandwidthBound(bandwidth, bytes);
    const ratios = {
      onnxOverWasm: median(perTurn(1, 0)),
      onnxOverTransformersJs: median(perTurn(1, 3)),
      onnxOverBefore: median(perTurn(1, 2)),
      beforeOverWasm: median(perTurn(2, 0)),
    };
    const report = {
      machine,
      threads: threads ?? 'default',
      onnxThreads: onnx.numThreads ?? 'default',
      model: { parameters: params, file: fileBytes },
      export: { ms: exportMs, rssGrowth: exportRss },
      tokens: N,
      turns,
      generation,
      ratios,
      onnxWasmRuntime: wasmRuntime ?? null,
      bandwidth: { bytesPerSecond: bandwidth, bytesPerToken: bytes, boundTokensPerSecond: bound },
      prompt128,
      promptRatios:
        torch instanceof TorchTimer
          ? {
              allLogits: promptRatio(0, 3),
              firstToken: promptRatio(2, 4),
              allLogitsTorch2: promptRatio(0, 5),
            }
          : null,
      pytorch: typeof torch === 'string' ? torch : null,
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return;
    }
    const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
    const list = (xs: number[], digits = 1) => xs.map((x) => x.toFixed(digits)).join(', ');
    const lines = [
      `Machine: ${machine}`,
      `Model: GPT-2 124M shape, seeded random weights, ${params} parameters, ONNX file ${mb(fileBytes)}`,
      `Export (exportOnnxFolder, fused + num_logits_to_keep): ${(exportMs / 1000).toFixed(2)} s, RSS +${mb(exportRss)}`,
      `onnxruntime-node intra-op threads: ${onnx.numThreads ?? 'its default (one per core)'} (${threads === undefined ? "createSession's 'auto': one at a load average ≥ the cores" : '--threads'}; before: ${threads ?? availableParallelism()}); ${turns} turn${turns === 1 ? '' : 's'}, ABBA order`,
      '',
      `| greedy, KV cache, ${N} tokens after 8 | best turn, tokens/s | every turn | ids = @lxmls/gpt's |`,
      '| --- | --- | --- | --- |',
      ...generation.map(
        (r) =>
          `| ${r.path} | ${r.bestTokensPerSecond.toFixed(1)} | ${list(r.tokensPerSecondPerTurn)} | ${r.idsEqual ? 'yes' : 'NO'} |`,
      ),
      ...(wasmRuntime
        ? [
            `| onnx fused on onnxruntime-web wasm (once) | ${wasmRuntime.tokensPerSecond.toFixed(1)} | | ${wasmRuntime.idsEqual ? 'yes' : 'NO'} |`,
          ]
        : []),
      `| memory-bandwidth bound | ${bound.toFixed(1)} (${mb(bytes)} of weights per token ÷ ${(bandwidth / 1e9).toFixed(1)} GB/s) | | |`,
      '',
      `Median over the turns of the ratio within a turn: onnx fused ÷ wasm ${ratios.onnxOverWasm.toFixed(2)} (target ≥ 1.3; turns ${list(perTurn(1, 0), 2)}), ` +
        `÷ transformers.js ${ratios.onnxOverTransformersJs.toFixed(2)} (target ≥ 1; turns ${list(perTurn(1, 3), 2)}), ` +
        `÷ onnx before ${ratios.onnxOverBefore.toFixed(2)}; onnx before ÷ wasm ${ratios.beforeOverWasm.toFixed(2)}.`,
      '',
      '| 128-token prompt | best, ms | median, ms | every turn |',
      '| --- | --- | --- | --- |',
      ...prompt128.map(
        (r) => `| ${r.path} | ${r.bestMs.toFixed(0)} | ${r.medianMs.toFixed(0)} | ${list(r.msPerTurn, 0)} |`,
      ),
      '',
      report.promptRatios
        ? `PyTorch (1 thread) ÷ onnx fused, median over the turns (target > 1): all logits ${report.promptRatios.allLogits.toFixed(2)}, first token ${report.promptRatios.firstToken.toFixed(2)}; PyTorch on 2 threads ÷ onnx fused, all logits: ${report.promptRatios.allLogitsTorch2.toFixed(2)}.`
        : (report.pytorch ?? 'PyTorch: give --python PATH.'),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
    model.dispose();
  }
}

/** The prompt as transformers.js's int64 tensor. */
function tensorOfPrompt(tf: typeof import('@huggingface/transformers')) {
  return new tf.Tensor(
    'int64',
    BigInt64Array.from(PROMPT, (x) => BigInt(x)),
    [1, PROMPT.length],
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:onnx: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
