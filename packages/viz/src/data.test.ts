// Tests of the validation shared by every view: shapes that do not match the tokens, non-finite weights,
// empty token lists and options out of range give LxmlsVizError with a code and a message naming the place.
import { thrownError } from '@lxmls/base';
import { describe, expect, test } from 'vitest';
import { fixture, TOKENS } from './__fixtures__/attention.js';
import { LxmlsVizError, toHtml, toSvg } from './index.js';

const error = (run: () => unknown): LxmlsVizError => thrownError(LxmlsVizError, run);

const good = fixture(2, 3, 5);

describe('attention validation', () => {
  test.each([
    [
      'a layer with a different number of heads',
      [good[0]!, good[1]!.slice(0, 2)],
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: attention[1] has 2 heads, but attention[0] has 3. Expected 3 heads in every layer, received 2.',
    ],
    [
      'a head with a missing row',
      [good[0]!, [good[1]![0]!, good[1]![1]!.slice(0, 4), good[1]![2]!]],
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: attention[1][1] has 4 rows. Expected 5 rows (one per query token), received 4.',
    ],
    [
      'a row with an extra weight',
      [[good[0]![0]!, good[0]![1]!.map((row, i) => (i === 2 ? [...row, 0] : row)), good[0]![2]!]],
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: attention[0][1][2] has 6 weights. Expected 5 weights (one per key token), received 6.',
    ],
    [
      'a NaN weight',
      [[good[0]![0]!.map((row, i) => (i === 3 ? [0, 0, Number.NaN, 0, 1] : row))]],
      'NON_FINITE',
      '[@lxmls/viz] toSvg: attention[0][0][3][2] is not a finite number. Expected a finite weight, received number NaN.',
    ],
    [
      'a flat head of the wrong length',
      [[new Float32Array(24)]],
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: attention[0][0] is a flat array of 24 weights. Expected 5 × 5 = 25 weights (query × key, row-major), received 24.',
    ],
    [
      'no layers',
      [],
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: attention has no layers. Expected at least one layer, received an empty array.',
    ],
  ])('toSvg(head) rejects %s', (_, attention, code, message) => {
    const e = error(() => toSvg('head', { tokens: TOKENS, attention: attention as number[][][][] }));
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
    expect(e.name).toBe('LxmlsVizError');
  });

  test('toSvg(head) rejects an empty token list and a non-string token', () => {
    const empty = error(() => toSvg('head', { tokens: [], attention: [[[]]] }));
    expect(empty.code).toBe('EMPTY_INPUT');
    expect(empty.message).toBe(
      '[@lxmls/viz] toSvg: tokens is empty. Expected at least one token, received an empty array.',
    );
    const bad = error(() => toSvg('head', { tokens: ['a', 5 as unknown as string], attention: [[[[1]]]] }));
    expect(bad.message).toBe(
      '[@lxmls/viz] toSvg: tokens[1] is not a string. Expected a string, received number 5.',
    );
  });

  test.each([
    [
      { layer: 2 },
      '[@lxmls/viz] toSvg: options.layer is out of range. Expected an integer in [0, 2), received number 2.',
    ],
    [
      { heads: [0, 3] },
      '[@lxmls/viz] toSvg: options.heads[1] is out of range. Expected an integer in [0, 3), received number 3.',
    ],
    [
      { theme: 'blue' },
      "[@lxmls/viz] toSvg: options.theme is out of range. Expected 'light', 'dark' or 'auto', received string \"blue\".",
    ],
  ])('toSvg(head, data, %j) names the option', (options, message) => {
    const e = error(() => toSvg('head', { tokens: TOKENS, attention: good }, options as never));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe(message);
  });

  test('toSvg and toHtml reject an unknown view, a bad BPE trace and a non-finite loss', () => {
    expect(error(() => toSvg('sankey' as 'head', { tokens: TOKENS, attention: good })).code).toBe(
      'UNKNOWN_VIEW',
    );
    const trace = {
      parts: [{ token: 'a', tokenBytes: [97], tokenTranslated: 'a', tokenMerged: ['a'], tokenIx: [] }],
    };
    expect(error(() => toHtml('bpe', trace)).message).toMatch(
      /^\[@lxmls\/viz\] toHtml: parts\[0\]\.tokenMerged and/,
    );
    const loss = error(() => toSvg('loss', { points: [{ step: 1, loss: Number.POSITIVE_INFINITY }] }));
    expect(loss.code).toBe('NON_FINITE');
    expect(loss.message).toContain('points[0]');
  });
});
