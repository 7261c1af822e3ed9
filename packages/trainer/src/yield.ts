/**
 * Yielding to the event loop from a long computation: awaiting a macrotask lets timers, I/O, user input and
 * (in a browser) rendering run, at a cost of microseconds.
 *
 * `setTimeout(fn, 0)` would also do it, but browsers clamp nested timeouts to 4 ms and Node to 1 ms, which
 * would cost a training loop that yields every 15 ms up to a fifth of its time. So: `setImmediate` in Node,
 * a `MessageChannel` message in browsers and workers, and `setTimeout` only as the last resort.
 */

type Resolve = () => void;
let channel: { port: MessagePort; queue: Resolve[] } | null = null;

/**
 * A promise that resolves in a later macrotask (after pending I/O, timers and, in browsers, rendering).
 *
 * @returns The promise.
 * @example
 * ```ts
 * import { yieldToEventLoop } from '@lxmls/trainer';
 * const order: string[] = [];
 * const done = yieldToEventLoop().then(() => order.push('macrotask'));
 * queueMicrotask(() => order.push('microtask'));
 * order.push('sync');
 * await done;
 * console.log(order); // → [ 'sync', 'microtask', 'macrotask' ]
 * ```
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    if (channel === null) {
      const { port1, port2 } = new MessageChannel();
      const queue: Resolve[] = [];
      port1.onmessage = () => queue.shift()?.();
      channel = { port: port2, queue };
    }
    const { port, queue } = channel;
    return new Promise((resolve) => {
      queue.push(resolve);
      port.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
