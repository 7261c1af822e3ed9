/**
 * The entry point of a page written by `toHtml`: decodes the embedded data (attention weights travel as
 * base64 of float32 or uint8 values, far smaller than JSON numbers) and mounts the requested view.
 *
 * Self-contained on purpose (see `runtime/types.ts`).
 */

import type { AttentionModel, Lib, NeuronModel } from './types.js';

/** Adds `decodeWeights` and `mount` to `lib`. */
export function mountPart(lib: Lib): void {
  lib.decodeWeights = (base64: string, kind: 'float32' | 'uint8', count: number, size: number) => {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    let all: Float32Array;
    if (kind === 'float32') all = new Float32Array(bytes.buffer, 0, count * size);
    else {
      all = new Float32Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) all[i] = bytes[i]! / 255;
    }
    const out: Float32Array[] = [];
    for (let i = 0; i < count; i++) out.push(all.subarray(i * size, (i + 1) * size));
    return out;
  };

  lib.mount = (view: string, element: HTMLElement, data: unknown, options: unknown) => {
    if (view === 'bpe') return lib.mountBpe(element, data as never, options as never);
    if (view === 'loss') return lib.mountLoss(element, data as never, options as never);
    if (view === 'neuron') {
      const n = data as Omit<NeuronModel, 'queries' | 'keys'> & { queries: string; keys: string };
      const model: NeuronModel = {
        ...n,
        queries: lib.decodeWeights(n.queries, 'float32', n.layers * n.heads, n.tokens.length * n.dim),
        keys: lib.decodeWeights(n.keys, 'float32', n.layers * n.heads, n.keyTokens.length * n.dim),
      };
      return lib.mountNeuron(element, model, options as never);
    }
    type Encoded = Omit<AttentionModel, 'weights' | 'types'> & {
      encoding: 'float32' | 'uint8';
      weights: string;
    };
    const decode = (d: Encoded): AttentionModel => ({
      tokens: d.tokens,
      keyTokens: d.keyTokens,
      layers: d.layers,
      heads: d.heads,
      cross: d.cross,
      weights: lib.decodeWeights(
        d.weights,
        d.encoding,
        d.layers * d.heads,
        d.tokens.length * d.keyTokens.length,
      ),
    });
    // Encoder–decoder data travels as one encoded model per attention type.
    const e = data as Encoded & { types?: Record<string, Encoded> };
    let model: AttentionModel;
    if (e.types) {
      const types: Record<string, AttentionModel> = {};
      for (const key of Object.keys(e.types)) types[key] = decode(e.types[key]!);
      model = { ...lib.attentionOf({ types } as unknown as AttentionModel, undefined), types };
    } else model = decode(e);
    if (view === 'model') return lib.mountModel(element, model, options as never);
    return lib.mountHead(element, model, options as never);
  };
}
