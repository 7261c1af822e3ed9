/**
 * The shared-memory variant of the kernels' module, for the backend's threads: the same bytes with the memory
 * import declared `shared`.
 *
 * Threads (src/threads.ts) run the kernels over one `WebAssembly.Memory` created with `shared: true`, and an
 * engine instantiates a module over a shared memory only when its import says so. The kernels need no atomic
 * instruction (the threads synchronise in JavaScript with `Atomics` on a separate SharedArrayBuffer), so the
 * two modules differ in one byte: the limits flag of the `env.memory` import, 0x01 (has a maximum) in the
 * build, 0x03 (has a maximum, shared) here. scripts/build-wasm.mjs declares the maximum so that this is a
 * flip and not a resize; src/build.test.ts checks the result equals asc's own `--sharedMemory` output.
 * No `node:` import: the same code runs in Node and in browsers.
 */

import { LxmlsBackendWasmError } from './errors.js';

/** Reads an unsigned LEB128 at `at`; returns the value and the offset after it. */
function leb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, at];
    shift += 7;
  }
}

/** Skips a length-prefixed name (module or field of an import) and returns it with the next offset. */
function name(bytes: Uint8Array, at: number): [text: string, next: number] {
  const [length, start] = leb(bytes, at);
  return [new TextDecoder().decode(bytes.subarray(start, start + length)), start + length];
}

/** Skips resizable limits (flag, minimum, optional maximum). */
function skipLimits(bytes: Uint8Array, at: number): number {
  const flag = bytes[at]!;
  let next = leb(bytes, at + 1)[1];
  if (flag & 1) next = leb(bytes, next)[1];
  return next;
}

/**
 * A copy of the WebAssembly module `bytes` whose imported memory `env.memory` is declared shared. The import
 * must already declare a maximum (limits flag 0x01): shared memories need one.
 *
 * @param bytes - A WebAssembly binary that imports `env.memory` with a maximum and no `shared` flag.
 * @returns The same binary with the import's limits flag set to 0x03 (maximum, shared).
 * @throws LxmlsBackendWasmError `INVALID_ARGUMENT` when `bytes` is not such a module.
 *
 * @example
 * ```ts
 * import { toSharedMemoryModule } from '@lxmls/backend-wasm';
 * // (module (import "env" "memory" (memory 1 2))): magic, version, one import section
 * const plain = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 2, 16, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 1, 1, 2]);
 * const shared = toSharedMemoryModule(plain);
 * console.log(shared[23], WebAssembly.validate(shared)); // → 3 true
 * ```
 */
export function toSharedMemoryModule(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const fail = (received: string): never => {
    throw new LxmlsBackendWasmError('INVALID_ARGUMENT', 'cannot make the memory import shared', {
      fn: 'toSharedMemoryModule',
      argument: 'bytes',
      expected: 'a WebAssembly module importing env.memory with a maximum (limits flag 0x01)',
      received,
    });
  };
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    return fail('bytes without the \\0asm magic number');
  }
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const [size, start] = leb(bytes, at + 1);
    if (id === 2) {
      let [count, p] = leb(bytes, start);
      while (count-- > 0) {
        const [module, afterModule] = name(bytes, p);
        const [field, afterField] = name(bytes, afterModule);
        const kind = bytes[afterField]!;
        p = afterField + 1;
        if (kind === 0) p = leb(bytes, p)[1];
        else if (kind === 1) p = skipLimits(bytes, p + 1);
        else if (kind === 3) p += 2;
        else if (kind === 2) {
          if (module === 'env' && field === 'memory') {
            const flag = bytes[p]!;
            if (flag !== 0x01) return fail(`env.memory with limits flag 0x0${flag.toString(16)}`);
            const out = new Uint8Array(bytes);
            out[p] = 0x03;
            return out;
          }
          p = skipLimits(bytes, p);
        } else return fail(`an import of unknown kind ${kind}`);
      }
      return fail('an import section without env.memory');
    }
    at = start + size;
  }
  return fail('a module with no import section');
}
