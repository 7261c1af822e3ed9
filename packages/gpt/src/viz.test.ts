// Tests of attentionForViz: the per-head attention of a GPT for @lxmls/viz, causal rows summing to 1.
import { describe, expect, test } from 'vitest';
import { GPT } from './model.js';
import { attentionForViz } from './viz.js';

describe('attentionForViz', () => {
  const nano = () => ({ ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 16, blockSize: 8 });

  test('attentionForViz(gpt-nano, 5 ids) gives 3 layers × 3 heads of causal rows summing to 1', () => {
    const model = new GPT(nano(), { init: 'lcg' });
    const data = attentionForViz(model, [1, 2, 3, 4, 5], { tokens: ['a', 'b', 'c', 'd', 'e'] });
    expect(data.tokens).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(data.croppedFrom).toBeUndefined();
    expect(data.attention.map((layer) => layer.length)).toEqual([3, 3, 3]);
    for (const head of data.attention.flat()) {
      expect(head.length).toBe(25);
      for (let i = 0; i < 5; i++) {
        const row = Array.from(head.subarray(i * 5, i * 5 + 5));
        expect(row.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
        expect(row.slice(i + 1).every((w) => w === 0)).toBe(true);
      }
    }
    expect(model.training).toBe(true); // its mode is restored
    model.dispose();
  });

  test('attentionForViz crops to the block size and returns queries and keys on request', () => {
    const model = new GPT(nano(), { init: 'lcg' }).eval();
    const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const data = attentionForViz(model, ids, { queriesKeys: true });
    expect(data.tokens).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(data.croppedFrom).toBe(10);
    expect(data.queries!.map((layer) => layer.map((head) => head.length))).toEqual([
      [128, 128, 128],
      [128, 128, 128],
      [128, 128, 128],
    ]); // 8 positions × 16 channels per head
    expect(data.keys![2]![1]!.length).toBe(128);
    expect(model.training).toBe(false);
    model.dispose();
  });
});
