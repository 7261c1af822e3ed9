// The wasm backend's two threads (src/threads.ts): every way a matmul is split gives bit for bit the result of
// one thread, the worker really takes parts, and the backend falls back to one thread where it must.

import {
  crossEntropy,
  dropout,
  gelu,
  layerNorm,
  linear,
  matmul,
  RandomGenerator,
  selfAttention,
  type Tensor,
  tensor,
  withBackend,
} from '@lxmls/tensor';
import { describeBackend } from '@lxmls/tensor/testing';
import { afterAll, describe, expect, test } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend.js';
import { LOOK_MS } from './core-load.js';
import { LxmlsBackendWasmError } from './errors.js';
import { type KernelExports, kernelModuleSync } from './kernels.js';
import {
  LATE_THRESHOLD,
  LATE_THRESHOLD_LOOKING,
  LATE_WINDOW,
  SOLO_GROWTH,
  SOLO_MIN_MS,
} from './thread-policy.js';
import { availableThreads, KernelTeam } from './threads.js';
import { SLOT, WORKER_SOURCE } from './worker-source.js';

const twoCores = availableThreads() === 2;

/** Runs big matmuls on `backend` until its worker has taken a part (it starts at the first one). */
async function untilWorkerRuns(backend: WasmBackend): Promise<void> {
  const a = withBackend(backend, () => values([256, 256], 1));
  for (let i = 0; i < 1000 && backend.workerParts === 0; i++) {
    withBackend(backend, () => matmul(a, a).dispose());
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  a.dispose();
}

describe.skipIf(!twoCores)('createWasmBackend({ threads: 2 })', () => {
  const one = createWasmBackend({ threads: 1 });
  // every big call shared (not adaptive), so the worker surely takes parts however loaded the machine is
  const two = createWasmBackend({ threads: 2, adaptiveThreads: false });
  afterAll(() => two.dispose());

  test('threads: the backend reports 2 threads and the worker takes parts', async () => {
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(two.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    await untilWorkerRuns(two);
    expect(two.workerParts).toBeGreaterThan(0);
  });

  // [what the split is, A shape, B shape, transA, transB]
  test.each([
    ['rows (704 rows, 48 columns)', [704, 48], [48, 48], false, true],
    ['rows, odd count (333)', [333, 40], [40, 24], false, false],
    ['columns (48 rows, 192 columns)', [48, 704], [704, 192], false, false],
    ['columns of a transposed A (dW = Xᵀ·dY)', [704, 48], [704, 192], true, false],
    ['rows of a transposed A', [704, 192], [704, 48], true, false],
    ['columns with a tail (48 × 200)', [48, 64], [200, 64], false, true],
    ['outer batch (64 × 3 heads of 11 × 16)', [64, 3, 11, 16], [64, 3, 16, 11], false, false],
    ['inner batch (1 × 12 heads)', [1, 12, 40, 64], [1, 12, 64, 40], false, false],
    ['a broadcast weight over a batch', [8, 88, 48], [48, 96], false, false],
    ['K sliced into accumulating passes (K = 700)', [96, 700], [700, 64], false, false],
    ['columns of one row times B stored K×N (gemvKN)', [1, 768], [768, 1001], false, false],
    ['rows of B stored N×K for one row (gemvNK, a Linear on one token)', [1, 768], [1003, 768], false, true],
  ] as const)(
    'matmul split by %s equals one thread bit for bit',
    async (_what, shapeA, shapeB, transA, transB) => {
      await untilWorkerRuns(two);
      const before = two.workerParts;
      const run = (backend: WasmBackend) =>
        withBackend(backend, () => {
          const x = matmul(values(shapeA, 1), values(shapeB, 2), { transposeA: transA, transposeB: transB });
          return Array.from(x.data() as Float32Array);
        });
      const expected = run(one);
      // a call may find the worker asleep (the caller then runs both parts and wakes it); later ones share them
      for (let i = 0; i < 200 && two.workerParts === before; i++) expect(run(two)).toEqual(expected);
      expect(two.workerParts).toBeGreaterThan(before);
    },
  );

  test('linear with a bias split by rows equals one thread bit for bit', async () => {
    await untilWorkerRuns(two);
    const run = (backend: WasmBackend) =>
      withBackend(backend, () =>
        Array.from(
          linear(values([64, 11, 48], 1), values([192, 48], 2), values([192], 3)).data() as Float32Array,
        ),
      );
    const expected = run(one);
    const before = two.workerParts;
    for (let i = 0; i < 200 && two.workerParts === before; i++) expect(run(two)).toEqual(expected);
    expect(two.workerParts).toBeGreaterThan(before);
  });

  test('a training computation (layerNorm, linear with bias, GELU, dropout, causal attention with dropout, residual, cross-entropy) gives the same loss and gradients bit for bit', async () => {
    await untilWorkerRuns(two);
    const before = two.workerParts;
    const run = (backend: WasmBackend) =>
      withBackend(backend, () => {
        const x = values([64, 11, 48], 1);
        const g = values([48], 4);
        const beta = values([48], 5);
        const w1 = values([144, 48], 2).mul(0.1);
        const b1 = values([144], 6).mul(0.1);
        const w2 = values([8, 48], 3).mul(0.1);
        const params = [x, g, beta, w1, b1, w2];
        for (const p of params) p.requiresGrad = true;
        const h = gelu(linear(layerNorm(x, g, beta), w1, b1)); // (64, 11, 144)
        const qkv = dropout(h, 0.1, { generator: new RandomGenerator(5) }); // (64, 11, 144)
        const y = selfAttention(qkv, 3, { causal: true, dropout: 0.1, generator: new RandomGenerator(6) }); // (64, 11, 48)
        const r = x.add(y); // (64, 11, 48) the residual
        const targets = tensor(
          Int32Array.from({ length: 64 * 11 }, (_, i) => (i % 11 < 5 ? -1 : (i * 7) % 8)),
          [64, 11],
          'int32',
        );
        const loss = crossEntropy(linear(r, w2), targets, { ignoreIndex: -1 });
        loss.backward();
        return [loss, ...params.map((p) => p.grad!)].map((t) => Array.from(t.data() as Float32Array));
      });
    const expected = run(one);
    for (let i = 0; i < 50 && two.workerParts === before; i++) expect(run(two)).toEqual(expected);
    expect(two.workerParts).toBeGreaterThan(before);
  });

  test('threadStats: every big call is counted as shared or run alone; one thread has none', async () => {
    const backend = createWasmBackend({ threads: 2 });
    try {
      const a = withBackend(backend, () => values([256, 256], 1));
      const start = backend.threadStats!;
      for (let i = 0; i < 20; i++) withBackend(backend, () => matmul(a, a).dispose()); // 16.8M multiply-adds each
      const end = backend.threadStats!;
      expect(end.shared + end.solo - (start.shared + start.solo)).toBe(20);
      expect(end.late).toBeLessThanOrEqual(end.shared);
      expect(one.threadStats).toBeUndefined();
    } finally {
      backend.dispose();
    }
  });

  test('dispose stops the worker; the next big matmul starts a new one', async () => {
    const backend = createWasmBackend({ threads: 2 });
    await untilWorkerRuns(backend);
    backend.dispose();
    const parts = backend.workerParts;
    const a = withBackend(backend, () => values([256, 256], 2));
    withBackend(backend, () => matmul(a, a).dispose()); // runs on the caller alone while the new worker starts
    await untilWorkerRuns(backend);
    expect(backend.workerParts).toBeGreaterThanOrEqual(parts);
    backend.dispose();
  });
});

/** A tensor of `shape` on the current backend, filled with sin(0.37·i + seed): fixed, varied values. */
function values(shape: readonly number[], seed: number): Tensor {
  const n = shape.reduce((x, y) => x * y, 1);
  return tensor(
    Float32Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + seed)),
    [...shape],
  );
}

