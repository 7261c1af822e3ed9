/**
 * Checks of the ONNX benchmark's pure parts, with no timing: the bytes a decoding step reads (counted from a
 * real GPT's parameters), the bandwidth bound, and the command line.
 */

import { GPT } from '@lxmls/gpt';
import { describe, expect, test } from 'vitest';
import { bandwidthBound, bytesPerToken, median, parseBenchArgs, turnOrder } from './measure.js';

describe('bytesPerToken', () => {
  test.each([
    [2, 48, 65, 16],
    [3, 96, 50257, 64],
  ])(
    'bytesPerToken(%i layers, C %i, V %i, block %i) is 4 × (the parameters − the embedding tables + one row of each)',
    (nLayer, nEmbd, vocabSize, blockSize) => {
      const config = {
        ...GPT.getDefaultConfig(),
        modelType: null,
        nLayer,
        nHead: 3,
        nEmbd,
        vocabSize,
        blockSize,
      };
      const model = new GPT(config);
      const params = model.numParameters(); // wte, wpe, the blocks, ln_f, and an untied lm_head
      expect(bytesPerToken({ nLayer, nEmbd, vocabSize, blockSize, tiedHead: false })).toBe(
        4 * (params - vocabSize * nEmbd - blockSize * nEmbd + 2 * nEmbd),
      );
      model.dispose();
    },
  );

  test('bytesPerToken(tied head) reads the table once, through the head', () => {
    const shape = { nLayer: 1, nEmbd: 4, vocabSize: 10, blockSize: 8, tiedHead: true };
    expect(bytesPerToken({ ...shape, tiedHead: false }) - bytesPerToken(shape)).toBe(4 * 4);
  });

  test('bandwidthBound(bytes/s, bytes per token) is tokens per second', () => {
    expect(bandwidthBound(20e9, 400e6)).toBe(50);
  });
});

describe('parseBenchArgs', () => {
  test.each([
    [[], { tokens: 30, wasm: false, python: undefined, json: false, threads: undefined, turns: 6 }],
    [
      ['--json', '--python', '/usr/bin/python3', '--threads', '1', '--turns', '4'],
      { tokens: 30, wasm: false, python: '/usr/bin/python3', json: true, threads: 1, turns: 4 },
    ],
    [['--threads', '0'], '--threads must be an integer from 1 to 64'],
    [['--tokens', '201'], '--tokens must be an integer from 1 to 200'],
    [['--python'], '--python needs the path of a Python with torch and transformers'],
    [['--fast'], 'unknown argument "--fast"'],
  ])('parseBenchArgs(%j)', (argv, expected) => {
    expect(parseBenchArgs(argv)).toEqual(expected);
  });
});

describe('median and turnOrder', () => {
  test.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 2, 3], 2.5],
  ])('median(%j) is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  test('turnOrder(2, 0…7) is AB BA BA AB AB BA BA AB: each side first as often as second', () => {
    expect(Array.from({ length: 8 }, (_, t) => turnOrder(2, t).join(''))).toEqual(
      '01 10 10 01 01 10 10 01'.split(' '),
    );
  });
});
