// Tests of the JavaScript-side allocator and the kernels object's memory handling: alignment, reuse,
// coalescing, growth (views re-created after memory.grow) and bad frees.
import { describe, expect, test } from 'vitest';
import { Allocator, createWasmKernels, LxmlsBackendWasmError } from './index.js';

describe('Allocator', () => {
  test('Allocator.alloc aligns to 16 bytes and reuses freed blocks first-fit', () => {
    const heap = new Allocator(new WebAssembly.Memory({ initial: 1 }), 1000);
    const a = heap.alloc(1);
    const b = heap.alloc(17);
    const c = heap.alloc(16);
    expect([a, b, c]).toEqual([1008, 1024, 1056]);
    heap.free(b);
    expect(heap.alloc(10)).toBe(1024);
    expect(heap.alloc(16)).toBe(1040);
    expect(heap.blocks).toBe(4);
  });

  test('Allocator.free merges neighbours and returns the top to the bump pointer', () => {
    const heap = new Allocator(new WebAssembly.Memory({ initial: 1 }), 0);
    const ptrs = [heap.alloc(32), heap.alloc(32), heap.alloc(32), heap.alloc(32)];
    heap.free(ptrs[1]!);
    heap.free(ptrs[2]!);
    expect(heap.alloc(64)).toBe(ptrs[1]); // the two merged blocks
    heap.free(ptrs[3]!);
    heap.free(ptrs[1]!);
    heap.free(ptrs[0]!);
    expect(heap.bytesInUse).toBe(0);
    expect(heap.alloc(128)).toBe(0);
  });

  test('Allocator.alloc grows the memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new Allocator(memory, 0);
    heap.alloc(65536 * 3 + 5);
    expect(memory.buffer.byteLength).toBe(65536 * 4);
  });

  test('Allocator.free rejects a pointer that is not live', () => {
    const heap = new Allocator(new WebAssembly.Memory({ initial: 1 }), 0);
    const a = heap.alloc(8);
    heap.free(a);
    expect(() => heap.free(a)).toThrow('[@lxmls/backend-wasm] free: pointer is not a live allocation');
    try {
      heap.free(4);
    } catch (e) {
      expect(LxmlsBackendWasmError.isInstance(e) && e.code).toBe('INVALID_FREE');
    }
  });

  test('Allocator.find returns the block around a pointer', () => {
    const heap = new Allocator(new WebAssembly.Memory({ initial: 1 }), 0);
    const a = heap.alloc(64);
    expect(heap.find(a + 60)).toEqual([a, 64]);
    expect(heap.find(a + 64)).toBeUndefined();
  });

  test('Allocator stays flat over many alloc/free cycles', () => {
    const heap = new Allocator(new WebAssembly.Memory({ initial: 1 }), 0);
    const keep = heap.alloc(100);
    for (let i = 0; i < 10_000; i++) {
      const ptrs = [heap.alloc(40 + (i % 7)), heap.alloc(300), heap.alloc(8)];
      for (const p of ptrs.reverse()) heap.free(p);
    }
    expect(heap.blocks).toBe(1);
    expect(heap.alloc(16)).toBe(keep + 112);
  });
});

describe('createWasmKernels memory', () => {
  test('createWasmKernels views survive a memory grow when re-created', async () => {
    const k = await createWasmKernels({ initialPages: 1 });
    const a = k.upload([1, 2, 3]);
    const before = k.memory.buffer.byteLength;
    const big = k.alloc(200_000); // grows the memory, detaching old buffers
    expect(k.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(Array.from(k.f32(a, 3))).toEqual([1, 2, 3]);
    k.free(big);
  });

  test('createWasmKernels rejects bad page counts', async () => {
    await expect(createWasmKernels({ initialPages: 0 })).rejects.toThrow(
      'createWasmKernels: memory pages out of range',
    );
  });

  test('createWasmKernels instances do not share memory', async () => {
    const [k1, k2] = await Promise.all([createWasmKernels(), createWasmKernels()]);
    expect(k1.memory).not.toBe(k2.memory);
  });

  test('f32 rejects a view past the end of its allocation', async () => {
    const k = await createWasmKernels();
    const a = k.alloc(4);
    expect(() => k.f32(a, 5)).toThrow('f32: ptr is too small for (5). Expected 5 floats, received 4 floats');
  });
});
