// Full parity with the Hugging Face reference outputs of the tiny random GPT-2 (transformers 5.17, eager
// attention, float32, eval mode): every logit, the hidden states, the attentions, the losses and the batch
// case, from __fixtures__/tiny-gpt2-reference.safetensors (its metadata says what each tensor is).
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Embedding, type LayerNorm, type ModuleList, readSafetensors } from '@lxmls/nn';
import { arange, noGrad, type Tensor, tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import type { Block } from './block.js';
import { GPT } from './model.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const { tensors: ref } = readSafetensors(
  new Uint8Array(await readFile(join(fixtures, 'tiny-gpt2-reference.safetensors'))),
);
const get = (name: string) => ref.get(name)!;
const ints = (name: string) => Array.from(get(name).data());

/** max |a − b| / max |b|: the relative error of a whole tensor. */
function relativeError(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.data();
  const y = b.data();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  return diff / scale;
}

describe('GPT.fromPretrained(tiny-gpt2): within 1e-4 relative of transformers', () => {
  test.each(['fused', 'separate'] as const)(
    'attention %s: embeddings, last hidden state, logits and attentions of input a',
    async (attention) => {
      const model = (await GPT.fromPretrained(join(fixtures, 'tiny-gpt2'), { attention })).eval();
      const ids = get('a.input_ids').cast('int32'); // (1, 5)
      const T = ids.shape[1]!;
      noGrad(() => {
        // the hidden states, step by step through the model's own modules (Hugging Face's hidden_states[0]
        // and last_hidden_state)
        const parts = model.transformer.modules;
        const wte = (parts.wte as Embedding).forward(ids); // (1, T, C)
        const embeddings = wte.add((parts.wpe as Embedding).forward(arange(T))); // (1, T, C)
        let x = embeddings;
        for (const block of parts.h as ModuleList<Block>) x = block.forward(x).x; // (1, T, C)
        const lastHidden = (parts.ln_f as LayerNorm).forward(x); // (1, T, C)
        expect(relativeError(embeddings, get('a.embeddings'))).toBeLessThan(1e-4);
        expect(relativeError(lastHidden, get('a.last_hidden'))).toBeLessThan(1e-4);

        const { logits, attentions } = model.forward(ids, null, { returnAttentions: true }); // (1, T, V)
        expect(relativeError(logits, get('a.logits'))).toBeLessThan(1e-4);
        const stacked = tensor(
          Float32Array.from(attentions!.flatMap((a) => Array.from(a.data()))),
          get('a.attentions').shape,
        ); // (layers, 1, nh, T, T)
        expect(relativeError(stacked, get('a.attentions'))).toBeLessThan(1e-4);
      });
      model.dispose();
    },
  );

  test('input b: last logits, argmax of every position and the loss; batch c: last logits of both rows', async () => {
    const model = (await GPT.fromPretrained(join(fixtures, 'tiny-gpt2'))).eval();
    noGrad(() => {
      const b = ints('b.input_ids'); // 40 ids
      const { logits, loss } = model.forward(
        tensor([b], undefined, 'int32'),
        tensor([[...b.slice(1), -1]], undefined, 'int32'), // transformers shifts the labels inside
      ); // (1, 40, V)
      const V = logits.shape[2]!;
      const last = logits
        .reshape([40, V])
        .data()
        .slice(39 * V); // (V)
      expect(relativeError(tensor(last, [1, V]), get('b.last_logits'))).toBeLessThan(1e-4);
      expect(Array.from(logits.argmax(-1).data())).toEqual(ints('b.argmax'));
      expect(Math.abs(loss!.item() - get('b.loss').item()) / get('b.loss').item()).toBeLessThan(1e-4);

      const c = get('c.input_ids').cast('int32'); // (2, 6)
      const out = model.forward(c).logits; // (2, 6, V)
      const lastRows = Float32Array.from(
        [0, 1].flatMap((r) => Array.from(out.data().slice((r * 6 + 5) * V, (r * 6 + 6) * V))),
      );
      expect(relativeError(tensor(lastRows, [2, V]), get('c.last_logits'))).toBeLessThan(1e-4);
    });
    model.dispose();
  });

  test('greedy: the 30-token continuation of input a equals transformers', async () => {
    const model = (await GPT.fromPretrained(join(fixtures, 'tiny-gpt2'))).eval();
    const out = model.generate(get('a.input_ids').cast('int32'), 30);
    expect(Array.from(out.data())).toEqual(ints('a.greedy'));
    model.dispose();
  });
});
