// The models of the course on @lxmls/backend-webgpu in headless Chromium (SwiftShader's WebGPU adapter, no
// GPU), loaded from the packages' built dist/ with the workspace import map:
// - tiny-gpt2 parity: @lxmls/gpt's Hugging Face fixture (packages/gpt/src/__fixtures__/tiny-gpt2, loaded over
//   HTTP from this server) gives transformers' logits, argmaxes, attention weights, loss and 30 greedy tokens
//   (greedy decoding written with forward + argmax on the GPU + one asynchronous read per token, since WebGPU
//   has no synchronous read for `generate` to use);
// - the weather training of Exercise 3.1: gpt-nano (3 layers, 3 heads, 48 channels, FusedCausalSelfAttention,
//   dropout 0.1) trained with the `fast` recipe's schedule, minGPT's AdamW groups and gradient clipping at 1.0,
//   all on the GPU (the clip coefficient is a tensor: no read inside a step): its first iterations give the
//   losses of the same iterations on the js backend (same seeds: same batches and dropout masks), and a step
//   is recorded into one command buffer, its dispatches (printed by phase and kernel; the clip included, as
//   the Trainer's `clipGradNormTensor`) within issue 16's target of 100. The whole 500-iteration run
//   (held-out loss against 1.04× the Bayes-optimal 0.2502) takes SwiftShader about half an hour, so it is
//   not run here; the package README gives the measured result.
import { describe, expect, test } from 'vitest';
import { TINY_GPT2_EXPECTED } from '../packages/gpt/src/__fixtures__/tiny-gpt2-expected.js';
import { chromiumForTests, REPO_ROOT, workspaceImportMap } from './browser.js';
import { browserPages } from './browser-pages.js';

const root = REPO_ROOT;
const chromiumPath = chromiumForTests();
const FIXTURES = '/packages/gpt/src/__fixtures__';
const expected = TINY_GPT2_EXPECTED;

interface ParityResult {
  unavailable?: string;
  error?: string;
  logits?: number[][];
  argmax?: number[];
  attentions?: number[];
  loss?: number;
  greedy?: number[];
}

interface TrainingResult {
  unavailable?: string;
  error?: string;
  adapter?: string;
  iters?: number;
  /** webgpu's losses of the first `compare` iterations (and of the last). */
  losses?: number[];
  /** js's losses of the first `compare` iterations. */
  reference?: number[];
  evalLoss?: number;
  bayesLoss?: number;
  seconds?: number;
  /** One training step (forward, backward, clip, AdamW) recorded without reading anything. */
  step?: { dispatches: number; submits: number; encoders: number };
  /** The same step followed by an asynchronous read of its loss. */
  stepWithRead?: { dispatches: number; submits: number; encoders: number };
  /** The dispatches of that step by phase: forward, backward, clip, adamw. */
  phases?: Record<string, number>;
  /** The dispatches of that step by kernel. */
  kernels?: Record<string, number>;
}

describe.skipIf(chromiumPath === undefined)(
  '@lxmls/backend-webgpu: course models in headless Chromium',
  () => {
    const { open } = browserPages(
      root,
      { '/parity.html': PARITY, '/weather.html': WEATHER },
      ['--enable-unsafe-webgpu'],
      chromiumPath!,
    );

    test('GPT.fromPretrained(tiny-gpt2) on webgpu gives the transformers logits, attentions, loss and greedy tokens', async (context) => {
      const r = await open<ParityResult>('/parity.html', 240_000);
      if (r.unavailable !== undefined) context.skip(`WebGPU unavailable here: ${r.unavailable}`);
      expect(r.error).toBeUndefined();
      for (const [t, first8] of expected.a.logits_first8.entries())
        for (const [j, v] of first8.entries())
          expect(Math.abs(r.logits![t]![j]! - v), `logits[${t}][${j}]`).toBeLessThan(
            1e-4 + 1e-4 * Math.abs(v),
          );
      expect(r.argmax).toEqual(expected.a.argmax);
      const diff = Math.max(...r.attentions!.map((v, i) => Math.abs(v - expected.a.attentions[i]!)));
      expect(diff).toBeLessThan(1e-5);
      expect(r.attentions).toHaveLength(expected.a.attentions.length);
      expect(Math.abs(r.loss! - expected.b.loss)).toBeLessThan(1e-4);
      expect(r.greedy).toEqual(expected.a.greedy);
    }, 300_000);

    test("gpt-nano training steps on webgpu give the js backend's losses; a step is one command buffer", async (context) => {
      const r = await open<TrainingResult>('/weather.html?iters=6&compare=6', 280_000);
      if (r.unavailable !== undefined) context.skip(`WebGPU unavailable here: ${r.unavailable}`);
      expect(r.error).toBeUndefined();
      expect(r.losses).toHaveLength(6);
      for (const [i, loss] of r.losses!.entries())
        expect(
          Math.abs(loss - r.reference![i]!),
          `iteration ${i}: ${loss} vs js ${r.reference![i]}`,
        ).toBeLessThan(2e-4);
      console.log(
        `gpt-nano step on webgpu (${r.adapter}): ${JSON.stringify(r.step)} by phase ${JSON.stringify(r.phases)}, by kernel ${JSON.stringify(r.kernels)}`,
      );
      // issue 16's target, on this very step (dropout 0.1, the global-norm clip at 1.0, AdamW): at most 100
      // dispatches, counted by the backend, and at most 2 submits
      const { forward, backward, clip, adamw } = r.phases!;
      expect(r.step!.dispatches).toBeLessThanOrEqual(100);
      expect(adamw).toBe(1);
      expect(clip).toBe(1);
      expect(r.step!.dispatches).toBe(forward! + backward! + clip! + adamw!);
      // recorded without a read: no submit; with the loss read: one command buffer
      expect(r.step!.submits).toBe(0);
      expect(r.stepWithRead!.submits).toBe(1);
      expect(r.stepWithRead!.dispatches).toBeLessThanOrEqual(100);
      expect(r.stepWithRead!.encoders).toBe(1);
      expect(r.bayesLoss).toBeCloseTo(0.2502, 4);
    }, 300_000);
  },
);

