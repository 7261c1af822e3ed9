import { GPT } from '@lxmls/gpt';
import { noGrad, tensor, tidy } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { attentionData } from './attention-data.js';

describe('attentionData(tokens, attentions)', () => {
  const config = GPT.getDefaultConfig();
  config.modelType = 'gpt-nano';
  config.vocabSize = 16;
  config.blockSize = 8;
  const model = new GPT(config, { init: 'lcg' }).eval();
  const tokens = ['a', 'b', 'c', 'd', 'e'];

  test('attentionData(tokens, gpt-nano attentions) gives 3 layers × 3 heads of causal rows summing to 1', () => {
    const data = noGrad(() =>
      tidy(() => {
        const { attentions } = model.forward(tensor([[1, 2, 3, 4, 5]], undefined, 'int32'), null, {
          returnAttentions: true,
        });
        return attentionData(tokens, attentions!);
      }),
    );
    expect(data.tokens).toEqual(tokens);
    expect(data.attention.map((layer) => layer.length)).toEqual([3, 3, 3]);
    for (const layer of data.attention) {
      for (const head of layer) {
        const w = head as Float32Array;
        expect(w.length).toBe(25);
        for (let i = 0; i < 5; i++) {
          let sum = 0;
          for (let j = 0; j < 5; j++) {
            if (j > i) expect(w[i * 5 + j]).toBe(0); // a token never sees a later one
            sum += w[i * 5 + j]!;
          }
          expect(sum).toBeCloseTo(1, 5);
        }
      }
    }
  });

  test('attentionData(tokens, attentions) takes the first sequence of a batch', () => {
    const w = tensor(
      Array.from({ length: 2 * 1 * 2 * 2 }, (_, i) => i),
      [2, 1, 2, 2],
    ); // (B, nh, T, T)
    expect(Array.from(attentionData(['x', 'y'], [w]).attention[0]![0] as Float32Array)).toEqual([0, 1, 2, 3]);
  });

  test('attentionData(tokens, attentions) throws when the shape does not fit the tokens', () => {
    const w = tensor(new Float32Array(9), [1, 1, 3, 3]);
    expect(() => attentionData(['x', 'y'], [w])).toThrow(
      '[lxmls-docs] attentionData: attentions[0] does not fit 2 tokens. Expected (B, nh, 2, 2), received (1, 1, 3, 3).',
    );
  });
});
