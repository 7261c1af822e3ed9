/**
 * How busy the machine's other processes keep its cores: the second signal of the `wasm` backend's thread
 * policy (src/threads.ts), beside the late calls of src/thread-policy.ts.
 *
 * Follows issue 14's "the default must never be the slow choice" and OpenMP's dynamic threads: with
 * `OMP_DYNAMIC`, GNU libgomp gives a team the online processors minus the load average
 * (libgomp/config/linux/proc.c `gomp_dynamic_max_threads`). A load average lags by minutes, so this file
 * measures the same thing over the last tenth of a second instead: the CPU time the cores spent busy (the
 * kernel's counters: the `cpu` line of Linux's `/proc/stat`, one file read of about 25 µs however many cores;
 * elsewhere `os.cpus()`) minus the CPU time of this process (`process.cpuUsage()`, all its threads, the
 * worker included), divided by the time that passed. What remains is the cores that
 * other processes used. When they leave less than {@link FREE_CORES} cores, the two threads would share a
 * core and the team runs its calls on the calling thread alone; a late call is then never needed to find
 * out (a probe beside a busy process costs a few milliseconds each time).
 *
 * Time of processes with a nice value above 0 is not counted while this process runs at nice 0: the
 * scheduler gives them a small share of a core that this process wants (nice 19 gets about 1.5%). On
 * Linux, time the hypervisor gave another guest (`steal`) counts as busy: the core was not this machine's.
 *
 * Where: Node (`process.getBuiltinModule`). Browsers tell a page nothing of other processes: there the late
 * calls alone decide. In a container that shows the host's cores, the count is over the host, as its free
 * cores are.
 */

/** The counters of one look at the machine, in ms of CPU time. */
export interface CpuSample {
  /** Σ over the cores of the time spent in user, system and interrupt code (and stolen), without niced processes. */
  busy: number;
  /** Σ over the cores of the time spent in processes with a nice value above 0. */
  niced: number;
  /** Σ over the cores of all their time (busy, niced and idle). */
  total: number;
  /** The number of cores counted. */
  cores: number;
  /** CPU time of this process, all its threads, user and system. */
  own: number;
}

/** How a team looks at the machine: a sample of the counters, and whether niced processes count. */
export interface CpuSampler {
  /** Takes a sample now. */
  sample: () => CpuSample;
  /** Count niced processes as load too (this process itself runs niced). */
  countNiced: boolean;
}

/** Other processes' load at which the two threads would lose a core: the cores minus this many free ones. */
export const FREE_CORES = 1.5;
/** The shortest time between two looks at the machine, in ms (a look costs 25–40 µs). */
export const LOOK_MS = 100;

/**
 * @internal The cores other processes kept busy between two samples (0 on an idle machine, about 1 beside a
 * process that spins on one core), or NaN when no time passed. `countNiced` counts niced processes too (for
 * a process that itself runs niced).
 */
export function otherCores(before: CpuSample, after: CpuSample, countNiced: boolean): number {
  const elapsed = (after.total - before.total) / after.cores; // wall time, per core
  if (!(elapsed > 0)) return Number.NaN;
  const busy = after.busy - before.busy + (countNiced ? after.niced - before.niced : 0);
  return Math.max(0, busy - (after.own - before.own)) / elapsed;
}

/** Milliseconds per tick of `/proc/stat` (USER_HZ, 100 on every Linux architecture Node runs on). */
const TICK_MS = 10;

/**
 * @internal A sample from Linux's `/proc/stat` text (`own` left 0): its `cpu` line (user, nice, system, idle,
 * iowait, irq, softirq, steal, in ticks) and its count of `cpuN` lines; undefined when the text has no such line.
 */
