/**
 * The ONNX Runtime choice of the generate and attention pages: a GPT of the page exported in the browser with
 * @lxmls/onnx (`exportOnnx`, with the KV cache, and the attention weights as outputs for the attention views),
 * then run on onnxruntime-web with its `wasm` or `webgpu` execution provider. onnxruntime-web is imported only
 * when the reader picks it; its `.wasm` file is an asset of this site (Vite's `?url` import copies it into the
 * build), never a CDN's.
 *
 * Follows lib/sample-text.ts (`sampleTokens`: chunks of `generate` that share one seeded generator, so a seed
 * gives the same text on every backend) with @lxmls/onnx's `generateOnnx`.
 */

/// <reference types="vite/client" />

import type { GPT } from '@lxmls/gpt';
import { createSession, exportOnnx, generateOnnx, type OnnxSession, type OrtRuntimeLike } from '@lxmls/onnx';
// the runtime's WebAssembly (the JSEP build: the wasm and webgpu execution providers), served by this site
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import { type SampleOptions, sampleInChunks } from './sample-text.js';

/** Where a page's model runs: the tensor path (@lxmls/tensor's wasm backend) or ONNX Runtime. */
export type PageBackend = 'tensor' | 'onnx-wasm' | 'onnx-webgpu';

let runtime: Promise<OrtRuntimeLike> | null = null;

/** onnxruntime-web, imported on first use, its wasm read from this site. */
function loadRuntime(): Promise<OrtRuntimeLike> {
  runtime ??= import('onnxruntime-web').then((ort) => {
    ort.env.wasm.wasmPaths = { wasm: new URL(ortWasmUrl, location.href).href };
    return ort as unknown as OrtRuntimeLike;
  });
  return runtime;
}

/**
 * Whether this browser offers WebGPU with an adapter (the `onnx-webgpu` choice is disabled otherwise).
 *
 * @returns True when `navigator.gpu.requestAdapter()` gives an adapter.
 */
export async function webgpuAvailable(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

const sessions = new WeakMap<GPT, Map<string, Promise<OnnxSession>>>();

/**
 * The ONNX Runtime session of `model` on `backend`, exported and opened once per model, backend and
 * `attentions`.
 *
 * @param model - A GPT of the page.
 * @param backend - `onnx-wasm` or `onnx-webgpu`.
 * @param attentions - Export every layer's attention weights as outputs.
 * @returns The session.
 */
export function onnxSession(
  model: GPT,
  backend: Exclude<PageBackend, 'tensor'>,
  attentions = false,
): Promise<OnnxSession> {
  const byKey = sessions.get(model) ?? new Map<string, Promise<OnnxSession>>();
  sessions.set(model, byKey);
  const key = `${backend}:${attentions}`;
  let session = byKey.get(key);
  if (session === undefined) {
    session = loadRuntime().then((ort) =>
      createSession(exportOnnx(model, { kvCache: true, attentions }), { backend, runtime: ort }),
    );
    session.catch(() => byKey.delete(key)); // a failure is tried again next time
    byKey.set(key, session);
  }
  return session;
}

/**
 * Releases the ONNX Runtime sessions of a model the page no longer uses.
 *
 * @param model - The model being replaced.
 */
export function releaseSessions(model: GPT): void {
  for (const session of sessions.get(model)?.values() ?? [])
    session.then((s) => s.session.release()).catch(() => undefined);
  sessions.delete(model);
}

/**
 * Continues `prompt` with sampled tokens on ONNX Runtime, as `sampleTokens` does on the tensor path: chunks of
 * `generateOnnx` that share one generator seeded with `seed`, the context cropped to the block size.
 *
 * @param onnx - The session ({@link onnxSession}).
 * @param blockSize - The model's block size.
 * @param prompt - Token ids, at least one.
 * @param options - `sampleTokens`' options.
 * @returns The new tokens.
 */
export function sampleTokensOnnx(
  onnx: OnnxSession,
  blockSize: number,
  prompt: readonly number[],
  options: SampleOptions,
): Promise<number[]> {
  return sampleInChunks(
    (context, n, generateOptions) => generateOnnx(onnx, context, n, { ...generateOptions, blockSize }),
    blockSize,
    prompt,
    options,
  );
}
