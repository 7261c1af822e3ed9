/**
 * A benchmark of issue 15's targets on GPT-2 124M's shape with random weights (seeded): export time and size,
 * greedy generation with the KV cache on onnxruntime-node, onnxruntime-web's wasm build and @lxmls/gpt on
 * @lxmls/backend-wasm (same weights, ids compared), and one forward of a 128-token prompt. Not a unit test:
 * run from packages/onnx with `npx vitest run --config bench/vitest.config.ts`.
 */

import { GPT } from '@lxmls/gpt';
import { RandomGenerator, setBackend, tensor } from '@lxmls/tensor';
import { test } from 'vitest';
import { registerWasmBackend } from '../../backend-wasm/src/index.js';
import { exportOnnx } from '../src/export.js';
import { generateOnnx } from '../src/generate.js';
import { createSession } from '../src/session.js';

const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
const log = (...a: unknown[]) => process.stdout.write(`${a.join(' ')}\n`);

test('GPT-2 124M shape: export, generate, prompt', async () => {
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
  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const bytes = exportOnnx(model);
  const exportMs = performance.now() - t;
  const rss1 = process.memoryUsage().rss;
  log(
    `params ${params}, weights ${mb(params * 4)}, export ${exportMs.toFixed(0)} ms, file ${mb(bytes.length)}, rss +${mb(rss1 - rss0)}`,
  );
  const kvBytes = exportOnnx(model, { kvCache: true });
  const prompt = tensor([[464, 3290, 318, 257, 1332, 286, 262, 1708]], undefined, 'int32');
  const N = 30;
  const rate = (ms: number) => `${((N / ms) * 1000).toFixed(1)} tokens/s`;

  t = performance.now();
  const ours = model.generate(prompt, N);
  const oursMs = performance.now() - t;
  log(`@lxmls/gpt on wasm backend: ${oursMs.toFixed(0)} ms for ${N} tokens, ${rate(oursMs)}`);

  for (const backend of ['onnx-node', 'onnx-wasm'] as const) {
    const onnx = await createSession(kvBytes, {
      backend,
      ...(backend === 'onnx-wasm' ? { numThreads: 2 } : {}),
    });
    await generateOnnx(onnx, prompt, 2); // warm-up
    t = performance.now();
    const out = await generateOnnx(onnx, prompt, N);
    const ms = performance.now() - t;
    const same = (out.toArray() as number[][])[0]!.join() === (ours.toArray() as number[][])[0]!.join();
    log(`${backend}: ${ms.toFixed(0)} ms for ${N} tokens, ${rate(ms)}, ids equal to @lxmls/gpt: ${same}`);
    // one forward of a 128-token prompt (the plain export)
    const plain = await createSession(bytes, { backend });
    const ids = BigInt64Array.from({ length: 128 }, (_, i) => BigInt((i * 7919) % 50257));
    const feeds = { input_ids: new plain.runtime.Tensor('int64', ids, [1, 128]) } as Record<string, never>;
    await plain.session.run(feeds);
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      t = performance.now();
      await plain.session.run(feeds);
      times.push(performance.now() - t);
    }
    log(`${backend}: prompt of 128 tokens, one forward: best of 3 ${Math.min(...times).toFixed(0)} ms`);
    await onnx.session.release();
    await plain.session.release();
  }
}, 1_200_000);
