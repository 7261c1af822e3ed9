// FusedCausalSelfAttention (@lxmls/attention) against the exercise form CausalSelfAttention on the backends a
// course run trains on: the wasm backend (one and two threads) and the js reference. Values, the input's
// gradient and every parameter's gradient, without dropout and with dropout under the same seeded generator.
// (@lxmls/attention may not depend on @lxmls/backend-wasm, so this lives with the repository checks.)

import { CausalSelfAttention, FusedCausalSelfAttention } from '@lxmls/attention';
import { createWasmBackend } from '@lxmls/backend-wasm';
import { type Backend, createJsBackend, RandomGenerator, withBackend } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { attentionGradients } from '../packages/attention/src/__fixtures__/gradients.js';

const backends: [string, () => Backend][] = [
  ['js', () => createJsBackend()],
  ['wasm', () => createWasmBackend({ threads: 1 })],
  ['wasm (2 threads)', () => createWasmBackend({ threads: 2 })],
];

describe.each(backends)('FusedCausalSelfAttention on %s', (_, make) => {
  test.each([
    [0, 11, 48, 3],
    [0.1, 11, 48, 3],
    [0.3, 6, 12, 2],
  ])(
    'FusedCausalSelfAttention.forward equals CausalSelfAttention in values and gradients (dropout %f, T %i, C %i, nh %i)',
    (p, T, C, nHead) => {
      const backend = make();
      try {
        withBackend(backend, () => {
          const config = { nEmbd: C, nHead, blockSize: 11, attnPdrop: p, residPdrop: p };
          // the same seed: the same initial weights and the same stream of dropout seeds
          const exercise = attentionGradients(
            new CausalSelfAttention(config, { generator: new RandomGenerator(3) }),
            [3, T, C],
          );
          const fused = attentionGradients(
            new FusedCausalSelfAttention(config, { generator: new RandomGenerator(3) }),
            [3, T, C],
          );
          expect([...fused.keys()]).toEqual([...exercise.keys()]);
          for (const [name, values] of exercise) {
            const other = fused.get(name)!;
            const scale = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
            const gap = values.reduce((m, v, i) => Math.max(m, Math.abs(v - other[i]!)), 0);
            expect(scale, name).toBeGreaterThan(0);
            expect(gap, name).toBeLessThan(1e-5 * Math.max(1, scale));
          }
        });
      } finally {
        backend.dispose?.();
      }
    },
  );
});