describeBackend('wasm, two threads', () => createWasmBackend({ threads: 2 }));
describeBackend('wasm, two threads sharing every big call', () =>
  createWasmBackend({ threads: 2, adaptiveThreads: false }),
);

test('createWasmBackend({ threads: 3 }) names the option and the allowed values', () => {
  expect(() => createWasmBackend({ threads: 3 })).toThrow(
    /^\[@lxmls\/backend-wasm\] createWasmBackend: options\.threads.*1, 2 or 'auto'.*received number 3/s,
  );
  expect(() => createWasmBackend({ threads: 'two' as never })).toThrow(/received string "two"/);
  try {
    createWasmBackend({ threads: 0 });
    expect.fail('threads 0 was accepted');
  } catch (error) {
    expect(LxmlsBackendWasmError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
  }
});

test('createWasmBackend with maximumPages < initialPages names both', () => {
  expect(() => createWasmBackend({ initialPages: 8, maximumPages: 4 })).toThrow(
    /^\[@lxmls\/backend-wasm\] createWasmBackend: memory pages out of range\. Expected 1 ≤ initialPages ≤ maximumPages ≤ 65536 \(integers\), received initialPages number 8, maximumPages number 4\.$/,
  );
});

test('availableThreads: LXMLS_WASM_THREADS=1 turns threads off', () => {
  const saved = process.env.LXMLS_WASM_THREADS;
  process.env.LXMLS_WASM_THREADS = '1';
  try {
    expect(availableThreads()).toBe(1);
    expect(createWasmBackend().threads).toBe(1);
  } finally {
    if (saved === undefined) delete process.env.LXMLS_WASM_THREADS;
    else process.env.LXMLS_WASM_THREADS = saved;
  }
});

test('WORKER_SOURCE uses the slot indices of SLOT', () => {
  for (const [name, index] of Object.entries(SLOT)) expect(WORKER_SOURCE).toContain(`${name} = ${index}`);
});

describe.skipIf(!twoCores)('KernelTeam', () => {
  test('a part that traps throws, in whichever thread it ran, and the next job runs normally', async () => {
    const { module } = kernelModuleSync('test', true, true);
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    const team = new KernelTeam(module, memory, ['matmulPart'], { adaptive: false });
    try {
      const f = new Float32Array(memory.buffer);
      const [a, b, c, scratch] = [65536, 131072, 196608, 262144]; // byte offsets: A (4 × 16 × 16), B, C, scratch
      for (let i = 0; i < 4 * 256; i++) f[a / 4 + i] = (i % 7) - 3;
      for (let i = 0; i < 256; i++) f[b / 4 + i] = (i % 5) - 2;
      // C[t] = A[t] · B for 4 batches; with `sCo` 2^28 floats, batches 2 and 3 write past the memory and trap
      const job = (sCo: number) => [
        a,
        b,
        c,
        16,
        16,
        16,
        0,
        0,
        16,
        16,
        16,
        4,
        256,
        0,
        sCo,
        1,
        0,
        0,
        0,
        0,
        scratch,
        0,
        4096,
        0,
        0,
      ];
      let ran = false;
      for (let i = 0; i < 200 && !ran; i++) {
        team.run(exports.matmulPart, 0, job(256), 4); // starts the worker, then shares parts with it
        ran = team.workerParts > 0;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const expected = Array.from(f.subarray(c / 4, c / 4 + 4 * 256));
      for (let i = 0; i < 20; i++) expect(() => team.run(exports.matmulPart, 0, job(2 ** 28), 4)).toThrow();
      f.fill(0, c / 4, c / 4 + 4 * 256);
      team.run(exports.matmulPart, 0, job(256), 4);
      expect(Array.from(new Float32Array(memory.buffer, c, 4 * 256))).toEqual(expected);
    } finally {
      team.dispose();
    }
  });
});

describe('KernelTeam, adaptive', () => {
  /**
   * A team on a clock the test moves, whose worker is never started: `READY` set by hand stands for a worker
   * that is awake (it does not sleep) yet gets no core, so it claims no part of any call, unless the test sets
   * `worker.claimsOne` (it then claims and finishes one part of the next call). The caller's kernel records the
   * `parts` of each part it runs, and each part moves the clock by `partMs`.
   */
  function lateTeam(partMs = 0.05) {
    const { module } = kernelModuleSync('test', true, true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    const clock = { now: 1000 };
    const team = new KernelTeam(module, memory, ['matmulPart'], { clock: () => clock.now, cpuSampler: null });
    const ctl = (team as unknown as { ctl: Int32Array }).ctl;
    Atomics.store(ctl, SLOT.READY, 1);
    const parts: number[] = [];
    const worker = { claimsOne: false }; // true: during the next call it claims (and finishes) one part
    const kernel = (...args: number[]) => {
      parts.push(args.at(-1)!);
      clock.now += partMs;
      if (worker.claimsOne) {
        worker.claimsOne = false;
        Atomics.add(ctl, SLOT.NEXT, 1);
        Atomics.add(ctl, SLOT.DONE, 1);
      }
    };
    const call = () => team.run(kernel, 0, [7, 0, 0], 4);
    return { team, ctl, clock, parts, call, worker };
  }

  /** Shared calls late from the first until the policy falls back (src/thread-policy.ts: 74 from an average of 0). */
  const TO_FALL_BACK = Math.ceil(Math.log(1 - LATE_THRESHOLD) / Math.log(1 - 1 / LATE_WINDOW));

  test('run: a worker that misses every call makes the caller run the calls alone, then probe', () => {
    const { team, ctl, clock, parts, call } = lateTeam();
    call();
    call();
    expect(team.stats).toEqual({ shared: 2, solo: 0, crowded: 0, late: 2, fallbacks: 0, workerParts: 0 });
    expect(parts).toEqual(new Array(8).fill(4)); // the caller took every part of both calls
    for (let i = 2; i < TO_FALL_BACK; i++) call();
    expect(team.stats).toMatchObject({ shared: TO_FALL_BACK, solo: 0, late: TO_FALL_BACK, fallbacks: 1 });
    expect(Atomics.load(ctl, SLOT.REST)).toBe(1); // the worker is told to sleep at once
    parts.length = 0;
    clock.now = (team as unknown as { policy: { until: number } }).policy.until - 0.001;
    call();
    expect(team.stats).toMatchObject({ shared: TO_FALL_BACK, solo: 1 });
    expect(parts).toEqual([1]); // one part: the whole call
    clock.now += 0.001;
    call(); // the probe: shared again, REST cleared
    expect(team.stats).toMatchObject({ shared: TO_FALL_BACK + 1, solo: 1, fallbacks: 1 });
    expect(Atomics.load(ctl, SLOT.REST)).toBe(0);
    for (let i = 0; i < 30 && team.stats.fallbacks === 1; i++) call(); // still late: the probe ends, 4× as long
    expect(team.stats.fallbacks).toBe(2);
    expect((team as unknown as { policy: { soloPeriod: number } }).policy.soloPeriod).toBe(
      SOLO_GROWTH * SOLO_MIN_MS,
    );
  });

  test('run: a worker that misses calls in short bursts (an idle VM: 4% of the calls) keeps sharing', () => {
    const { team, call, worker } = lateTeam();
    for (let i = 0; i < 2000; i++) {
      worker.claimsOne = i % 200 >= 8; // 8 misses in a row every 200 calls
      call();
    }
    expect(team.stats).toMatchObject({ shared: 2000, solo: 0, late: 80, fallbacks: 0 });
  });

  test('run: a worker that lost its core while spinning (PREEMPTED moved) makes the next call late', () => {
    const { team, ctl, call } = lateTeam(0);
    call();
    expect(team.stats.late).toBe(0);
    Atomics.add(ctl, SLOT.PREEMPTED, 1); // as the worker does after a gap in its spin loop
    call();
    expect(team.stats).toMatchObject({ shared: 2, late: 1, fallbacks: 0 });
  });

  test('run: calls that find the worker asleep are not held against it (it needs a wake-up)', () => {
    const { team, ctl, call } = lateTeam(0);
    Atomics.store(ctl, SLOT.SLEEP, 1);
    Atomics.add(ctl, SLOT.PREEMPTED, 1);
    for (let i = 0; i < 10; i++) call();
    expect(team.stats).toEqual({ shared: 10, solo: 0, crowded: 0, late: 0, fallbacks: 0, workerParts: 0 });
  });

  test('run: a worker still asleep more than 1 ms after the call that woke it makes each later call late', () => {
    const { team, ctl, clock, call } = lateTeam(0);
    Atomics.store(ctl, SLOT.SLEEP, 1); // it never wakes: no core for it
    call(); // notifies it
    clock.now += 0.9;
    call();
    expect(team.stats).toMatchObject({ shared: 2, late: 0, fallbacks: 0 });
    clock.now += 0.2;
    call();
    expect(team.stats).toMatchObject({ shared: 3, late: 1, fallbacks: 0 });
    for (let i = 3; i < TO_FALL_BACK + 2; i++) call();
    expect(team.stats).toMatchObject({ late: TO_FALL_BACK, fallbacks: 1 });
    expect(Atomics.load(ctl, SLOT.REST)).toBe(1);
  });

  test('run: a call shorter than 20 µs that the worker missed is not held against it', () => {
    const { team, call } = lateTeam(0.004); // 4 parts of 4 µs
    for (let i = 0; i < 10; i++) call();
    expect(team.stats).toEqual({ shared: 10, solo: 0, crowded: 0, late: 0, fallbacks: 0, workerParts: 0 });
  });

  test('run: while other processes keep a core busy the caller runs the calls alone, without late calls', () => {
    const { module } = kernelModuleSync('test', true, true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    const clock = { now: 1000 };
    // a machine of 2 cores where, from the second look on, another process keeps `busyCores` busy
    const machine = { busyCores: 1, t: 0, busy: 0 };
    const sample = () => ({ busy: machine.busy, niced: 0, total: 2 * machine.t, cores: 2, own: 0 });
    const look = (ms: number) => {
      clock.now += ms;
      machine.t += ms;
      machine.busy += machine.busyCores * ms;
    };
    const team = new KernelTeam(module, memory, ['matmulPart'], {
      clock: () => clock.now,
      cpuSampler: { sample, countNiced: false },
    });
    const ctl = (team as unknown as { ctl: Int32Array }).ctl;
    Atomics.store(ctl, SLOT.READY, 1);
    const parts: number[] = [];
    const call = () => team.run((...args: number[]) => parts.push(args.at(-1)!), 0, [7, 0, 0], 4);
    call(); // the first look: nothing known yet, shared
    expect(team.stats).toMatchObject({ shared: 1, solo: 0, crowded: 0 });
    look(LOOK_MS);
    call(); // the second look sees one core busy: 2 − 1 < 1.5 free
    call();
    expect(team.stats).toMatchObject({ shared: 1, solo: 2, crowded: 2, late: 0, fallbacks: 0 });
    expect(parts.slice(-2)).toEqual([1, 1]); // each call run whole
    expect(Atomics.load(ctl, SLOT.REST)).toBe(1); // the worker sleeps
    machine.busyCores = 0.2;
    look(LOOK_MS / 2);
    call(); // no new look within LOOK_MS: still crowded
    expect(team.stats).toMatchObject({ solo: 3, crowded: 3 });
    look(LOOK_MS / 2);
    call(); // the look over the last LOOK_MS sees 0.2 cores busy: shared again, REST cleared
    expect(team.stats).toMatchObject({ shared: 2, solo: 3, crowded: 3 });
    expect(Atomics.load(ctl, SLOT.REST)).toBe(0);
  });

  test('run: a team that looks at the machine falls back on late calls at LATE_THRESHOLD_LOOKING', () => {
    const { module } = kernelModuleSync('test', true, true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    const idle = { t: 0 };
    const sample = () => ({ busy: 0, niced: 0, total: 2 * idle.t, cores: 2, own: 0 }); // nobody else busy
    const team = new KernelTeam(module, memory, ['matmulPart'], {
      clock: () => 1000 + idle.t,
      cpuSampler: { sample, countNiced: false },
    });
    Atomics.store((team as unknown as { ctl: Int32Array }).ctl, SLOT.READY, 1);
    // a worker that never claims a part (the host took its core: the look cannot see that)
    const part = () => {
      idle.t += 0.05;
    };
    const call = () => team.run(part, 0, [7, 0, 0], 4);
    const toFallBack = Math.ceil(Math.log(1 - LATE_THRESHOLD_LOOKING) / Math.log(1 - 1 / LATE_WINDOW));
    for (let i = 1; i < toFallBack; i++) call();
    expect(team.stats).toMatchObject({ late: toFallBack - 1, crowded: 0, fallbacks: 0 });
    call();
    expect(team.stats).toMatchObject({ late: toFallBack, crowded: 0, fallbacks: 1 });
  });

  test('run: with adaptive false every call is shared however late the worker is', () => {
    const { module } = kernelModuleSync('test', true, true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    const team = new KernelTeam(module, memory, ['matmulPart'], { adaptive: false });
    Atomics.store((team as unknown as { ctl: Int32Array }).ctl, SLOT.READY, 1);
    for (let i = 0; i < 10; i++) team.run(() => {}, 0, [0, 0], 4);
    expect(team.stats).toEqual({ shared: 10, solo: 0, crowded: 0, late: 0, fallbacks: 0, workerParts: 0 });
  });
});
