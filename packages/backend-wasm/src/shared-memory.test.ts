// toSharedMemoryModule: the embedded kernels become a module that instantiates over a shared memory, and
// anything else is refused with an error that says what was expected.

import { expect, test } from 'vitest';
import { LxmlsBackendWasmError } from './errors.js';
import { KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';
import { toSharedMemoryModule } from './shared-memory.js';

const kernels = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));

test('toSharedMemoryModule(kernels) instantiates over a shared memory, and only over one', () => {
  const shared = new WebAssembly.Module(toSharedMemoryModule(kernels));
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
  const instance = new WebAssembly.Instance(shared, { env: { memory } });
  expect(typeof instance.exports.matmulPart).toBe('function');
  const privateMemory = new WebAssembly.Memory({ initial: 16, maximum: 65536 });
  expect(() => new WebAssembly.Instance(shared, { env: { memory: privateMemory } })).toThrow(
    WebAssembly.LinkError,
  );
});

test('toSharedMemoryModule(kernels) changes one byte and leaves its input alone', () => {
  const copy = kernels.slice();
  const shared = toSharedMemoryModule(kernels);
  const changed = [...shared.keys()].filter((i) => shared[i] !== kernels[i]);
  expect(changed.length).toBe(1);
  expect(shared[changed[0]!]).toBe(0x03);
  expect(kernels).toEqual(copy);
});

const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
const envMemory = (limits: number[]) => [
  3,
  0x65,
  0x6e,
  0x76,
  6,
  0x6d,
  0x65,
  0x6d,
  0x6f,
  0x72,
  0x79,
  2,
  ...limits,
];
test.each([
  ['no magic number', [1, 2, 3, 4, 5, 6, 7, 8], /without the \\0asm magic/],
  ['no import section', header, /no import section/],
  ['a memory without a maximum', [...header, 2, 15, 1, ...envMemory([0x00, 1])], /limits flag 0x00/],
  ['a memory already shared', [...header, 2, 16, 1, ...envMemory([0x03, 1, 2])], /limits flag 0x03/],
  ['imports without env.memory', [...header, 2, 7, 1, 1, 0x61, 1, 0x62, 0, 0], /without env\.memory/],
])('toSharedMemoryModule refuses %s', (_what, bytes, message) => {
  let error: unknown;
  try {
    toSharedMemoryModule(new Uint8Array(bytes));
  } catch (e) {
    error = e;
  }
  expect(LxmlsBackendWasmError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
  expect(String((error as Error).message)).toMatch(message);
  expect(String((error as Error).message)).toMatch(/^\[@lxmls\/backend-wasm\] toSharedMemoryModule: /);
});