const HEAD = `<!doctype html>
${workspaceImportMap()}
<script type="module">
const result = {};
try {
  const T = await import('@lxmls/tensor');
  const W = await import('@lxmls/backend-webgpu');
  const reason = await W.webgpuUnavailableReason();
  if (reason !== null) throw Object.assign(new Error(reason), { unavailable: true });
  const backend = await W.createWebGpuBackend();
  result.adapter = backend.adapterName;
  T.registerBackend('webgpu', () => backend, 100);
  await T.setBackend('webgpu');
  const read = async (t) => Array.from(await t.dataAsync());
`;
const TAIL = `
} catch (error) {
  if (error && (error.unavailable || error.code === 'BACKEND_UNAVAILABLE')) result.unavailable = String(error.message);
  else result.error = String(error && error.stack || error);
}
window.result = result;
</script>
`;

/** tiny-gpt2 loaded over HTTP, compared with transformers in the test. */
const PARITY = `${HEAD}
  const { GPT } = await import('@lxmls/gpt');
  const model = (await GPT.fromPretrained(location.origin + '${FIXTURES}/tiny-gpt2')).eval();
  const ids = (row) => T.tensor([row], undefined, 'int32');
  const a = ${JSON.stringify(expected.a.input_ids)};
  await T.noGrad(async () => {
    const { logits, attentions } = model.forward(ids(a), null, { returnAttentions: true });
    const V = logits.shape[2];
    const flat = await read(logits);
    result.logits = a.map((_, t) => flat.slice(t * V, t * V + 8));
    result.argmax = await read(logits.argmax(-1));
    result.attentions = [];
    for (const w of attentions) result.attentions.push(...(await read(w)));
    const b = ${JSON.stringify(expected.b.input_ids)};
    const { loss } = model.forward(ids(b), ids([...b.slice(1), -1]));
    result.loss = (await read(loss))[0];
    // greedy decoding: the next token is the argmax of the last position, chosen on the GPU
    const tokens = [...a];
    for (let i = 0; i < 30; i++) {
      const next = T.tidy(() => {
        const { logits } = model.forward(ids(tokens));
        return T.slice(logits, [0, tokens.length - 1, 0], [1, 1, -1]).argmax(-1);
      });
      tokens.push((await read(next))[0]);
      next.dispose();
    }
    result.greedy = tokens;
  });
${TAIL}`;

/**
 * The weather training of Exercise 3.1, all on the GPU: `?iters=N` iterations of the fast recipe's schedule on
 * webgpu, the same first `?compare=K` iterations on the `js` reference backend (same seeds, so the same
 * batches and dropout masks), then the held-out loss.
 */
