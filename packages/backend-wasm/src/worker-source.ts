/**
 * The source of the backend's worker thread, as a string: Node starts it with `new Worker(source, { eval: true })`
 * and browsers from a Blob URL, so the package ships no separate file to locate at run time.
 *
 * The worker instantiates the kernels' module over the shared memory, then loops: spin until the job counter
 * (`SEQ`) moves, claim parts of the job (`Atomics.add` on the claim word `NEXT`) and run each with the kernel named by `OP`
 * and the arguments in the Float64Array, count it in `DONE`, and go back to spinning. After `spinMs` with no
 * job, or at once when the main thread sets `REST` (it runs the calls alone for a while, src/thread-policy.ts),
 * it sleeps in `Atomics.wait` (the main thread wakes it with `Atomics.notify` when `SLEEP` is set), so an
 * idle backend costs no CPU. While it spins it looks at the clock every 1024 turns (microseconds apart): a
 * longer gap means it lost its core, which it counts in `PREEMPTED` for the main thread's policy. The slot indices are those of src/threads.ts (checked by src/threads.test.ts).
 */

/** Indices of the control block (an Int32Array over a SharedArrayBuffer), shared with src/threads.ts. */
export const SLOT = {
  /** The job counter: the main thread increments it to publish a job. */
  SEQ: 0,
  /**
   * The claim word: the job's number of parts in bits 24–31 and the next part to claim in bits 0–7, so one
   * `Atomics.add(…, 1)` returns both and a claim can never pair a part with another job's part count.
   */
  NEXT: 1,
  /** Parts finished. */
  DONE: 2,
  /** 1 while the worker sleeps in Atomics.wait (or is about to). */
  SLEEP: 3,
  /** Index of the kernel in the worker's name table. */
  OP: 4,
  /** Number of arguments in the Float64Array. */
  NARGS: 5,
  /** 1 asks the worker to return. */
  STOP: 6,
  /** 1 once the worker has instantiated the module and waits for jobs. */
  READY: 7,
  /** 1 when a part threw in the worker (the message is not carried; the main thread reruns nothing). */
  ERROR: 8,
  /** Parts the worker has run. */
  WORKED: 9,
  /** 1 asks the worker to sleep at once instead of spinning (the caller runs the calls alone for a while). */
  REST: 10,
  /**
   * Times the worker found, while spinning, that it had lost its core (more than `preemptMs` between two looks
   * at the clock that are microseconds apart on a core of its own): another process needs that core.
   */
  PREEMPTED: 11,
} as const;

/** The worker's code. `init` is `{ module, memory, control, args, names, spinMs, preemptMs }`. */
export const WORKER_SOURCE = `'use strict';
const SEQ = ${SLOT.SEQ}, NEXT = ${SLOT.NEXT}, DONE = ${SLOT.DONE}, SLEEP = ${SLOT.SLEEP}, OP = ${SLOT.OP};
const NARGS = ${SLOT.NARGS}, STOP = ${SLOT.STOP}, READY = ${SLOT.READY}, ERROR = ${SLOT.ERROR};
const WORKED = ${SLOT.WORKED}, REST = ${SLOT.REST}, PREEMPTED = ${SLOT.PREEMPTED};
function start(init) {
  const exports = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports;
  const kernels = init.names.map((name) => exports[name]);
  const ctl = new Int32Array(init.control);
  const args = new Float64Array(init.args);
  const call = [];
  let seen = Atomics.load(ctl, SEQ);
  Atomics.store(ctl, SLEEP, 0); // a worker stopped in its sleep may have left it set
  Atomics.store(ctl, READY, 1);
  for (;;) {
    let spins = 0;
    let since = 0;
    let last = 0;
    while (Atomics.load(ctl, SEQ) === seen) {
      if ((++spins & 1023) !== 0) continue;
      const now = performance.now();
      if (last !== 0 && now - last > init.preemptMs) Atomics.add(ctl, PREEMPTED, 1);
      last = now;
      if (since === 0) since = now;
      else if (now - since > init.spinMs || Atomics.load(ctl, REST) === 1) {
        Atomics.store(ctl, SLEEP, 1);
        Atomics.wait(ctl, SEQ, seen);
        Atomics.store(ctl, SLEEP, 0);
        since = 0;
        last = 0;
      }
    }
    seen = Atomics.load(ctl, SEQ);
    if (Atomics.load(ctl, STOP) === 1) return;
    for (;;) {
      const claim = Atomics.add(ctl, NEXT, 1);
      const part = claim & 255;
      const parts = claim >>> 24;
      if (part >= parts) break;
      const n = ctl[NARGS];
      call.length = n + 2;
      for (let i = 0; i < n; i++) call[i] = args[i];
      call[n] = part;
      call[n + 1] = parts;
      try {
        kernels[ctl[OP]].apply(null, call);
      } catch {
        Atomics.store(ctl, ERROR, 1);
      }
      Atomics.add(ctl, WORKED, 1);
      Atomics.add(ctl, DONE, 1);
    }
  }
}
if (typeof require === 'function') start(require('node:worker_threads').workerData);
else self.onmessage = (event) => start(event.data);
`;
