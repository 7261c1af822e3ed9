// The conformance suite of @lxmls/tensor on tfjs-cpu and tfjs-wasm in Node, plus the memory discipline
// (no tfjs tensor leaks across kernel calls) and the package's own errors.
import { createRequire } from 'node:module';
import {
  crossEntropy,
  gather,
  LxmlsTensorError,
  layerNorm,
  matmul,
  memory,
  randn,
  softmax,
  tensor,
  tidy,
  withBackend,
} from '@lxmls/tensor';
import { describeBackend } from '@lxmls/tensor/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { createTfjsBackend, LxmlsBackendTfjsError, registerTfjsBackends, TfjsBackend } from './index.js';

// tfjs-backend-cpu warns once in Node that tfjs-node would be faster; tests run in prod mode to keep quiet.
tf.enableProdMode();

// The default tolerances hold: float32 tfjs kernels against the float64-accumulating js reference differ by
// far less than atol 1e-5 + rtol 1e-4 on the suite's small shapes.
describeBackend('tfjs-cpu', () => createTfjsBackend({ backend: 'cpu' }));
describeBackend('tfjs-wasm', () => createTfjsBackend({ backend: 'wasm' }));

describe('createTfjsBackend', () => {
  test('createTfjsBackend({ backend }) names the backend and sets its capabilities', async () => {
    const cpu = await createTfjsBackend({ backend: 'cpu' });
    expect(cpu).toBeInstanceOf(TfjsBackend);
    expect(cpu.name).toBe('tfjs-cpu');
    expect(cpu.capabilities).toEqual({ gradients: true, float16: false, async: false, fusedAttention: true });
  });

  test('createTfjsBackend({ tf }) uses the injected tfjs-core', async () => {
    const wasm = await createTfjsBackend({ tf, backend: 'wasm' });
    expect(wasm.tf).toBe(tf);
    expect(wasm.name).toBe('tfjs-wasm');
  });

  test.each(['webgl', 'webgpu'] as const)(
    'createTfjsBackend({ backend: "%s" }) in Node is BACKEND_UNAVAILABLE',
    async (engine) => {
      const error = await createTfjsBackend({ backend: engine }).catch((e: unknown) => e);
      expect(LxmlsBackendTfjsError.isInstance(error)).toBe(true);
      expect((error as LxmlsBackendTfjsError).code).toBe('BACKEND_UNAVAILABLE');
      expect((error as Error).message).toMatch(/^\[@lxmls\/backend-tfjs\] createTfjsBackend: the 'web/);
      expect(tf.getBackend()).not.toBe(engine);
    },
  );

  test('createTfjsBackend with an injected tf that lacks the engine names the package', async () => {
    const fake = {
      findBackendFactory: () => null,
      engine: () => ({ registryFactory: {}, registry: {} }),
    } as unknown as typeof tf;
    const error = await createTfjsBackend({ tf: fake, backend: 'cpu' }).catch((e: unknown) => e);
    expect((error as LxmlsBackendTfjsError).code).toBe('MISSING_DEPENDENCY');
    expect((error as Error).message).toContain('@tensorflow/tfjs-backend-cpu');
  });

  test.each([['cuda'], [undefined]])(
    'createTfjsBackend({ backend: %s }) is INVALID_ARGUMENT',
    async (name) => {
      const error = await createTfjsBackend({ backend: name as 'cpu' }).catch((e: unknown) => e);
      expect((error as LxmlsBackendTfjsError).code).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toContain("one of 'webgpu', 'webgl', 'wasm', 'cpu'");
    },
  );

  test('registerTfjsBackends() registers lazily, below js', () => {
    const before = tf.memory().numTensors;
    const names = registerTfjsBackends({ engines: ['cpu'] });
    expect(names).toEqual(['tfjs-cpu']);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('the package resolves its peers from node_modules (no download)', () => {
    const require = createRequire(import.meta.url);
    expect(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm')).toMatch(
      /\.wasm$/,
    );
  });
});

describe.each(['cpu', 'wasm'] as const)('tfjs-%s kernels', (engine) => {
  test('bad ids and targets throw the js backend errors', async () => {
    const backend = await createTfjsBackend({ backend: engine });
    withBackend(backend, () => {
      const table = randn([4, 2]);
      expect(() => gather(table, tensor([1, 4], [2], 'int32'))).toThrow(LxmlsTensorError);
      expect(() => gather(table, tensor([1, 4], [2], 'int32'))).toThrow(/ids\[1\] is out of range/);
      expect(() => crossEntropy(randn([2, 3]), tensor([0, 3], [2], 'int32'))).toThrow(
        /targets\[1\] is not a class index/,
      );
      const allIgnored = crossEntropy(randn([2, 3]), tensor([-1, -1], [2], 'int32'));
      expect(Number.isNaN(allIgnored.item())).toBe(true);
    });
  });

  test('memory: tf.memory().numTensors stays flat over many kernel calls', async () => {
    const backend = await createTfjsBackend({ backend: engine });
    withBackend(backend, () => {
      const w = randn([8, 8]);
      w.requiresGrad = true;
      const g = randn([8]);
      const b = randn([8]);
      const step = () =>
        tidy(() => {
          const x = randn([4, 8]);
          const h = layerNorm(matmul(x, w), g, b).gelu();
          const loss = crossEntropy(softmax(h).log(), tensor([0, 1, -1, 7], [4], 'int32'));
          loss.backward();
          w.zeroGrad();
          return loss.item();
        });
      step();
      const tensors = tf.memory().numTensors;
      const ours = memory().numTensors;
      for (let i = 0; i < 50; i++) step();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(memory().numTensors).toBe(ours);
    });
  });
});
