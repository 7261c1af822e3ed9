/**
 * Checks of the benchmarks' shared argument parser (args.ts): defaults, both value forms, ranges, the missing
 * value of a string option, and unknown arguments.
 */

import { describe, expect, test } from 'vitest';
import { parseBenchArgv } from './args.js';

const SPEC = {
  json: { type: 'flag' },
  help: { type: 'flag', short: 'h' },
  rounds: { type: 'integer', min: 1, max: 100, default: 5 },
  threads: { type: 'integer', min: 1, max: 64 },
  before: { type: 'string', missing: '--before needs a folder' },
} as const;

describe('parseBenchArgv', () => {
  test.each([
    [[], { json: false, help: false, rounds: 5, threads: undefined, before: undefined }],
    [
      ['--json', '-h', '--rounds', '7', '--threads=2', '--before', '/tmp/b'],
      { json: true, help: true, rounds: 7, threads: 2, before: '/tmp/b' },
    ],
    [
      ['--rounds', '3', '--rounds', '4'],
      { json: false, help: false, rounds: 4, threads: undefined, before: undefined },
    ],
    [['--before', '--json'], { json: false, help: false, rounds: 5, threads: undefined, before: '--json' }],
  ])('parseBenchArgv(%j) gives the values, defaults filled in', (argv, expected) => {
    expect(parseBenchArgv(argv, SPEC)).toEqual(expected);
  });

  test.each([
    [['--rounds', '1.5'], '--rounds must be an integer from 1 to 100'],
    [['--rounds'], '--rounds must be an integer from 1 to 100'],
    [['--threads=65'], '--threads must be an integer from 1 to 64'],
    [['--before'], '--before needs a folder'],
    [['--before='], '--before needs a folder'],
  ])('parseBenchArgv(%j) is the usage error %j', (argv, message) => {
    expect(parseBenchArgv(argv, SPEC)).toBe(message);
  });

  test.each([['--fast'], ['--json=1'], ['stray'], ['--'], ['--toString']])(
    'parseBenchArgv([%j]) is the usage error unknown argument %j',
    (arg) => {
      expect(parseBenchArgv([arg], SPEC)).toBe(`unknown argument ${JSON.stringify(arg)}`);
    },
  );
});
