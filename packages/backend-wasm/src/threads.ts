/**
 * Threads of the `wasm` backend: the calling thread plus one worker run the parts of a big kernel call (a
 * matmul, split by src/../assembly/matmul.ts `matmulPart`) over one shared `WebAssembly.Memory`.
 *
 * Follows docs/wasm-kernels.md "Two threads" (a gain only if both sides spin-wait): a
 * training step of gpt-nano makes about sixty matmul calls of 0.05–0.4 ms, so the hand-off must cost
 * microseconds, not the 55–80 µs of `Atomics.wait`/`notify`. Both sides spin: the worker on the job counter
 * (for `spinMs` after its last job, then it sleeps in `Atomics.wait`), the caller on the count of finished
 * parts. Parts are claimed with `Atomics.add` (work stealing), so the caller never waits for a worker that is
 * asleep, still starting, or descheduled: it takes the unclaimed parts itself and waits only for a part the
 * worker has already begun. Each part computes its elements with the same arithmetic as one whole call, so
 * results do not depend on the thread count, nor on which thread ran which part.
 *
 * Adaptive (src/thread-policy.ts): when another process keeps a core busy, the worker is descheduled for
 * milliseconds at a time, and a call that waits for its part, or a worker spinning beside the caller on a
 * shared core, costs more than the second thread gains. The team marks each shared call on time or late and,
 * when a large share of the recent calls were late (an idle virtual machine has brief late bursts too, so one
 * late call decides nothing), runs the calls on the calling thread alone for a while (the worker sleeps),
 * probing again later. In Node the team also looks at the machine (src/core-load.ts): while other processes
 * keep the cores so busy that the two threads would share one, it runs the calls alone without waiting for
 * late calls to show it.
 *
 * Where: Node ≥ 20.16 (`process.getBuiltinModule('node:worker_threads')`), and browsers whose page is
 * cross-origin isolated (SharedArrayBuffer needs COOP/COEP headers). Elsewhere {@link availableThreads}
 * is 1 and the backend runs on one thread.
 */

import { CoreLoad, type CpuSampler, nodeCpuSampler } from './core-load.js';
import { LxmlsBackendWasmError } from './errors.js';
import { LATE_THRESHOLD, LATE_THRESHOLD_LOOKING, ThreadPolicy } from './thread-policy.js';
import { SLOT, WORKER_SOURCE } from './worker-source.js';

/** What starting a worker returns: enough to stop it. */
interface WorkerHandle {
  terminate(): void;
}

/** Node's worker_threads (the subset used here), when this is Node ≥ 20.16. */
interface NodeWorkerThreads {
  Worker: new (
    source: string,
    options: { eval: true; workerData: unknown },
  ) => WorkerHandle & { unref(): void; on(event: 'error', listener: (error: unknown) => void): void };
}

interface NodeProcess {
  getBuiltinModule?: (name: string) => unknown;
  env?: Record<string, string | undefined>;
}

function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return typeof p?.getBuiltinModule === 'function' ? p : undefined;
}

/**
 * How many threads the `wasm` backend can use here: the logical cores (at most 2, the size of the team), or 1
 * where workers cannot share memory (no SharedArrayBuffer, a browser page that is not cross-origin isolated,
 * Node older than 20.16). `LXMLS_WASM_THREADS=1` in Node's environment turns threads off.
 *
 * @returns 1 or 2.
 *
 * @example
 * ```ts
 * import { availableThreads } from '@lxmls/backend-wasm';
 * console.log([1, 2].includes(availableThreads())); // → true
 * ```
 */
