import { median } from '../median.js';

/** The median of the workspace's benchmarks (../median.ts), used here and by this benchmark's main and tests. */
export { median };
/**
 * Measuring helpers of the BPE benchmark: a repetition timer (median of timed runs) and an FNV-1a hash of
 * token ids, so that a worker can send one short string per corpus and the parent can compare every
 * contender's ids with tiktoken's without shipping megabytes of ids over IPC.
 */

/** How many timed repetitions to run: at least `minReps`, at most `maxReps`, stopping once `budgetMs` is spent. */
export interface RepPlan {
  minReps: number;
  maxReps: number;
  budgetMs: number;
}

/** Full run: enough repetitions for a stable median and a whole run under ~3 minutes on 2 cores. */
export const FULL_PLAN: RepPlan = { minReps: 3, maxReps: 15, budgetMs: 1200 };
/** `--quick`: a smoke test of the whole pipeline. */
export const QUICK_PLAN: RepPlan = { minReps: 1, maxReps: 2, budgetMs: 50 };

/** The timings of one workload. */
export interface Timing {
  /** Median wall time of one repetition, in milliseconds. */
  medianMs: number;
  /** Fastest repetition, in milliseconds. */
  bestMs: number;
  reps: number;
}

/**
 * Times `run` (after the caller's warm-up) until `plan` is satisfied, and returns the median and best times.
 * `sink` receives each result so that the work cannot be optimised away.
 */
export function timeReps<T>(run: () => T, plan: RepPlan, sink: (result: T) => void = () => {}): Timing {
  const times: number[] = [];
  let total = 0;
  while (times.length < plan.maxReps && (times.length < plan.minReps || total < plan.budgetMs)) {
    const start = performance.now();
    const result = run();
    const ms = performance.now() - start;
    sink(result);
    times.push(ms);
    total += ms;
  }
  return { medianMs: median(times), bestMs: Math.min(...times), reps: times.length };
}

/** Megabytes (10^6 bytes) per second. */
export function megabytesPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

/**
 * FNV-1a (32 bits) over a stream of token ids, each fed as 4 little-endian bytes. `digest()` gives
 * `count:hash`, e.g. `287012:9f3c01aa`: equal digests mean equal id sequences (up to a 2^-32 collision).
 */
export class IdsHasher {
  private hash = 0x811c9dc5;
  private count = 0;

  /** Feeds more ids. */
  add(ids: ArrayLike<number>): this {
    let h = this.hash;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      h = Math.imul(h ^ (id & 0xff), 0x01000193);
      h = Math.imul(h ^ ((id >>> 8) & 0xff), 0x01000193);
      h = Math.imul(h ^ ((id >>> 16) & 0xff), 0x01000193);
      h = Math.imul(h ^ (id >>> 24), 0x01000193);
    }
    this.hash = h;
    this.count += ids.length;
    return this;
  }

  digest(): string {
    return `${this.count}:${(this.hash >>> 0).toString(16).padStart(8, '0')}`;
  }
}

/** The digest of one id sequence. */
export function idsHash(ids: ArrayLike<number>): string {
  return new IdsHasher().add(ids).digest();
}
