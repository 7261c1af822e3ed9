/**
 * Runs one task in a fresh Web Worker under a time limit, for code a student wrote: the page never runs it
 * itself, so an infinite loop or a runaway allocation freezes (and is then terminated with) the worker, never
 * the page. The limit is either on the whole task (a check) or on the silence between two replies (training,
 * which reports every iteration). The worker is terminated when the task ends, whatever the end. The worker is
 * made by a function, so Node tests run this module with a fake.
 */

/** The part of `Worker` this module uses. */
export interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string; preventDefault?: () => void }) => void) | null;
}

/** How a task ended. */
export type TaskEnd<R> =
  /** The worker sent its final reply. */
  | { status: 'done'; reply: R }
  /** The time limit passed: the worker was terminated. */
  | { status: 'timeout'; seconds: number }
  /** The worker failed outside the task's own error handling (a script that did not load, …). */
  | { status: 'crashed'; message: string }
  /** {@link WorkerTask.cancel} was called. */
  | { status: 'cancelled' };

/** Options of {@link startWorkerTask}. */
export interface WorkerTaskOptions<R> {
  /** The limit in milliseconds. */
  timeLimitMs: number;
  /** `'total'`: the whole task must end within the limit; `'idle'`: each reply restarts the clock. */
  limit?: 'total' | 'idle';
  /** True for the reply that ends the task. */
  isFinal: (reply: R) => boolean;
  /** Called with every reply, the final one included. */
  onReply?: (reply: R) => void;
  /** Timers (tests pass fakes); default the global ones. */
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
}

/** A running task. */
export interface WorkerTask<R> {
  /** Settles when the task ends (never rejects). */
  done: Promise<TaskEnd<R>>;
  /** Sends another message to the worker (e.g. "stop"), if it is still running. */
  post(message: unknown): void;
  /** Terminates the worker now; `done` settles with `{ status: 'cancelled' }`. */
  cancel(): void;
}

/**
 * Starts `create()`, sends it `request`, and collects its replies until the final one or the time limit.
 *
 * @param create - Makes the worker (`() => new Worker(new URL('./worker-exercise.ts', import.meta.url), …)`).
 * @param request - The first message.
 * @param options - {@link WorkerTaskOptions}.
 * @returns The {@link WorkerTask}.
 * @example
 * ```ts
 * import { startWorkerTask } from './worker-client.js';
 * const echo = { onmessage: null, onerror: null, terminate() {}, postMessage(m: unknown) { setTimeout(() => this.onmessage?.({ data: m })); } };
 * const end = await startWorkerTask(() => echo, 'hi', { timeLimitMs: 1000, isFinal: () => true }).done;
 * console.log(end); // → { status: 'done', reply: 'hi' }
 * ```
 */
export function startWorkerTask<R>(
  create: () => WorkerLike,
  request: unknown,
  options: WorkerTaskOptions<R>,
): WorkerTask<R> {
  const { timeLimitMs, limit = 'total', isFinal, onReply } = options;
  const timers = options.timers ?? {
    set: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clear: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  let settle!: (end: TaskEnd<R>) => void;
  const done = new Promise<TaskEnd<R>>((resolve) => {
    settle = resolve;
  });
  let worker: WorkerLike | null = null;
  let timer: unknown = null;
  const finish = (end: TaskEnd<R>): void => {
    if (worker === null) return;
    if (timer !== null) timers.clear(timer);
    timer = null;
    const w = worker;
    worker = null;
    w.onmessage = null;
    w.onerror = null;
    w.terminate();
    settle(end);
  };
  const arm = (): void => {
    if (timer !== null) timers.clear(timer);
    timer = timers.set(() => finish({ status: 'timeout', seconds: timeLimitMs / 1000 }), timeLimitMs);
  };
  try {
    worker = create();
  } catch (error) {
    settle({ status: 'crashed', message: error instanceof Error ? error.message : String(error) });
    return { done, post: () => {}, cancel: () => {} };
  }
  worker.onmessage = (event) => {
    const reply = event.data as R;
    onReply?.(reply);
    if (isFinal(reply)) finish({ status: 'done', reply });
    else if (limit === 'idle') arm();
  };
  worker.onerror = (event) => {
    event.preventDefault?.();
    finish({ status: 'crashed', message: event.message || 'the worker stopped with an error' });
  };
  arm();
  worker.postMessage(request);
  return {
    done,
    post: (message) => worker?.postMessage(message),
    cancel: () => finish({ status: 'cancelled' }),
  };
}
