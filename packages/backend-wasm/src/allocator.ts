/**
 * The allocator of @lxmls/backend-wasm: a first-fit free list over a `WebAssembly.Memory`, kept in JavaScript.
 *
 * The kernels never allocate (they are built with `--runtime stub`); every buffer they touch is handed out
 * here. Blocks are 16-byte aligned (one f32x4), freed blocks are merged with their free neighbours, and a
 * block at the top gives its space back to the bump pointer. The memory grows (in 64 KiB pages) when the
 * free list has no block large enough; a grow detaches old `ArrayBuffer`s, so views must be re-created
 * after any `alloc` (the kernels object's `f32` / `i32` do that). Allocations are also the unit of bounds
 * checking: a kernel's pointer must lie inside a live allocation large enough for its shape.
 */

import { LxmlsBackendWasmError } from './errors.js';

const ALIGN = 16;
const PAGE = 65536;

const alignUp = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Options of {@link Allocator}. */
export interface AllocatorOptions {
  /**
   * Keep freed blocks in per-size LIFO lists and hand them out again for the same size in O(1), without
   * merging (default false). A training step allocates the same sizes in the same order every step, so
   * after the first step every allocation is a cache hit, and the most recently freed block (likely still in
   * the CPU cache) is reused first. A request that misses returns every cached block to the first-fit free
   * list (merging neighbours) before searching it, so cached blocks never make the memory grow.
   */
  sizeCache?: boolean;
}

/**
 * A first-fit free-list allocator over a WebAssembly memory. Pointers are byte offsets.
 *
 * @example
 * ```ts
 * import { Allocator } from '@lxmls/backend-wasm';
 * const heap = new Allocator(new WebAssembly.Memory({ initial: 1 }), 1024);
 * const a = heap.alloc(100); // 100 bytes, 16-byte aligned
 * const b = heap.alloc(8);
 * heap.free(a);
 * console.log(a, b, heap.alloc(50)); // → 1024 1136 1024
 * ```
 */
export class Allocator {
  /** The memory the blocks live in. */
  readonly memory: WebAssembly.Memory;
  /** The first byte handed out (16-byte aligned). */
  readonly base: number;
  private top: number;
  /** Live blocks: start → size in bytes (after alignment). */
  private readonly live = new Map<number, number>();
  /** Live block starts, sorted, for `find`. */
  private readonly starts: number[] = [];
  /** Free blocks as [start, size], sorted by start, never adjacent to each other or to `top`. */
  private readonly freeList: Array<[number, number]> = [];
  /** With `sizeCache`: freed blocks not yet merged, by aligned size (LIFO stacks of starts). */
  private readonly cache: Map<number, number[]> | null;
  private cachedBlocks = 0;

  /** Hands out bytes of `memory` from `base` (rounded up to 16) on. */
  constructor(memory: WebAssembly.Memory, base: number, options: AllocatorOptions = {}) {
    this.memory = memory;
    this.base = alignUp(base);
    this.top = this.base;
    this.cache = options.sizeCache ? new Map() : null;
  }

  /** Bytes in live blocks. */
  get bytesInUse(): number {
    let total = 0;
    for (const size of this.live.values()) total += size;
    return total;
  }

  /** Number of live blocks. */
  get blocks(): number {
    return this.live.size;
  }

  /** A 16-byte aligned block of at least `bytes` bytes (at least 16); grows the memory if needed. */
  alloc(bytes: number): number {
    const size = alignUp(Math.max(bytes, ALIGN));
    if (this.cache !== null && this.cachedBlocks > 0) {
      const stack = this.cache.get(size);
      if (stack !== undefined && stack.length > 0) {
        const ptr = stack.pop()!;
        this.cachedBlocks--;
        this.track(ptr, size);
        return ptr;
      }
      this.flushCache(); // a miss: merge the cached blocks so first-fit can use them
    }
    for (let i = 0; i < this.freeList.length; i++) {
      const block = this.freeList[i]!;
      if (block[1] < size) continue;
      const ptr = block[0];
      if (block[1] === size) this.freeList.splice(i, 1);
      else {
        block[0] += size;
        block[1] -= size;
      }
      this.track(ptr, size);
      return ptr;
    }
    const ptr = this.top;
    const end = ptr + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        this.memory.grow(pages);
      } catch (cause) {
        throw new LxmlsBackendWasmError('OUT_OF_MEMORY', 'the WebAssembly memory cannot grow', {
          fn: 'alloc',
          argument: 'bytes',
          expected: `room for ${size} more bytes`,
          received: `a memory of ${have} bytes that refused to grow by ${pages} pages`,
          cause,
        });
      }
    }
    this.top = end;
    this.track(ptr, size);
    return ptr;
  }

  /** Returns a block from {@link Allocator.alloc}; throws `INVALID_FREE` for anything else. */
  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) {
      throw new LxmlsBackendWasmError('INVALID_FREE', 'pointer is not a live allocation', {
        fn: 'free',
        argument: 'ptr',
        expected: 'a pointer returned by alloc and not yet freed',
        received: String(ptr),
      });
    }
    this.live.delete(ptr);
    this.starts.splice(this.indexOf(ptr), 1);
    if (this.cache !== null) {
      const stack = this.cache.get(size);
      if (stack === undefined) this.cache.set(size, [ptr]);
      else stack.push(ptr);
      this.cachedBlocks++;
      return;
    }
    this.release(ptr, size);
  }

  /** Returns every block of the size cache to the merging free list. */
  flushCache(): void {
    if (this.cache === null || this.cachedBlocks === 0) return;
    const blocks: Array<[number, number]> = [];
    for (const [size, stack] of this.cache) for (const ptr of stack) blocks.push([ptr, size]);
    this.cache.clear();
    this.cachedBlocks = 0;
    blocks.sort((a, b) => b[0] - a[0]); // from the top down, so the bump pointer can shrink at once
    for (const [ptr, size] of blocks) this.release(ptr, size);
  }

  /** Puts `[ptr, ptr + size)` into the sorted free list, merging it with its neighbours and the top. */
  private release(ptr: number, size: number): void {
    // Insert into the sorted free list, merging with neighbours.
    let lo = 0;
    let hi = this.freeList.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.freeList[mid]![0] < ptr) lo = mid + 1;
      else hi = mid;
    }
    let start = ptr;
    let end = ptr + size;
    const prev = this.freeList[lo - 1];
    const next = this.freeList[lo];
    let at = lo;
    let remove = 0;
    if (prev && prev[0] + prev[1] === start) {
      start = prev[0];
      at = lo - 1;
      remove++;
    }
    if (next && next[0] === end) {
      end = next[0] + next[1];
      remove++;
    }
    if (end === this.top) {
      this.freeList.splice(at, remove);
      this.top = start;
    } else this.freeList.splice(at, remove, [start, end - start]);
  }

  /**
   * The live block containing `[ptr, ptr + bytes)`, as `[start, size]`, or undefined. Used for bounds checks.
   */
  find(ptr: number): [number, number] | undefined {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= ptr) lo = mid + 1;
      else hi = mid;
    }
    const start = starts[lo - 1];
    if (start === undefined) return undefined;
    const size = this.live.get(start)!;
    return ptr < start + size || (ptr === start && size === 0) ? [start, size] : undefined;
  }

  private track(ptr: number, size: number): void {
    this.live.set(ptr, size);
    this.starts.splice(this.indexOf(ptr), 0, ptr);
  }

  private indexOf(ptr: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < ptr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
