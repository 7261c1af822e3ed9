/**
 * `pnpm bench:onnx [--tokens 30] [--wasm] [--python PATH] [--json]`: issue 15's targets in one run, side by
 * side, on GPT-2 124M's shape with seeded random weights (12 layers, 12 heads, 768 channels, vocabulary 50,257,
 * block 1,024, an untied head: 163M parameters):
 *
 * - the export (`exportOnnxFolder`: time, file size, RSS growth), written to a temporary folder;
 * - greedy generation with the KV cache after an 8-token prompt: @lxmls/gpt's `generate` on
 *   @lxmls/backend-wasm, @lxmls/onnx's `generateOnnx` on onnxruntime-node, and transformers.js 4 loading the
 *   same exported folder offline and generating on the same onnxruntime-node (and, with `--wasm`,
 *   `generateOnnx` on onnxruntime-web's wasm build); ours and transformers.js take eight turns each, in the
 *   order ABBA ABBA (each first half of the time); the best turn counts, and the ratio of each turn is printed
 *   with their median (a shared machine's load moves both within a turn); the ids of every path are compared with @lxmls/gpt's;
 * - next to them the memory-bandwidth bound: the bytes of weights a step reads ÷ the bandwidth measured here
 *   (one thread copying 256 MB: bytes read + written per second);
 * - one forward of a 128-token prompt on onnxruntime-node (best of 3), and PyTorch's when `--python` names a
 *   Python with torch and transformers (one thread).
 *
 * Prints a Markdown table with the machine (or one JSON line with `--json`). Progress goes to stderr.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { registerWasmBackend } from '@lxmls/backend-wasm';
import { GPT } from '@lxmls/gpt';
import { createSession, exportOnnxFolder, forwardOnnx, generateOnnx, type OnnxSession } from '@lxmls/onnx';
import { RandomGenerator, setBackend, tensor } from '@lxmls/tensor';
import { bandwidthBound, bytesPerToken, machineLine, parseBenchArgs } from './measure.js';

const log = (line: string) => process.stderr.write(`[bench:onnx] ${line}\n`);
/** Turns of @lxmls/onnx and transformers.js, in the order ABBA ABBA. */
const TURNS = 8;
const PROMPT = [464, 3290, 318, 257, 1332, 286, 262, 1708]; // "The dog is a test of the following"