const WEATHER = `${HEAD}
  const { GPT } = await import('@lxmls/gpt');
  const { FusedCausalSelfAttention } = await import('@lxmls/attention');
  const TR = await import('@lxmls/trainer');
  const WD = await import('@lxmls/weather-data');
  const query = new URLSearchParams(location.search);
  const iters = Number(query.get('iters') ?? 500);
  const compare = Number(query.get('compare') ?? 0);
  const seed = 42, batchSize = 64, lr = 3e-3;
  // the fast recipe of lxmls train weather (cosine from 3e-3 to 3e-4 over 500 iterations, 30 of warmup)
  const schedule = { type: 'cosine', warmupIters: 30, minLr: 3e-4 };
  const defaults = TR.getDefaultTrainerConfig();
  const build = async (name) => {
    await T.setBackend(name);
    T.manualSeed(seed);
    const config = GPT.getDefaultConfig();
    config.modelType = 'gpt-nano';
    config.vocabSize = 8;
    config.blockSize = 11;
    const model = new GPT(config, { attention: FusedCausalSelfAttention });
    const train = new WD.WeatherDataset('train', { proba: WD.FIXED_PROBA, seed });
    const groups = TR.parameterGroups(model, { weightDecay: defaults.weightDecay, learningRate: lr, betas: defaults.betas });
    const optimizer = new TR.AdamW(groups, { lr, betas: defaults.betas, eps: defaults.eps });
    const loader = new TR.BatchLoader(train, batchSize, new T.RandomGenerator(seed));
    const params = model.parameters();
    model.train();
    // one iteration, as the Trainer's: batch, forward, zero grads, backward, clip the global norm at 1.0, AdamW;
    // the clip coefficient min(1, max / (norm + 1e-6)) stays a tensor, so nothing is read inside the step
    // \`phases\`, when given, receives the dispatches of each phase (webgpu only)
    const step = (iter, phases) => T.tidy(() => {
      const mark = (name) => {
        if (!phases) return;
        const now = backend.counters().dispatches;
        phases[name] = now - phases.last;
        phases.last = now;
      };
      if (phases) phases.last = backend.counters().dispatches;
      optimizer.lr = TR.learningRateAt(schedule, iter, lr, 500);
      const batch = loader.next();
      const x = T.tensor(batch.x, batch.shape, 'int32'); // (B, T)
      const y = T.tensor(batch.y, batch.shape, 'int32'); // (B, T)
      const { loss } = model.forward(x, y);
      mark('forward');
      for (const p of params) p.zeroGrad();
      loss.backward();
      mark('backward');
      // the Trainer's clip on an async backend: the gradients flattened into one vector (buffer copies on
      // webgpu), clipByNorm's one dispatch for the norm and the scaled vector, each gradient sliced back out
      TR.clipGradNormTensor(params, defaults.gradNormClip);
      mark('clip');
      optimizer.step();
      mark('adamw');
      return T.keep(loss.detach());
    });
    return { model, step, optimizer };
  };
  // the reference: the first iterations on js
  const reference = [];
  if (compare > 0) {
    const run = await build('js');
    for (let iter = 0; iter < compare; iter++) {
      const loss = run.step(iter);
      reference.push((await read(loss))[0]);
      loss.dispose();
    }
    run.model.dispose();
    run.optimizer.dispose();
  }
  const run = await build('webgpu');
  const losses = [];
  const started = performance.now();
  for (let iter = 0; iter < iters; iter++) {
    const before = backend.counters();
    const kernelsBefore = backend.dispatchesPerKernel();
    const phases = iter === 2 ? {} : undefined;
    const loss = run.step(iter, phases);
    const after = backend.counters();
    if (iter === 2) {
      result.step = { dispatches: after.dispatches - before.dispatches, submits: after.submits - before.submits, encoders: after.encoders - before.encoders };
      delete phases.last;
      result.phases = phases;
      result.kernels = Object.fromEntries(Object.entries(backend.dispatchesPerKernel()).map(([k, n]) => [k, n - (kernelsBefore[k] ?? 0)]).filter(([, n]) => n > 0));
    }
    if (iter < compare || iter === iters - 1) {
      losses.push((await read(loss))[0]);
      if (iter === 3) {
        const done = backend.counters();
        result.stepWithRead = { dispatches: done.dispatches - before.dispatches, submits: done.submits - before.submits, encoders: done.encoders - before.encoders };
      }
    }
    loss.dispose();
  }
  result.seconds = (performance.now() - started) / 1000;
  result.iters = iters;
  result.losses = losses;
  result.reference = reference;
  // held-out loss on 2000 test sequences (the seed of lxmls eval weather), in batches of 500
  run.model.eval();
  const test = new WD.WeatherDataset('test', { proba: WD.FIXED_PROBA, seed: 1 });
  const testLoader = new TR.BatchLoader(test, 500, new T.RandomGenerator(1));
  let sum = 0;
  for (let k = 0; k < 4; k++) {
    const batch = testLoader.next();
    const loss = T.noGrad(() => T.tidy(() => T.keep(run.model.forward(T.tensor(batch.x, batch.shape, 'int32'), T.tensor(batch.y, batch.shape, 'int32')).loss)));
    sum += (await read(loss))[0];
    loss.dispose();
  }
  result.evalLoss = sum / 4;
  result.bayesLoss = WD.bayesOptimal(WD.FIXED_PROBA, 6).loss;
${TAIL}`;
