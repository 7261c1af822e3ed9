// Tests of mt19937.ts against numpy 2.4 (legacy RandomState) and CPython 3.11 (random), values printed by
// the real libraries.
import { describe, expect, test } from 'vitest';
import { LxmlsWeatherDataError, MT19937 } from './index.js';

const doubles = (mt: MT19937, n: number) => Array.from({ length: n }, () => mt.nextDouble());

describe('MT19937', () => {
  test.each([
    // np.random.seed(seed); np.random.random_sample(3)
    [0, [0.5488135039273248, 0.7151893663724195, 0.6027633760716439]],
    [12345, [0.9296160928171479, 0.3163755545817859, 0.18391881167709445]],
    [4294967295, [0.0976320289940138, 0.9123828453026218, 0.78903530185164]],
  ])('new MT19937(%i).nextDouble() is numpy RandomState(seed).random_sample()', (seed, expected) => {
    expect(doubles(new MT19937(seed), 3)).toEqual(expected);
  });

  test('new MT19937(0).nextDouble() stays exact across twists (draws 312, 313, 624 and 1000)', () => {
    const all = doubles(new MT19937(0), 1000);
    expect([all[311], all[312], all[623], all[999]]).toEqual([
      0.14694664540037505, 0.07952208258675575, 0.8130538632474607, 0.6771411441114241,
    ]);
  });

  test('new MT19937(5489).nextUint32() is the reference implementation default output', () => {
    expect(new MT19937().nextUint32()).toBe(3499211612);
    expect(new MT19937(5489).nextUint32()).toBe(3499211612);
  });

  test('MT19937.fromKey([1, 2, 3]) is numpy RandomState([1, 2, 3])', () => {
    expect(doubles(MT19937.fromKey([1, 2, 3]), 3)).toEqual([
      0.6098612722867289, 0.8866970434146851, 0.47633673750662764,
    ]);
  });

  test.each([
    // random.seed(seed); [random.random() for _ in range(n)]
    [42, [0.6394267984578837, 0.025010755222666936, 0.27502931836911926]],
    [0, [0.8444218515250481, 0.7579544029403025]],
    [-7, [0.32383276483316237, 0.15084917392450192]],
    [2 ** 40 + 5, [0.5043802970418443, 0.2686044399723282]],
  ])('MT19937.fromPythonSeed(%s).nextDouble() is Python random.random()', (seed, expected) => {
    expect(doubles(MT19937.fromPythonSeed(seed), expected.length)).toEqual(expected);
  });

  test('MT19937.fromPythonSeed(bigint) equals the number seed', () => {
    expect(doubles(MT19937.fromPythonSeed(2n ** 40n + 5n), 4)).toEqual(
      doubles(MT19937.fromPythonSeed(2 ** 40 + 5), 4),
    );
  });

  test('MT19937#getState() holds numpy get_state() key and pos', () => {
    const mt = new MT19937(0);
    let state = mt.getState();
    expect(Array.from(state.key.subarray(0, 3))).toEqual([0, 1, 1812433255]);
    expect(state.key[623]).toBe(1796872496);
    expect(state.pos).toBe(624);
    mt.nextDouble();
    state = mt.getState();
    expect(Array.from(state.key.subarray(0, 3))).toEqual([2443250962, 1093594115, 1878467924]);
    expect(state.pos).toBe(2);
  });

  test('MT19937#setState(getState()) resumes the same stream', () => {
    const mt = new MT19937(99);
    doubles(mt, 500);
    const saved = mt.getState();
    const next = doubles(mt, 700);
    const other = new MT19937(1);
    other.setState(saved);
    expect(doubles(other, 700)).toEqual(next);
  });

  test('MT19937#fillDoubles(out, start, count) equals nextDouble() calls', () => {
    const a = new MT19937(3);
    const b = new MT19937(3);
    const out = new Float64Array(1500);
    a.fillDoubles(out, 100, 1300);
    expect(Array.from(out.subarray(100, 1400))).toEqual(doubles(b, 1300));
    expect(out[0]).toBe(0);
    expect(out[1499]).toBe(0);
    expect(a.nextUint32()).toBe(b.nextUint32());
  });

  test.each([
    ['new MT19937(-1)', () => new MT19937(-1)],
    ['new MT19937(2 ** 32)', () => new MT19937(2 ** 32)],
    ['new MT19937(1.5)', () => new MT19937(1.5)],
    ['MT19937.fromKey([])', () => MT19937.fromKey([])],
    ['MT19937.fromKey([1, -2])', () => MT19937.fromKey([1, -2])],
    ['MT19937.fromPythonSeed(0.5)', () => MT19937.fromPythonSeed(0.5)],
    [
      'MT19937#setState({ key: short, pos: 0 })',
      () => new MT19937().setState({ key: new Uint32Array(3), pos: 0 }),
    ],
    [
      'MT19937#setState({ key, pos: 625 })',
      () => new MT19937().setState({ key: new Uint32Array(624), pos: 625 }),
    ],
    [
      'MT19937#fillDoubles(out, 2, 5) past the end',
      () => new MT19937().fillDoubles(new Float64Array(4), 2, 5),
    ],
  ])('%s throws INVALID_ARGUMENT', (_, call) => {
    expect(call).toThrow(LxmlsWeatherDataError);
    try {
      call();
    } catch (e) {
      expect((e as LxmlsWeatherDataError).code).toBe('INVALID_ARGUMENT');
      expect((e as Error).message).toMatch(
        /^\[@lxmls\/weather-data\] MT19937[.#\w]*: .+\. Expected .+, received .+\.$/,
      );
    }
  });
});