export function parseProcStat(text: string): CpuSample | undefined {
  const line = /^cpu +([\d ]+)$/m.exec(text);
  const cores = text.match(/^cpu\d+ /gm)?.length ?? 0;
  if (!line || cores === 0) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line[1]!
    .trim()
    .split(/ +/)
    .map(Number);
  const busy = (user + system + irq + softirq + steal) * TICK_MS;
  const niced = nice * TICK_MS;
  return { busy, niced, total: busy + niced + (idle + iowait) * TICK_MS, cores, own: 0 };
}

interface NodeFs {
  readFileSync(path: string, encoding: 'latin1'): string;
}

interface NodeOs {
  cpus(): { times: { user: number; nice: number; sys: number; idle: number; irq: number } }[];
  getPriority?(): number;
}

interface NodeProcess {
  getBuiltinModule?: (name: string) => unknown;
  cpuUsage?: () => { user: number; system: number };
}

/**
 * @internal The sampler of this machine in Node (`/proc/stat` on Linux, else `os.cpus()`, and
 * `process.cpuUsage()`), with whether niced processes count (this process itself runs niced); undefined
 * outside Node or where neither counter is there.
 */
export function nodeCpuSampler(): CpuSampler | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  if (typeof p?.getBuiltinModule !== 'function' || typeof p.cpuUsage !== 'function') return undefined;
  const os = p.getBuiltinModule('node:os') as NodeOs;
  const usage = p.cpuUsage.bind(p);
  const own = () => {
    const u = usage();
    return (u.user + u.system) / 1000;
  };
  const fs = p.getBuiltinModule('node:fs') as NodeFs;
  const procStat = (): CpuSample | undefined => {
    try {
      return parseProcStat(fs.readFileSync('/proc/stat', 'latin1'));
    } catch {
      return undefined; // not Linux, or a sandbox without /proc
    }
  };
  let countNiced = false;
  try {
    countNiced = (os.getPriority?.() ?? 0) > 0;
  } catch {
    // a sandbox that forbids it: count as at nice 0
  }
  if (procStat()) {
    return {
      sample: () => {
        const s = procStat();
        if (!s) throw new Error('/proc/stat is gone');
        s.own = own();
        return s;
      },
      countNiced,
    };
  }
  if (os.cpus().length === 0) return undefined; // no per-core counters here
  const sample = (): CpuSample => {
    let busy = 0;
    let niced = 0;
    let idle = 0;
    const cpus = os.cpus();
    for (const { times } of cpus) {
      busy += times.user + times.sys + times.irq;
      niced += times.nice;
      idle += times.idle;
    }
    return { busy, niced, total: busy + niced + idle, cores: cpus.length, own: own() };
  };
  return { sample, countNiced };
}

/**
 * @internal Whether the machine's other processes leave the team two cores, looked at no more than once
 * per {@link LOOK_MS} (the team asks before each call it could share).
 */
export class CoreLoad {
  private last: CpuSample | undefined;
  private lastAt = Number.NEGATIVE_INFINITY;
  private othersNow = 0;

  /**
   * @param sampler - Takes a sample; `countNiced` as for {@link otherCores}. A sampler that throws or
   *   returns nonsense leaves the answer at "free" (the late calls still decide).
   */
  constructor(private readonly sampler: CpuSampler) {}

  /** The cores other processes kept busy over the last look (0 before two looks). */
  get others(): number {
    return this.othersNow;
  }

  /** True when other processes leave fewer than {@link FREE_CORES} cores free, as of the last look before `now` (ms). */
  crowded(now: number): boolean {
    if (now - this.lastAt >= LOOK_MS) this.look(now);
    return this.last !== undefined && this.last.cores > 0 && this.last.cores - this.othersNow < FREE_CORES;
  }

  private look(now: number): void {
    let next: CpuSample;
    try {
      next = this.sampler.sample();
    } catch {
      this.last = undefined; // no signal: never crowded
      this.lastAt = Number.POSITIVE_INFINITY;
      return;
    }
    if (this.last) {
      const others = otherCores(this.last, next, this.sampler.countNiced);
      if (Number.isFinite(others)) this.othersNow = others;
    }
    this.last = next;
    this.lastAt = now;
  }
}
