/**
 * The machine's own two-core gain at the moment of a measurement, for `pnpm bench:threads --interleave`: the
 * same arithmetic on this thread alone, and split in halves over this thread and a worker that share nothing
 * and never wait for each other. On two free cores the halves take half the time (2×); a virtual machine whose
 * second core is shared with other guests, or a busy process on one core, gives less. The step's two-thread
 * gain (interleave.ts) cannot exceed this ceiling: measured in the same rotation, it tells how much of the gap
 * to 2× is the machine's and how much the backend's (hand-offs, the step's serial JavaScript).
 *
 * The work is a dependent floating-point loop: no memory traffic, so it measures only whether each thread has
 * a core. A probe of one thread takes about 8 ms, about a gpt-nano training step.
 */

import { Worker } from 'node:worker_threads';

/** Loop turns of each half (about 4 ms on a 2023 Xeon core). */
const HALF_TURNS = 1_000_000;

/** The loop both threads run (also the worker's source, so that both run the same code). */
const SPIN_SOURCE = `function spin(turns) {
  let x = 1.0001, s = 0;
  for (let i = 0; i < turns; i++) { s += x * 1.0000001; x = s * 1e-9 + 1.0001; }
  return s;
}`;

/** The worker: wait for a job (slot 0 moves), run a half, count it in slot 1. */
const WORKER_SOURCE = `${SPIN_SOURCE}
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.control);
const out = new Float64Array(workerData.result);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) break;
  out[0] = spin(workerData.turns);
  Atomics.add(ctl, 1, 1);
}`;

const spin = new Function(`${SPIN_SOURCE}; return spin;`)() as (turns: number) => number;

/**
 * A probe of the machine's two-core gain: {@link CeilingProbe.solo} runs the whole work on this thread,
 * {@link CeilingProbe.pair} half here and half in the worker at the same time; the ratio of their times is the
 * gain that two threads can have at this moment.
 */
export class CeilingProbe {
  private readonly control = new SharedArrayBuffer(8);
  private readonly ctl = new Int32Array(this.control);
  private readonly worker: Worker;
  private jobs = 0;
  private sink = 0; // keeps the loops' results alive

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { control: this.control, result: new SharedArrayBuffer(8), turns: HALF_TURNS },
    });
    this.worker.unref();
  }

  /** The whole work on this thread. */
  solo(): void {
    this.sink += spin(2 * HALF_TURNS);
  }

  /** Half in the worker (woken first: it starts within tens of µs), half here; returns when both are done. */
  pair(): void {
    Atomics.store(this.ctl, 0, ++this.jobs);
    Atomics.notify(this.ctl, 0, 1);
    this.sink += spin(HALF_TURNS);
    while (Atomics.load(this.ctl, 1) < this.jobs) {
      // the worker's half
    }
  }

  /** Stops the worker. */
  dispose(): void {
    Atomics.store(this.ctl, 0, -1);
    Atomics.notify(this.ctl, 0, 1);
    void this.worker.terminate();
  }
}