export function availableThreads(): number {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return 1;
  const node = nodeProcess();
  let cores = 1;
  if (node) {
    const wanted = node.env?.LXMLS_WASM_THREADS;
    if (wanted !== undefined && wanted !== '' && Number(wanted) <= 1) return 1;
    const os = node.getBuiltinModule!('node:os') as {
      availableParallelism?: () => number;
      cpus(): unknown[];
    };
    cores = os.availableParallelism?.() ?? os.cpus().length;
  } else {
    const g = globalThis as {
      crossOriginIsolated?: boolean;
      Worker?: unknown;
      navigator?: { hardwareConcurrency?: number };
    };
    if (g.crossOriginIsolated !== true || typeof g.Worker !== 'function') return 1;
    cores = g.navigator?.hardwareConcurrency ?? 1;
  }
  return cores >= 2 ? 2 : 1;
}

/** Starts the worker with `init` (Node: workerData; browsers: the first message). */
function spawn(init: Record<string, unknown>): WorkerHandle {
  const node = nodeProcess();
  if (node) {
    const { Worker } = node.getBuiltinModule!('node:worker_threads') as NodeWorkerThreads;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: init });
    worker.unref(); // an idle backend never keeps the process alive
    worker.on('error', () => {}); // a worker that fails to start leaves every part to the caller
    return worker;
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url);
  worker.postMessage(init);
  URL.revokeObjectURL(url);
  return worker;
}

/** A kernel export that takes its arguments, then `part` and `parts`. */
export type PartKernel = (...args: number[]) => void;

/**
 * A shared call is stalled when the caller waited for the worker's last part longer than twice the time the
 * caller's own parts took on average plus this many ms (a worker that loses its core costs a time slice: ms).
 */
const STALL_MS = 0.5;
/**
 * A call the worker took no part of is a miss if it lasted this many ms: long enough for a worker on a free
 * core to claim a part many times over (it does within a microsecond), so a short call never counts.
 */
const MISS_MS = 0.02;
/** The worker lost its core when two looks at the clock in its spin loop (microseconds apart) are this many ms apart. */
const PREEMPT_MS = 0.5;
/**
 * A worker still asleep this many ms after a call notified it has no free core (it wakes in 20–100 µs when it
 * has one): a probe then ends before the worker starts competing with the caller.
 */
const WAKE_MS = 1;

/**
 * What the two threads of a `wasm` backend have done (`WasmBackend.threadStats`): a test and benchmark aid.
 *
 * @example
 * ```ts
 * import { createWasmBackend, type TeamStats } from '@lxmls/backend-wasm';
 * const one: TeamStats | undefined = createWasmBackend({ threads: 1 }).threadStats;
 * console.log(one); // → undefined
 * ```
 */
export interface TeamStats {
  /** Calls shared with the worker. */
  shared: number;
  /** Calls the caller ran alone (the worker not ready yet, a solo period of the policy, or a crowded machine). */
  solo: number;
  /** Of the solo calls, those run alone because other processes left fewer than two cores free (src/core-load.ts). */
  crowded: number;
  /** Shared calls where the worker was late: it missed the call, or the caller stalled on its part (src/thread-policy.ts). */
  late: number;
  /** Times the team fell back to the calling thread alone. */
  fallbacks: number;
  /** Parts the worker has run. */
  workerParts: number;
}

/**
 * @internal The calling thread plus one worker over the shared memory of a backend. Created by the backend
 * with the shared module, its memory and instance exports; the worker starts at the first {@link run}.
 */
export class KernelTeam {
  private readonly control = new SharedArrayBuffer(64);
  private readonly ctl = new Int32Array(this.control);
  private readonly argsBuffer = new SharedArrayBuffer(8 * 64);
  private readonly args = new Float64Array(this.argsBuffer);
  private worker: WorkerHandle | undefined;
  private failed = false; // the worker could not be started here: the caller runs everything
  private seq = 0;
  private readonly policy: ThreadPolicy;
  private shared = 0;
  private solo = 0;
  private crowded = 0;
  private late = 0;
  private preempted = 0; // the worker's PREEMPTED count at the last shared call
  private resting = false; // REST is set: the worker was told to sleep
  private wokenAt = -1; // when the first call that found the worker asleep notified it (−1: it is awake)

  private readonly spinMs: number;
  private readonly adaptive: boolean;
  private readonly clock: () => number;
  private readonly load: CoreLoad | undefined;

