/**
 * The page side of `lxmls bench train-step --browser`: bundled with esbuild at run time (bench/browser.ts)
 * and run in headless Chromium, it times the gpt-nano training step of @lxmls/course (timeTrainStep) on our `webgpu`
 * backend (@lxmls/backend-webgpu), with its dispatches and submits per step, and with `compare` the same
 * step on `tfjs-webgpu` (our ops on @lxmls/backend-tfjs over TensorFlow.js's WebGPU engine) in the same page.
 *
 * Follows issue 16 ("counted, not guessed"): the numbers come with the adapter that produced them. No Node
 * import here (it runs in a browser).
 */

import { createTfjsBackend, type TfModule } from '@lxmls/backend-tfjs';
import { createWebGpuBackend, webgpuUnavailableReason } from '@lxmls/backend-webgpu';
import { type TrainStepResult, type TrainStepSetup, timeTrainStep } from '@lxmls/course';
import { type Backend, registerBackend, removeBackend, setBackend } from '@lxmls/tensor';

/** The backends `--compare` accepts with `--browser`. */
export const BROWSER_COMPARE = ['tfjs-webgpu'] as const;

/** What the page measured. */
export interface PageBenchResult {
  /** Why WebGPU cannot run in this browser (then nothing else is set). */
  unavailable?: string;
  /** The adapter: vendor, architecture, device and driver description, as the adapter reports them. */
  adapter?: string;
  /** The webgpu backend's kernel variant: `tiled` (GPUs) or `simple` (CPU adapters such as SwiftShader). */
  kernels?: string;
  /** `navigator.userAgent`. */
  userAgent?: string;
  /** The step on `webgpu`, with its dispatches and submits per step. */
  result?: TrainStepResult;
  /** The same step on the `compare` backend. */
  compare?: TrainStepResult & { backend: string };
}

/**
 * Times the gpt-nano training step on `webgpu` in this page, then on `compare` (tfjs-webgpu) if given.
 *
 * @param setup - The step (batch size, steps, warm-up, dropout, attention form).
 * @param compare - `tfjs-webgpu`, or undefined.
 * @param tf - TensorFlow.js core with its WebGPU engine imported (the bundle imports both), for `compare`.
 * @returns The {@link PageBenchResult}.
 */
export async function benchTrainStepInPage(
  setup: TrainStepSetup,
  compare: string | undefined,
  tf: TfModule | undefined,
): Promise<PageBenchResult> {
  const reason = await webgpuUnavailableReason();
  if (reason !== null) return { unavailable: reason };
  const gpu = await createWebGpuBackend();
  const out: PageBenchResult = {
    adapter: gpu.adapterName,
    kernels: gpu.kernels,
    userAgent: navigator.userAgent,
  };
  out.result = await timeOn('webgpu', gpu, setup);
  if (compare !== undefined) {
    const other = await createTfjsBackend({ backend: 'webgpu', ...(tf ? { tf } : {}) });
    out.compare = { backend: other.name, ...(await timeOn(other.name, other, setup)) };
  }
  return out;
}

/** Registers `backend` under `name`, makes it current, times the step, and removes (disposes) it again. */
async function timeOn(name: string, backend: Backend, setup: TrainStepSetup): Promise<TrainStepResult> {
  registerBackend(name, () => backend, 0);
  try {
    await setBackend(name);
    return await timeTrainStep(setup);
  } finally {
    await setBackend('js');
    removeBackend(name);
  }
}
