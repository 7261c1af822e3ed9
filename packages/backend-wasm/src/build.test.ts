// The checked-in src/generated/kernels-wasm.ts must be what scripts/build-wasm.mjs produces from
// assembly/*.ts now (so it cannot go stale), and the compiler must be deterministic. Skipped only when the
// assemblyscript devDependency is not installed.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { toSharedMemoryModule } from './shared-memory.js';

const require = createRequire(import.meta.url);
let hasAsc = true;
try {
  require.resolve('assemblyscript/package.json');
} catch {
  hasAsc = false;
}

interface BuildScript {
  GENERATED: string;
  GENERATED_RELAXED: string;
  ASC_FLAGS_RELAXED: string[];
  ASC_FLAGS_SHARED: string[];
  compileKernels(flags?: string[]): Promise<Uint8Array>;
  renderModule(bytes: Uint8Array): string;
  renderRelaxedModule(bytes: Uint8Array): string;
}

describe.skipIf(!hasAsc)('build-wasm', () => {
  test('build-wasm rebuilds the checked-in kernels-wasm.ts byte for byte', async () => {
    const script = (await import(new URL('../scripts/build-wasm.mjs', import.meta.url).href)) as BuildScript;
    const first = await script.compileKernels();
    const second = await script.compileKernels();
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    expect(readFileSync(script.GENERATED, 'utf8')).toBe(script.renderModule(first));
  });

  test('build-wasm rebuilds the checked-in relaxed-SIMD kernels-relaxed-wasm.ts byte for byte', async () => {
    const script = (await import(new URL('../scripts/build-wasm.mjs', import.meta.url).href)) as BuildScript;
    const bytes = await script.compileKernels(script.ASC_FLAGS_RELAXED);
    expect(readFileSync(script.GENERATED_RELAXED, 'utf8')).toBe(script.renderRelaxedModule(bytes));
  });

  test("toSharedMemoryModule(build) is byte for byte asc's own --sharedMemory build", async () => {
    const script = (await import(new URL('../scripts/build-wasm.mjs', import.meta.url).href)) as BuildScript;
    const plain = await script.compileKernels();
    const shared = await script.compileKernels(script.ASC_FLAGS_SHARED);
    expect(Buffer.from(toSharedMemoryModule(plain)).equals(Buffer.from(shared))).toBe(true);
  });
});
