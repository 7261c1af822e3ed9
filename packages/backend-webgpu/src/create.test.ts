// Node has no WebGPU adapter on this machine kind: the backend says so in one error, and registering it
// does not start it. The kernels themselves run in headless Chromium (tools/webgpu.browser.test.ts).
import { listBackends, removeBackend, setBackend } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import {
  createWebGpuBackend,
  LxmlsBackendWebgpuError,
  registerWebGpuBackend,
  webgpuUnavailableReason,
} from './index.js';

describe('webgpuUnavailableReason', () => {
  test.each([
    ['no gpu object', null, 'no navigator.gpu in this environment'],
    ['no adapter', { requestAdapter: async () => null }, 'navigator.gpu.requestAdapter() found no adapter'],
    [
      'a failing adapter request',
      {
        requestAdapter: async () => {
          throw new Error('driver missing');
        },
      },
      'navigator.gpu.requestAdapter() failed: driver missing',
    ],
  ])('webgpuUnavailableReason(%s)', async (_, gpu, reason) => {
    expect(await webgpuUnavailableReason(gpu)).toBe(reason);
  });

  test('webgpuUnavailableReason() in Node 20 without the webgpu package', async () => {
    expect(await webgpuUnavailableReason()).toBe('no navigator.gpu in this environment');
  });
});

describe('createWebGpuBackend', () => {
  test('createWebGpuBackend() without an adapter throws BACKEND_UNAVAILABLE with the reason', async () => {
    const error = await createWebGpuBackend({ gpu: { requestAdapter: async () => null } }).catch((e) => e);
    expect(LxmlsBackendWebgpuError.isInstance(error)).toBe(true);
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toBe(
      '[@lxmls/backend-webgpu] createWebGpuBackend: WebGPU is not available. Expected a WebGPU adapter (a browser with WebGPU, or Node with the npm webgpu package and a GPU), received navigator.gpu.requestAdapter() found no adapter.',
    );
  });

  test('createWebGpuBackend() when the device cannot be created', async () => {
    const adapter = {
      limits: { maxStorageBufferBindingSize: 1, maxBufferSize: 1, maxStorageBuffersPerShaderStage: 8 },
      requestDevice: async () => {
        throw new Error('out of memory');
      },
    };
    const error = await createWebGpuBackend({ gpu: { requestAdapter: async () => adapter } }).catch((e) => e);
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain('received out of memory');
  });
});

describe('registerWebGpuBackend', () => {
  test('registerWebGpuBackend() registers webgpu without starting it; setBackend then rejects here', async () => {
    registerWebGpuBackend({ gpu: null });
    try {
      expect(listBackends()).toContain('webgpu');
      await expect(setBackend('webgpu')).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    } finally {
      removeBackend('webgpu');
      await setBackend('js');
    }
  });
});
