/**
 * When the `wasm` backend shares a call with its worker thread and when it runs the call on the calling thread
 * alone: the adaptive part of src/threads.ts, kept apart (no clock, no threads) so that it is tested as a
 * plain state machine.
 *
 * Follows docs/wasm-kernels.md "Two threads" and issue 14's "the default must never be the slow choice": the
 * second thread helps only while it has a core of its own. When another process keeps a core busy, the
 * worker is descheduled for milliseconds at a time: it misses whole calls (the caller takes every part), or
 * it claims a part and the caller spins until the scheduler runs it again; and its spinning between calls
 * takes CPU from the caller. The team therefore classifies each shared call (the worker awake when it was
 * published): `'onTime'`, `'missed'` (the worker took no part of a call that lasted 20 µs or more) or
 * `'stalled'` (the caller waited for the worker's last part much longer than a part takes; or the worker,
 * spinning, saw a gap in its clock: it lost its core; or, woken for a call, it was still asleep 1 ms later).
 * A stall, or an exponential average of misses over the recent calls crossing a threshold (about three
 * misses in a row), makes every call run on the calling thread for a while: the worker is told to sleep at
 * once, so it takes no CPU. After that while the team shares again (a probe, which falls back at its first
 * miss); if the worker is late again soon, the next solo while is four times as long (up to
 * {@link SOLO_MAX_MS}), and after {@link HEALTHY_CALLS} shared calls without a fallback it starts again from
 * {@link SOLO_MIN_MS}. The thread that runs a part never changes its result, so switching is free of
 * numerical effects.
 */

/** The first solo period after a fallback, in ms (about one gpt-nano training step). */
export const SOLO_MIN_MS = 16;
/** Each fallback soon after the last one makes the solo period this many times longer (16, 64, 256, 1000 ms). */
export const SOLO_GROWTH = 4;
/** The longest solo period, in ms: under a lasting load the team probes once a second. */
export const SOLO_MAX_MS = 1000;
/**
 * Shared calls without a fallback (about ten gpt-nano training steps) after which the next solo period is
 * {@link SOLO_MIN_MS} again.
 */
export const HEALTHY_CALLS = 2000;
/** Weight of the newest call in the average of misses. */
export const MISS_WEIGHT = 0.25;
/** The average of misses at which the team falls back to one thread (three misses in a row from 0). */
export const MISS_THRESHOLD = 0.5;

/** How a shared call went for the worker (see the file header). */
export type CallOutcome = 'onTime' | 'missed' | 'stalled';

/**
 * @internal The team's decision: share the next call or run it alone, from what the shared calls showed.
 * Times are milliseconds of one clock (`performance.now()` in the team; any numbers in tests).
 */
export class ThreadPolicy {
  private misses = 0;
  private soloUntil = Number.NEGATIVE_INFINITY;
  private soloMs = 0;
  private sharedCalls = 0;
  /** Times the team fell back to one thread. */
  fallbacks = 0;

  /** Whether a call starting at `now` is shared with the worker (else the caller runs it alone). */
  share(now: number): boolean {
    return now >= this.soloUntil;
  }

  /** The time until which calls run alone (−∞ before the first fallback). */
  get until(): number {
    return this.soloUntil;
  }

  /** The length of the last solo period in ms (0 before the first fallback). */
  get soloPeriod(): number {
    return this.soloMs;
  }

  /**
   * Records a shared call that started at `now` and went as `outcome`.
   *
   * @returns True when this call starts a solo period (the team then tells the worker to sleep).
   */
  record(outcome: CallOutcome, now: number): boolean {
    this.misses += ((outcome === 'onTime' ? 0 : 1) - this.misses) * MISS_WEIGHT;
    if (outcome !== 'stalled' && this.misses < MISS_THRESHOLD) {
      this.sharedCalls++;
      return false;
    }
    this.soloMs =
      this.soloMs === 0 || this.sharedCalls >= HEALTHY_CALLS
        ? SOLO_MIN_MS
        : Math.min(SOLO_GROWTH * this.soloMs, SOLO_MAX_MS);
    this.soloUntil = now + this.soloMs;
    this.sharedCalls = 0;
    this.misses = MISS_THRESHOLD; // the probe after this period falls back at its first miss
    this.fallbacks++;
    return true;
  }
}
