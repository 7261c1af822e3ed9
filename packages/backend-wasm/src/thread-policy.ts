/**
 * When the `wasm` backend shares a call with its worker thread and when it runs the call on the calling thread
 * alone: the adaptive part of src/threads.ts, kept apart (no clock, no threads) so that it is tested as a
 * plain state machine.
 *
 * Follows docs/wasm-kernels.md "Two threads" and issue 14's "the default must never be the slow choice": the
 * second thread helps only while it has a core of its own. When another process keeps a core busy, the
 * worker is descheduled for milliseconds at a time: it misses whole calls (the caller takes every part), it
 * claims a part and the caller spins until the scheduler runs it again, or, woken for a call, it is still
 * asleep a millisecond later; and its spinning between calls takes CPU from the caller. The team marks each
 * shared call (the worker awake when it was published) on time or late (src/threads.ts says how).
 *
 * A rate, not an event, decides: on an idle virtual machine the worker is late too, in short bursts (the
 * host runs something else on its virtual CPU for a millisecond or two): 4–6% of the calls of a gpt-nano
 * training step (measured: Intel Xeon, 2 vCPUs), while beside a busy process about 90% are. So the team keeps
 * an exponential average of late calls over about the last {@link LATE_WINDOW} shared calls (one or two
 * training steps) and falls back to the calling thread alone when it reaches {@link LATE_THRESHOLD}: the
 * worker is told to sleep at once, so it takes no CPU. After a while (the solo period) the team shares again:
 * a probe, whose average starts {@link PROBE_MARGIN} under the threshold, so that a worker still without a
 * core is caught within about twenty calls, while an idle machine's bursts do not reach it. Where the team
 * also looks at the machine's load (src/core-load.ts) the threshold is {@link LATE_THRESHOLD_LOOKING}. A
 * fallback within {@link HEALTHY_CALLS} shared calls of the last one makes the next solo period
 * {@link SOLO_GROWTH} times as long (up to {@link SOLO_MAX_MS}); later, it starts again from
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
 * Shared calls without a fallback (about six gpt-nano training steps) after which the next solo period is
 * {@link SOLO_MIN_MS} again.
 */
export const HEALTHY_CALLS = 1024;
/** The average of late calls spans about this many shared calls (the newest weighs 1/LATE_WINDOW). */
export const LATE_WINDOW = 256;
/** The share of late calls at which the team falls back to one thread. */
export const LATE_THRESHOLD = 0.25;
/**
 * The threshold where the team also looks at the machine's load (src/core-load.ts, Node): a busy process is
 * then caught by the look, and the late calls are left to catch what it cannot see (a host that takes the
 * virtual machine's core away), so the bursts of late calls of the process's own first seconds, while the
 * engine's compiler threads take a core, do not send it back to one thread.
 */
export const LATE_THRESHOLD_LOOKING = 0.5;
/** A probe's average of late calls starts this far under the threshold (0.2 for {@link LATE_THRESHOLD}). */
export const PROBE_MARGIN = 0.05;

/**
 * @internal The team's decision: share the next call or run it alone, from what the shared calls showed.
 * Times are milliseconds of one clock (`performance.now()` in the team; any numbers in tests).
 */
export class ThreadPolicy {
  /** @param threshold - The share of late calls that starts a solo period ({@link LATE_THRESHOLD} by default). */
  constructor(readonly threshold = LATE_THRESHOLD) {}

  private lateShare = 0;
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

  /** The average of late calls over the recent shared calls (0 to 1). */
  get late(): number {
    return this.lateShare;
  }

  /**
   * Records a shared call that started at `now`: on time, or late (`late` true).
   *
   * @returns True when this call starts a solo period (the team then tells the worker to sleep).
   */
  record(late: boolean, now: number): boolean {
    this.lateShare += ((late ? 1 : 0) - this.lateShare) / LATE_WINDOW;
    this.sharedCalls++;
    if (this.lateShare < this.threshold) return false;
    this.soloMs =
      this.soloMs === 0 || this.sharedCalls > HEALTHY_CALLS
        ? SOLO_MIN_MS
        : Math.min(SOLO_GROWTH * this.soloMs, SOLO_MAX_MS);
    this.soloUntil = now + this.soloMs;
    this.sharedCalls = 0;
    this.lateShare = this.threshold - PROBE_MARGIN;
    this.fallbacks++;
    return true;
  }
}