  /**
   * @param module - The shared-memory build of the kernels.
   * @param memory - The shared memory the caller's instance uses.
   * @param names - The exports the worker may run, indexed by the `op` of {@link run}.
   * @param options - How long the worker spins after a job before it sleeps (`spinMs`, default 2); whether
   *   the team falls back to the calling thread while the worker is late or the machine is crowded
   *   (`adaptive`, default true; false shares every call once the worker runs: tests of the split); the clock
   *   in ms (`clock`, default `performance.now`; tests pass their own); how the machine's load is sampled
   *   (`cpuSampler`, default Node's {@link nodeCpuSampler}; null looks at no load, as in browsers).
   */
  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly names: readonly string[],
    options: {
      spinMs?: number;
      adaptive?: boolean;
      clock?: () => number;
      cpuSampler?: CpuSampler | null;
    } = {},
  ) {
    this.spinMs = options.spinMs ?? 2;
    this.adaptive = options.adaptive ?? true;
    this.clock = options.clock ?? (() => performance.now());
    const sampler = options.cpuSampler === undefined ? nodeCpuSampler() : options.cpuSampler;
    this.load = this.adaptive && sampler ? new CoreLoad(sampler) : undefined;
    this.policy = new ThreadPolicy(this.load ? LATE_THRESHOLD_LOOKING : LATE_THRESHOLD);
    this.load?.crowded(this.clock()); // the first look, so that the one at the first call it could share compares
  }

  /** Parts the worker has run since it started (a test and benchmark aid). */
  get workerParts(): number {
    return Atomics.load(this.ctl, SLOT.WORKED);
  }

  /** Calls shared, run alone and late, fallbacks, and the worker's parts (a test and benchmark aid). */
  get stats(): TeamStats {
    return {
      shared: this.shared,
      solo: this.solo,
      crowded: this.crowded,
      late: this.late,
      fallbacks: this.policy.fallbacks,
      workerParts: this.workerParts,
    };
  }

  /** True once the worker runs and takes parts. */
  get ready(): boolean {
    return Atomics.load(this.ctl, SLOT.READY) === 1;
  }

  /**
   * Runs `kernel(...args, part, parts)` for every part, sharing them with the worker when it is ready and the
   * policy shares (else the caller runs the whole call as one part). `op` is the index of the same kernel in
   * `names`. `args` must have two free slots at its end (they receive `part` and `parts`). More parts than
   * threads (`parts` 2–255) balance the load: whichever thread is free takes the next one.
   */
  run(kernel: PartKernel, op: number, args: number[], parts: number): void {
    const n = args.length - 2;
    const start = this.adaptive ? this.clock() : 0;
    const crowded = this.load !== undefined && this.ready && this.load.crowded(start);
    if (!this.ready || crowded || (this.adaptive && !this.policy.share(start))) {
      if (!this.worker && !this.failed) this.start();
      this.solo++;
      if (crowded) {
        this.crowded++;
        this.rest();
      }
      args[n] = 0;
      args[n + 1] = 1;
      kernel(...args);
      return;
    }
    this.shared++;
    const ctl = this.ctl;
    if (this.resting) {
      Atomics.store(ctl, SLOT.REST, 0);
      this.resting = false;
    }
    for (let i = 0; i < n; i++) this.args[i] = args[i]!;
    ctl[SLOT.OP] = op;
    ctl[SLOT.NARGS] = n;
    Atomics.store(ctl, SLOT.DONE, 0);
    Atomics.store(ctl, SLOT.NEXT, parts << 24);
    Atomics.store(ctl, SLOT.SEQ, ++this.seq);
    const asleep = Atomics.load(ctl, SLOT.SLEEP) === 1;
    if (asleep) Atomics.notify(ctl, SLOT.SEQ, 1);
    args[n + 1] = parts;
    let error: unknown;
    let mine = 0;
    for (;;) {
      const part = Atomics.add(ctl, SLOT.NEXT, 1) & 255;
      if (part >= parts) break;
      args[n] = part;
      if (error === undefined) {
        try {
          kernel(...args);
        } catch (e) {
          error = e; // claim and skip the other parts, but wait for the worker's before the next job
        }
      }
      mine++;
      Atomics.add(ctl, SLOT.DONE, 1);
    }
    // the worker, awake and on a core of its own, claims a part within a microsecond of the call: if it took
    // none of a call that lasted MISS_MS, it is not running (its core is busy elsewhere)
    let late = this.adaptive && !asleep && mine === parts && this.clock() - start > MISS_MS;
    if (Atomics.load(ctl, SLOT.DONE) < parts) {
      const waiting = this.adaptive ? this.clock() : 0;
      while (Atomics.load(ctl, SLOT.DONE) < parts) {
        // spin: the worker is finishing the part it claimed
      }
      // stalled: it was descheduled in the middle of its part
      if (this.adaptive && mine > 0 && this.clock() - waiting > STALL_MS + (2 * (waiting - start)) / mine)
        late = true;
    }
    if (this.adaptive) this.judge(late, asleep, start);
    const workerFailed = Atomics.exchange(ctl, SLOT.ERROR, 0) === 1; // cleared either way for the next job
    if (error !== undefined) throw error;
    if (workerFailed) {
      throw new LxmlsBackendWasmError('THREAD_FAILED', 'a part of the call failed in the worker thread', {
        fn: this.names[op]!,
        expected: 'every part to complete',
        received: 'an exception in the worker (run with LXMLS_WASM_THREADS=1 to see it on the main thread)',
      });
    }
  }

  /**
   * Adds the other signs of a worker without a core to `late` (it lost its core while spinning since the last
   * call; woken, it is still asleep WAKE_MS later) and tells the policy (src/thread-policy.ts), which may start
   * a solo period: the worker is then told to sleep at once.
   */
  private judge(late: boolean, asleep: boolean, start: number): void {
    const preempted = Atomics.load(this.ctl, SLOT.PREEMPTED);
    if (preempted !== this.preempted && !asleep) late = true; // before a sleep does not count
    this.preempted = preempted;
    if (asleep) {
      // woken, a worker with a free core runs within tens of µs; still asleep WAKE_MS later, it has none
      if (this.wokenAt < 0) this.wokenAt = start;
      else if (start - this.wokenAt > WAKE_MS) late = true;
      if (!late) return; // a call that found it asleep and within WAKE_MS of the wake-up tells nothing
    } else this.wokenAt = -1;
    if (late) this.late++;
    if (this.policy.record(late, start)) this.rest();
  }

  /** Tells the worker to sleep now, not after spinMs of spinning (the caller runs the calls alone for a while). */
  private rest(): void {
    if (this.resting) return;
    Atomics.store(this.ctl, SLOT.REST, 1);
    this.resting = true;
    this.wokenAt = -1;
  }

  private start(): void {
    try {
      this.worker = spawn({
        module: this.module,
        memory: this.memory,
        control: this.control,
        args: this.argsBuffer,
        names: this.names,
        spinMs: this.spinMs,
        preemptMs: PREEMPT_MS,
      });
    } catch {
      this.failed = true; // e.g. a content security policy that forbids blob: workers
    }
  }

  /** Stops the worker (the team can start a new one at the next {@link run}). */
  dispose(): void {
    if (!this.worker) return;
    Atomics.store(this.ctl, SLOT.STOP, 1);
    Atomics.store(this.ctl, SLOT.SEQ, ++this.seq);
    Atomics.notify(this.ctl, SLOT.SEQ, 1);
    this.worker.terminate();
    this.worker = undefined;
    Atomics.store(this.ctl, SLOT.READY, 0);
    Atomics.store(this.ctl, SLOT.STOP, 0);
    this.wokenAt = -1; // the next worker starts awake (it clears SLEEP)
  }
}
