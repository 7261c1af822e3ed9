// How busy other processes keep the machine (src/core-load.ts): the arithmetic of two samples, how often the
// team looks, and a real look at this machine beside a process that spins on one core.

import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import {
  CoreLoad,
  type CpuSample,
  FREE_CORES,
  LOOK_MS,
  nodeCpuSampler,
  otherCores,
  parseProcStat,
} from './core-load.js';

const at = (busy: number, total: number, own: number, niced = 0, cores = 2): CpuSample => ({
  busy,
  niced,
  total,
  cores,
  own,
});

describe('otherCores', () => {
  test('the busy time of the cores minus this process, per ms that passed', () => {
    const before = at(1000, 4000, 300);
    // 100 ms on 2 cores: this process used 100 ms (both threads half the time), others 100 ms: one core
    expect(otherCores(before, at(1200, 4200, 400), false)).toBeCloseTo(1, 12);
    // only this process was busy: two cores of it, none of others
    expect(otherCores(before, at(1200, 4200, 500), false)).toBe(0);
    // counters that tick in 10 ms steps may show this process busier than the cores: never below 0
    expect(otherCores(before, at(1190, 4200, 500), false)).toBe(0);
  });

  test('niced processes count only when countNiced (this process itself runs niced)', () => {
    const before = at(0, 0, 0, 0);
    const after = at(50, 200, 50, 100); // 100 ms each; a niced process used one core
    expect(otherCores(before, after, false)).toBe(0);
    expect(otherCores(before, after, true)).toBe(1);
  });

  test('no time passed: NaN', () => {
    expect(otherCores(at(5, 10, 1), at(5, 10, 1), false)).toBeNaN();
  });
});

describe('CoreLoad', () => {
  /** A machine of `cores` cores whose other processes keep `busy` of them busy, on a clock the test moves. */
  function machine(cores = 2) {
    const m = { busy: 0, t: 0, used: 0, looks: 0 };
    const load = new CoreLoad({
      sample: () => {
        m.looks++;
        return at(m.used, cores * m.t, 0, 0, cores);
      },
      countNiced: false,
    });
    const pass = (ms: number) => {
      m.t += ms;
      m.used += m.busy * ms;
    };
    return { m, load, pass };
  }

  test('crowded when others leave fewer than FREE_CORES free, looking at most once per LOOK_MS', () => {
    const { m, load, pass } = machine();
    expect(load.crowded(0)).toBe(false); // one look: nothing known
    m.busy = 1;
    pass(LOOK_MS - 1);
    expect(load.crowded(LOOK_MS - 1)).toBe(false); // too soon for a second look
    expect(m.looks).toBe(1);
    pass(1);
    expect(load.crowded(LOOK_MS)).toBe(true);
    expect(load.others).toBeCloseTo(1, 12);
    m.busy = 2 - FREE_CORES - 0.1; // 0.4 cores: 1.6 free
    pass(LOOK_MS);
    expect(load.crowded(2 * LOOK_MS)).toBe(false);
    expect(m.looks).toBe(3);
  });

  test('a machine of many cores is crowded only when fewer than FREE_CORES are left', () => {
    const { m, load, pass } = machine(8);
    load.crowded(0);
    m.busy = 6;
    pass(LOOK_MS);
    expect(load.crowded(LOOK_MS)).toBe(false); // 2 free
    m.busy = 7;
    pass(LOOK_MS);
    expect(load.crowded(2 * LOOK_MS)).toBe(true); // 1 free
  });

  test('a sampler that throws leaves the team sharing and is not asked again', () => {
    let looks = 0;
    const load = new CoreLoad({
      sample: () => {
        looks++;
        throw new Error('no /proc here');
      },
      countNiced: false,
    });
    for (let t = 0; t < 1000; t += 50) expect(load.crowded(t)).toBe(false);
    expect(looks).toBe(1);
  });
});

describe('nodeCpuSampler', () => {
  test('sees a process that spins on one core as at least half a busy core', async () => {
    const sampler = nodeCpuSampler();
    expect(sampler).toBeDefined();
    // it spins until killed, and stops by itself when this process is gone or after 10 s (never an orphan)
    const spin =
      'const p = process.ppid, end = Date.now() + 10000; let n = 0; for (;;) if ((++n & 0xfffff) === 0 && (process.ppid !== p || Date.now() > end)) break;';
    const spinner = spawn(process.execPath, ['-e', spin], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200)); // it starts
      const before = sampler!.sample();
      await new Promise((resolve) => setTimeout(resolve, 400));
      const after = sampler!.sample();
      expect(after.cores).toBeGreaterThan(0);
      expect(otherCores(before, after, sampler!.countNiced)).toBeGreaterThan(0.5);
    } finally {
      spinner.kill();
    }
  });
});

describe('parseProcStat', () => {
  test('the cpu line in ms (10 ms ticks): steal counts as busy, iowait as idle; the cores are the cpuN lines', () => {
    const text = [
      'cpu  100 20 30 400 5 1 2 3 0 0',
      'cpu0 50 10 15 200 2 1 1 2 0 0',
      'cpu1 50 10 15 200 3 0 1 1 0 0',
      'intr 12 0 0',
      'ctxt 99',
    ].join('\n');
    expect(parseProcStat(text)).toEqual({
      busy: (100 + 30 + 1 + 2 + 3) * 10,
      niced: 200,
      total: (100 + 30 + 1 + 2 + 3 + 20 + 400 + 5) * 10,
      cores: 2,
      own: 0,
    });
  });

  test('a text without a cpu line (not Linux): undefined', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('intr 1 2 3\n')).toBeUndefined();
  });
});
