import { RandomGenerator } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { LxmlsBertError } from './errors.js';
import { maskTokens } from './masking.js';

const MASK = 103;
const V = 30522;
// 100 rows of 50: [CLS] 48 words [SEP]; word ids 1000..1047 so a random replacement is recognisable
const ROWS = 100;
const T = 50;
const ids = Int32Array.from({ length: ROWS * T }, (_, i) => {
  const t = i % T;
  return t === 0 ? 101 : t === T - 1 ? 102 : 1000 + (t - 1);
});
const options = (seed: number) => ({
  maskTokenId: MASK,
  vocabSize: V,
  specialIds: [101, 102],
  generator: new RandomGenerator(seed),
});

describe('maskTokens', () => {
  test('maskTokens chooses about 15% of the eligible positions, and splits them 80/10/10', () => {
    const big = Int32Array.from({ length: 200 * T }, (_, i) => ids[i % ids.length]!);
    const { inputs, labels } = maskTokens(big, T, options(0));
    let chosen = 0;
    let masked = 0;
    let random = 0;
    let kept = 0;
    for (let i = 0; i < big.length; i++) {
      if (labels[i]! < 0) {
        expect(inputs[i]).toBe(big[i]); // not chosen: untouched
        continue;
      }
      chosen++;
      expect(labels[i]).toBe(big[i]); // the label is the original token
      if (inputs[i] === MASK) masked++;
      else if (inputs[i] === big[i]) kept++;
      else random++;
    }
    const eligible = 200 * (T - 2);
    // 9,600 eligible positions: binomial sd of the 15% is 0.36%; the shares of the ~1,440 chosen ±1–1.1%
    expect(Math.abs(chosen / eligible - 0.15)).toBeLessThan(0.015);
    expect(Math.abs(masked / chosen - 0.8)).toBeLessThan(0.04);
    expect(Math.abs(random / chosen - 0.1)).toBeLessThan(0.03);
    // a random draw can hit the original token (1 in 30,522): kept ≈ 10%
    expect(Math.abs(kept / chosen - 0.1)).toBeLessThan(0.03);
  });

  test('maskTokens never chooses a special id, and labels -1 elsewhere', () => {
    const { inputs, labels } = maskTokens(ids, T, options(1));
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === 101 || ids[i] === 102) {
        expect(labels[i]).toBe(-1);
        expect(inputs[i]).toBe(ids[i]);
      }
    }
    expect(new Set(labels.filter((l) => l < 0))).toEqual(new Set([-1]));
  });

  test('maskTokens with the same seed gives the same masks; another seed others', () => {
    const a = maskTokens(ids, T, options(7));
    const b = maskTokens(ids, T, options(7));
    const c = maskTokens(ids, T, options(8));
    expect(b.inputs).toEqual(a.inputs);
    expect(b.labels).toEqual(a.labels);
    expect(c.labels).not.toEqual(a.labels);
  });

  test('maskTokens gives every row at least one chosen position (atLeastOne), unless told not to', () => {
    const short = Int32Array.from({ length: 400 * 4 }, (_, i) =>
      i % 4 === 0 ? 101 : i % 4 === 3 ? 102 : 2000 + (i % 4),
    );
    const perRow = (labels: Int32Array) =>
      Array.from({ length: 400 }, (_, r) => labels.subarray(r * 4, r * 4 + 4).filter((l) => l >= 0).length);
    expect(Math.min(...perRow(maskTokens(short, 4, options(2)).labels))).toBe(1);
    // with two eligible positions and p = 0.15, (0.85)² = 72% of rows choose nothing
    const none = perRow(maskTokens(short, 4, { ...options(2), atLeastOne: false }).labels).filter(
      (n) => n === 0,
    );
    expect(none.length).toBeGreaterThan(200);
  });

  test('maskTokens with ignoreIndex -100 labels the other positions -100 (Hugging Face)', () => {
    const { labels } = maskTokens(ids, T, { ...options(3), ignoreIndex: -100 });
    expect(labels.filter((l) => l < 0).every((l) => l === -100)).toBe(true);
  });

  test.each([
    ['mlmProbability', { mlmProbability: 1.5 }],
    ['maskReplaceProbability', { maskReplaceProbability: -0.1 }],
    [
      'maskReplaceProbability + randomReplaceProbability',
      { maskReplaceProbability: 0.8, randomReplaceProbability: 0.5 },
    ],
  ])('maskTokens with a bad %s throws INVALID_ARGUMENT', (argument, bad) => {
    try {
      maskTokens(ids, T, { ...options(0), ...bad });
      throw new Error('did not throw');
    } catch (e) {
      expect(LxmlsBertError.isInstance(e) && e.code).toBe('INVALID_ARGUMENT');
      expect((e as LxmlsBertError).argument).toBe(argument);
    }
  });

  test('maskTokens with a row length that does not divide the ids throws INVALID_ARGUMENT', () => {
    expect(() => maskTokens(ids, 7, options(0))).toThrow(/rowLength does not divide the ids/);
  });
});
