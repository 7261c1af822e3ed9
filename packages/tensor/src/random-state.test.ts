import { describe, expect, test } from 'vitest';
import { dropout, getGenerator, LxmlsTensorError, manualSeed, ones, RandomGenerator } from './index.js';

/** `n` draws mixing every kind of number the generator makes. */
function draws(g: RandomGenerator, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(g.uint32(), g.float(), g.normal());
  return out;
}

describe('RandomGenerator state', () => {
  test('getState() then setState() replays the same stream, for many seeds and positions', () => {
    for (const seed of [0, 1, 42, 0xffffffff, -7]) {
      for (const skip of [0, 1, 2, 5]) {
        const g = new RandomGenerator(seed);
        draws(g, skip);
        if (skip % 2 === 1) g.normal(); // an odd number of normals leaves a spare behind
        const saved = g.getState();
        const expected = draws(g, 20);
        g.setState(saved);
        expect(draws(g, 20)).toEqual(expected);
      }
    }
  });

  test('getState() has 4 unsigned words, and a 5th entry only while a Box–Muller spare is pending', () => {
    const g = new RandomGenerator(9);
    expect(g.getState()).toHaveLength(4);
    g.normal();
    const withSpare = g.getState();
    expect(withSpare).toHaveLength(5);
    for (const w of withSpare.slice(0, 4)) {
      expect(Number.isInteger(w) && w >= 0 && w <= 0xffffffff).toBe(true);
    }
    g.normal();
    expect(g.getState()).toHaveLength(4);
  });

  test('setState() moves a state to another generator through JSON', () => {
    const a = new RandomGenerator(123);
    draws(a, 3);
    a.normal();
    const b = new RandomGenerator(0);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(draws(b, 10)).toEqual(draws(a, 10));
  });

  test('setState() on the global generator repeats dropout masks', () => {
    manualSeed(5);
    const saved = getGenerator().getState();
    const first = dropout(ones([64]), 0.5).toArray();
    getGenerator().setState(saved);
    expect(dropout(ones([64]), 0.5).toArray()).toEqual(first);
  });

  test('getState() returns a copy that later draws do not change', () => {
    const g = new RandomGenerator(4);
    const saved = g.getState();
    const copy = [...saved];
    draws(g, 5);
    expect(saved).toEqual(copy);
  });

  test.each([
    ['too short', [1, 2, 3]],
    ['too long', [1, 2, 3, 4, 0.5, 6]],
    ['all zero', [0, 0, 0, 0]],
    ['negative word', [-1, 2, 3, 4]],
    ['word above 2³²', [2 ** 32, 2, 3, 4]],
    ['fractional word', [1.5, 2, 3, 4]],
    ['non-finite spare', [1, 2, 3, 4, Number.NaN]],
    ['not an array', 'abc'],
  ])('setState() rejects a state that is %s, and leaves the generator unchanged', (_, state) => {
    const g = new RandomGenerator(8);
    const before = g.getState();
    let error: unknown;
    try {
      g.setState(state as number[]);
    } catch (e) {
      error = e;
    }
    expect(LxmlsTensorError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toMatch(/^\[@lxmls\/tensor\] RandomGenerator\.setState: state is not/);
    expect(g.getState()).toEqual(before);
  });
});
