import { describe, expect, test } from 'vitest';
import { startWorkerTask, type WorkerLike } from './worker-client.js';

/** Hand-driven timers: `tick()` fires every timer due by then. */
function fakeTimers() {
  let now = 0;
  let next = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    set: (fn: () => void, ms: number) => {
      due.set(++next, { at: now + ms, fn });
      return next;
    },
    clear: (handle: unknown) => void due.delete(handle as number),
    tick(ms: number) {
      now += ms;
      for (const [id, t] of [...due]) {
        if (t.at <= now) {
          due.delete(id);
          t.fn();
        }
      }
    },
    get pending() {
      return due.size;
    },
  };
}

/** A fake worker: records what it was sent and whether it was terminated; `reply` answers. */
function fakeWorker() {
  const w = {
    sent: [] as unknown[],
    terminated: false,
    onmessage: null as WorkerLike['onmessage'],
    onerror: null as WorkerLike['onerror'],
    postMessage(m: unknown) {
      w.sent.push(m);
    },
    terminate() {
      w.terminated = true;
    },
    reply(data: unknown) {
      w.onmessage?.({ data });
    },
  };
  return w;
}

type Reply = { type: 'progress' | 'done'; n: number };
const isFinal = (r: Reply) => r.type === 'done';

describe('startWorkerTask', () => {
  test('startWorkerTask(create, request) sends the request, passes every reply on, and ends at the final one', async () => {
    const timers = fakeTimers();
    const w = fakeWorker();
    const seen: Reply[] = [];
    const task = startWorkerTask<Reply>(
      () => w,
      { go: 1 },
      {
        timeLimitMs: 1000,
        isFinal,
        onReply: (r) => seen.push(r),
        timers,
      },
    );
    expect(w.sent).toEqual([{ go: 1 }]);
    w.reply({ type: 'progress', n: 1 });
    w.reply({ type: 'done', n: 2 });
    expect(await task.done).toEqual({ status: 'done', reply: { type: 'done', n: 2 } });
    expect(seen.map((r) => r.n)).toEqual([1, 2]);
    expect(w.terminated).toBe(true);
    expect(timers.pending).toBe(0);
    w.reply({ type: 'done', n: 3 }); // after the end: ignored
    expect(seen).toHaveLength(2);
  });

  test.each([
    ['total', 'times out although replies keep coming', true],
    ['idle', 'keeps going while replies keep coming', false],
  ] as const)('startWorkerTask with limit %j %s', async (limit, _, timesOut) => {
    const timers = fakeTimers();
    const w = fakeWorker();
    const task = startWorkerTask<Reply>(() => w, null, { timeLimitMs: 1000, limit, isFinal, timers });
    for (let i = 0; i < 3; i++) {
      timers.tick(600);
      w.reply({ type: 'progress', n: i });
    }
    if (!timesOut) {
      expect(w.terminated).toBe(false);
      timers.tick(1000); // silence for the whole limit
    }
    expect(await task.done).toEqual({ status: 'timeout', seconds: 1 });
    expect(w.terminated).toBe(true);
  });

  test('startWorkerTask: cancel terminates the worker; an error event ends the task as crashed', async () => {
    const timers = fakeTimers();
    const a = fakeWorker();
    const cancelled = startWorkerTask<Reply>(() => a, null, { timeLimitMs: 1000, isFinal, timers });
    cancelled.post('stop');
    cancelled.cancel();
    expect(await cancelled.done).toEqual({ status: 'cancelled' });
    expect(a.sent).toEqual([null, 'stop']);
    expect(a.terminated).toBe(true);

    const b = fakeWorker();
    const crashed = startWorkerTask<Reply>(() => b, null, { timeLimitMs: 1000, isFinal, timers });
    b.onerror?.({ message: 'Uncaught SyntaxError' });
    expect(await crashed.done).toEqual({ status: 'crashed', message: 'Uncaught SyntaxError' });
    expect(timers.pending).toBe(0);

    const failing = startWorkerTask<Reply>(
      () => {
        throw new Error('no workers here');
      },
      null,
      { timeLimitMs: 1000, isFinal, timers },
    );
    expect(await failing.done).toEqual({ status: 'crashed', message: 'no workers here' });
  });
});
