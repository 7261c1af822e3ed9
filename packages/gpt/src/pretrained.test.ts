import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { TINY_GPT2_EXPECTED } from './__fixtures__/tiny-gpt2-expected.js';
import { GPT } from './model.js';

// A subset of the Hugging Face reference outputs of the tiny random GPT-2 in __fixtures__/tiny-gpt2
// (transformers 5.17, eager attention, float32, eval mode).
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const expected = TINY_GPT2_EXPECTED;
const ids = (row: number[]) => tensor([row], undefined, 'int32');

describe('GPT.fromPretrained(source) and GPT.save(dir): parity with Hugging Face transformers', () => {
  test.each(['fused', 'separate'] as const)(
    'fromPretrained (attention %s) gives the reference logits and attentions',
    async (attention) => {
      const model = (await GPT.fromPretrained(join(fixtures, 'tiny-gpt2'), { attention })).eval();
      expect(model.config.pretrained).toBe(attention === 'fused');
      expect(model.parameterCountLine()).toBe('number of parameters: 2.50M');
      const { logits, attentions } = model.forward(ids(expected.a.input_ids), null, {
        returnAttentions: true,
      });
      const rows = (logits.toArray() as number[][][])[0]!;
      for (const [t, first8] of expected.a.logits_first8.entries()) {
        for (const [j, v] of first8.entries())
          expect(Math.abs(rows[t]![j]! - v)).toBeLessThan(1e-4 + 1e-4 * Math.abs(v));
      }
      expect(rows.map((r) => r.indexOf(Math.max(...r)))).toEqual(expected.a.argmax);
      const att = attentions!.flatMap((a) => Array.from(a.data()));
      expect(Math.max(...att.map((v, i) => Math.abs(v - expected.a.attentions[i]!)))).toBeLessThan(1e-5);
      model.dispose();
    },
  );

  test('fromPretrained: greedy generate of 30 tokens equals transformers, with and without the cache; loss equals', async () => {
    const model = (await GPT.fromPretrained(join(fixtures, 'tiny-gpt2'))).eval();
    for (const useCache of [true, false]) {
      expect(
        (model.generate(ids(expected.a.input_ids), 30, { useCache }).toArray() as number[][])[0],
      ).toEqual(expected.a.greedy);
    }
    const b = expected.b.input_ids;
    const { loss } = model.forward(ids(b), ids([...b.slice(1), -1])); // transformers shifts the labels inside
    expect(Math.abs(loss!.item() - expected.b.loss)).toBeLessThan(1e-4);
    model.dispose();
  });

  test('save(dir) then fromPretrained(dir) gives the same logits', async () => {
    const model = (await GPT.fromPretrained(join(fixtures, 'tiny-gpt2'))).eval();
    const dir = await mkdtemp(join(tmpdir(), 'lxmls-gpt-'));
    try {
      await model.save(dir);
      const again = (await GPT.fromPretrained(dir)).eval();
      const a = model.forward(ids([1, 2, 3])).logits.data();
      const b = again.forward(ids([1, 2, 3])).logits.data();
      expect(Array.from(a).every((v, i) => v === b[i])).toBe(true);
      again.dispose();
    } finally {
      await rm(dir, { recursive: true });
      model.dispose();
    }
  });
});
