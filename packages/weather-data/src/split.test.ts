// Tests of split.ts: MurmurHash3_x86_32 (values from Python's mmh3 5.3, `mmh3.hash(bytes(obs), signed=False)`)
// and the 25% test rule.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LxmlsWeatherDataError, splitHash, splitOf } from './index.js';

describe('splitHash', () => {
  test.each([
    [[], 0],
    [[...'hello'].map((c) => c.charCodeAt(0)), 613153351],
    [[4, 3, 3, 4, 4, 2], 3778701360],
  ])('splitHash(%j) is mmh3.hash(bytes(obs), signed=False)', (obs, hash) => {
    expect(splitHash(obs)).toBe(hash);
  });

  test('splitHash(obs) accepts typed arrays and plain arrays alike', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }), (obs) => {
        expect(splitHash(Int32Array.from(obs))).toBe(splitHash(obs));
        expect(splitHash(Uint8Array.from(obs))).toBe(splitHash(obs));
      }),
    );
  });

  test.each([[[256]], [[-1]], [[1.5]], [['a']]])('splitHash(%j) throws INVALID_ARGUMENT', (obs) => {
    expect(() => splitHash(obs as number[])).toThrow(LxmlsWeatherDataError);
  });
});

describe('splitOf', () => {
  test('splitOf(obs) of the first two golden sequences: test, then train', () => {
    expect(splitOf([4, 3, 3, 4, 4, 2])).toBe('test');
    expect(splitOf([0, 4, 2, 4, 4, 2])).toBe('train');
  });

  test('splitOf(obs) puts 3,894 of the 15,625 length-6 sequences (24.92%) in test', () => {
    let test = 0;
    const obs = new Int32Array(6);
    for (let n = 0; n < 5 ** 6; n++) {
      for (let k = 5, m = n; k >= 0; k--, m = Math.floor(m / 5)) obs[k] = m % 5;
      if (splitOf(obs) === 'test') test++;
    }
    expect(test).toBe(3894);
    expect(test / 5 ** 6).toBeCloseTo(0.25, 2);
  });
});
