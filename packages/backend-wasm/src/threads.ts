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
 * results do not depend on the thread count.
 *
 * Where: Node ≥ 20.16 (`process.getBuiltinModule('node:worker_threads')`), and browsers whose page is
 * cross-origin isolated (SharedArrayBuffer needs COOP/COEP headers). Elsewhere {@link availableThreads}
 * is 1 and the backend runs on one thread.
 */

import { LxmlsBackendWasmError } from './errors.js';
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

  /**
   * @param module - The shared-memory build of the kernels.
   * @param memory - The shared memory the caller's instance uses.
   * @param names - The exports the worker may run, indexed by the `op` of {@link run}.
   * @param spinMs - How long the worker spins after a job before it sleeps (default 2 ms).
   */
  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly names: readonly string[],
    private readonly spinMs = 2,
  ) {}

  /** Parts the worker has run since it started (a test and benchmark aid). */
  get workerParts(): number {
    return Atomics.load(this.ctl, SLOT.WORKED);
  }

  /** True once the worker runs and takes parts. */
  get ready(): boolean {
    return Atomics.load(this.ctl, SLOT.READY) === 1;
  }

  /**
   * Runs `kernel(...args, part, parts)` for every part, sharing them with the worker when it is ready (else
   * the caller runs the whole call as one part). `op` is the index of the same kernel in `names`.
   * `args` must have two free slots at its end (they receive `part` and `parts`). More parts than threads
   * (`parts` 2–255) balance the load: whichever thread is free takes the next one.
   */
  run(kernel: PartKernel, op: number, args: number[], parts: number): void {
    const n = args.length - 2;
    if (!this.ready) {
      if (!this.worker && !this.failed) this.start();
      args[n] = 0;
      args[n + 1] = 1;
      kernel(...args);
      return;
    }
    const ctl = this.ctl;
    for (let i = 0; i < n; i++) this.args[i] = args[i]!;
    ctl[SLOT.OP] = op;
    ctl[SLOT.NARGS] = n;
    Atomics.store(ctl, SLOT.DONE, 0);
    Atomics.store(ctl, SLOT.NEXT, parts << 24);
    Atomics.store(ctl, SLOT.SEQ, ++this.seq);
    if (Atomics.load(ctl, SLOT.SLEEP) === 1) Atomics.notify(ctl, SLOT.SEQ, 1);
    args[n + 1] = parts;
    let error: unknown;
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
      Atomics.add(ctl, SLOT.DONE, 1);
    }
    while (Atomics.load(ctl, SLOT.DONE) < parts) {
      // spin: the worker is finishing the part it claimed
    }
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

  private start(): void {
    try {
      this.worker = spawn({
        module: this.module,
        memory: this.memory,
        control: this.control,
        args: this.argsBuffer,
        names: this.names,
        spinMs: this.spinMs,
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
  }
}