/** One row of the results. */
interface Row {
  path: string;
  runtime: string;
  tokensPerSecond: number;
  idsEqual: boolean;
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

/** Greedy ids and wall time of `generateOnnx` (after a 2-token warm-up). */
async function timeOnnx(onnx: OnnxSession, tokens: number): Promise<{ ids: number[]; ms: number }> {
  const prompt = tensor([PROMPT], undefined, 'int32');
  await generateOnnx(onnx, prompt, 2);
  const t = performance.now();
  const out = await generateOnnx(onnx, prompt, tokens);
  const ms = performance.now() - t;
  return { ids: (out.toArray() as number[][])[0]!, ms };
}

/** PyTorch's 128-token forward of GPT-2's shape on one thread, best of 3, or why it could not run. */
function pytorchPromptMs(python: string): number | string {
  const script = `
import time, torch
from transformers import GPT2Config, GPT2LMHeadModel
torch.manual_seed(0); torch.set_num_threads(1)
m = GPT2LMHeadModel(GPT2Config()).eval()
x = torch.randint(0, 50257, (1, 128))
with torch.no_grad():
    m(x); best = 1e9
    for _ in range(3):
        t = time.perf_counter(); m(x); best = min(best, time.perf_counter() - t)
print(best * 1000)`;
  try {
    return Number(execFileSync(python, ['-c', script], { encoding: 'utf8' }).trim().split('\n').pop());
  } catch (error) {
    return `PyTorch did not run: ${(error as Error).message.split('\n')[0]}`;
  }
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (typeof options === 'string') {
    process.stderr.write(
      `bench:onnx: ${options}.\nUsage: pnpm bench:onnx [--tokens 30] [--wasm] [--python PATH] [--json]\n`,
    );
    process.exit(2);
  }
  const N = options.tokens;
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

  // the export, written as the folder transformers.js reads
  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const files = exportOnnxFolder(model);
  const exportMs = performance.now() - t;
  const exportRss = process.memoryUsage().rss - rss0;
  const root = mkdtempSync(join(tmpdir(), 'lxmls-bench-onnx-'));
  const folder = join(root, 'gpt2-shape');
  for (const [path, data] of files) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), data);
  }
  const onnxBytes = files.get('onnx/model.onnx') as Uint8Array;
  log(`exported in ${exportMs.toFixed(0)} ms: ${(onnxBytes.length / 1e6).toFixed(0)} MB`);

  try {
    const rows: Row[] = [];
    // @lxmls/gpt on its wasm backend
    const prompt = tensor([PROMPT], undefined, 'int32');
    model.generate(prompt, 2).dispose(); // warm-up
    t = performance.now();
    const reference = (model.generate(prompt, N).toArray() as number[][])[0]!;
    const oursMs = performance.now() - t;
    rows.push({
      path: '@lxmls/gpt generate',
      runtime: '@lxmls/backend-wasm',
      tokensPerSecond: (1000 * N) / oursMs,
      idsEqual: true,
    });
    log(`@lxmls/gpt on wasm: ${((1000 * N) / oursMs).toFixed(1)} tokens/s`);

    // @lxmls/onnx and transformers.js on the same onnxruntime-node, taking turns
    const onnx = await createSession(onnxBytes, { backend: 'onnx-node' });
    const tf = await import('@huggingface/transformers');
    tf.env.allowRemoteModels = false;
    tf.env.localModelPath = root;
    const hf = await tf.AutoModelForCausalLM.from_pretrained('gpt2-shape', { dtype: 'fp32', device: 'cpu' });
    const hfIds = tensorOfPrompt(tf);
    const hfRun = async () => {
      const out = (await hf.generate({
        input_ids: hfIds,
        max_new_tokens: N,
        min_new_tokens: N,
        do_sample: false,
      })) as {
        tolist(): bigint[][];
      };
      return out.tolist()[0]!.map(Number);
    };
    await hfRun(); // warm-up
    const best = { ours: Number.POSITIVE_INFINITY, hf: Number.POSITIVE_INFINITY };
    const turnRatios: number[] = []; // ours ÷ transformers.js, per turn: the load of a shared machine moves both
    let oursIds: number[] = [];
    let hfOut: number[] = [];
    for (let turn = 0; turn < TURNS; turn++) {
      // ABBA: each goes first twice, so a slow moment of the shared machine falls on both
      const runOurs = async () => {
        const a = await timeOnnx(onnx, N);
        best.ours = Math.min(best.ours, a.ms);
        oursIds = a.ids;
        return (1000 * N) / a.ms;
      };
      const runHf = async () => {
        const start = performance.now();
        hfOut = await hfRun();
        const ms = performance.now() - start;
        best.hf = Math.min(best.hf, ms);
        return (1000 * N) / ms;
      };
      const [x, y] =
        turn % 4 === 0 || turn % 4 === 3
          ? [await runOurs(), await runHf()]
          : [await runHf(), await runOurs()].reverse();
      turnRatios.push(x! / y!);
      log(`turn ${turn + 1}: @lxmls/onnx ${x!.toFixed(1)}, transformers.js ${y!.toFixed(1)} tokens/s`);
    }
    const same = (ids: number[]) => ids.join() === reference.join();
    rows.push({
      path: '@lxmls/onnx generateOnnx',
      runtime: 'onnxruntime-node',
      tokensPerSecond: (1000 * N) / best.ours,
      idsEqual: same(oursIds),
    });
    rows.push({
      path: 'transformers.js generate',
      runtime: 'onnxruntime-node',
      tokensPerSecond: (1000 * N) / best.hf,
      idsEqual: same(hfOut),
    });
    await hf.dispose();

    if (options.wasm) {
      const web = await createSession(onnxBytes, { backend: 'onnx-wasm', numThreads: 2 });
      const w = await timeOnnx(web, N);
      rows.push({
        path: '@lxmls/onnx generateOnnx',
        runtime: 'onnxruntime-web wasm (2 threads)',
        tokensPerSecond: (1000 * N) / w.ms,
        idsEqual: same(w.ids),
      });
      await web.session.release();
    }

    // one forward of a 128-token prompt
    const long = tensor([Array.from({ length: 128 }, (_, i) => (i * 7919) % 50257)], undefined, 'int32');
    const forwards: number[] = [];
    for (let r = 0; r < 4; r++) {
      t = performance.now();
      const out = await forwardOnnx(onnx, long);
      if (r > 0) forwards.push(performance.now() - t);
      out.logits.dispose();
    }
    const promptMs = Math.min(...forwards);
    await onnx.session.release();
    const torchMs = options.python === undefined ? undefined : pytorchPromptMs(options.python);

    const bandwidth = measureBandwidth();
    const bytes = bytesPerToken({ ...model.config, tiedHead: false });
    const bound = bandwidthBound(bandwidth, bytes);
    const ratio = rows[1]!.tokensPerSecond / rows[0]!.tokensPerSecond;
    const vsHf = rows[1]!.tokensPerSecond / rows[2]!.tokensPerSecond;
    const sorted = [...turnRatios].sort((a, b) => a - b);
    const medianRatio = (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
    const report = {
      machine,
      model: { parameters: params, file: onnxBytes.length },
      export: { ms: exportMs, rssGrowth: exportRss },
      tokens: N,
      rows,
      bandwidth: { bytesPerSecond: bandwidth, bytesPerToken: bytes, boundTokensPerSecond: bound },
      prompt128: { onnxNodeMs: promptMs, pytorchMs: torchMs ?? null },
      onnxOverWasm: ratio,
      onnxOverTransformersJs: vsHf,
      onnxOverTransformersJsPerTurn: turnRatios,
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return;
    }
    const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
    const lines = [
      `Machine: ${machine}`,
      `Model: GPT-2 124M shape, seeded random weights, ${params} parameters, ONNX file ${mb(onnxBytes.length)}`,
      `Export (exportOnnxFolder): ${(exportMs / 1000).toFixed(2)} s, RSS +${mb(exportRss)}`,
      '',
      `| greedy, KV cache, ${N} tokens after 8 | runtime | tokens/s | ids = @lxmls/gpt's |`,
      '| --- | --- | --- | --- |',
      ...rows.map(
        (r) =>
          `| ${r.path} | ${r.runtime} | ${r.tokensPerSecond.toFixed(1)} | ${r.idsEqual ? 'yes' : 'NO'} |`,
      ),
      `| memory-bandwidth bound | ${mb(bytes)} of weights per token ÷ ${(bandwidth / 1e9).toFixed(1)} GB/s | ${bound.toFixed(1)} | |`,
      '',
      `@lxmls/onnx on onnxruntime-node: ${ratio.toFixed(2)}× @lxmls/gpt on wasm (target ≥ 1.3), ${vsHf.toFixed(2)}× transformers.js (target ≥ 1; best turns).`,
      `@lxmls/onnx ÷ transformers.js turn by turn: ${turnRatios.map((r) => r.toFixed(2)).join(', ')} (median ${medianRatio.toFixed(2)}).`,
      `Prompt of 128 tokens, one forward: onnxruntime-node ${promptMs.toFixed(0)} ms` +
        (torchMs === undefined
          ? ' (PyTorch: give --python PATH)'
          : typeof torchMs === 'number'
            ? `, PyTorch (1 thread) ${torchMs.toFixed(0)} ms`
            : `; ${torchMs}`),
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
