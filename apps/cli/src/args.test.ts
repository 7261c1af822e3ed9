// Tests of the argument parser: options, values, positionals and the one-line errors.
import { describe, expect, test } from 'vitest';
import type { OptionSpec } from './args.js';
import { exclusive, parseArgs } from './args.js';
import { CliError } from './errors.js';

const SPECS: OptionSpec[] = [
  { name: 'json' },
  { name: 'jsonl' },
  { name: 'allowed-special', value: 'LIST' },
  { name: 'help', short: 'h' },
];

describe('parseArgs', () => {
  test('parseArgs reads flags, values in both spellings, positionals and --', () => {
    const parsed = parseArgs(
      ['a', '--json', '--allowed-special', 'all', '-h', 'b', '--', '--jsonl', '-x'],
      SPECS,
    );
    expect(Object.fromEntries(parsed.options)).toEqual({ json: true, 'allowed-special': 'all', help: true });
    expect(parsed.positionals).toEqual(['a', 'b', '--jsonl', '-x']);
    expect(parseArgs(['--allowed-special=<|endoftext|>'], SPECS).options.get('allowed-special')).toBe(
      '<|endoftext|>',
    );
  });

  test('parseArgs keeps negative numbers and a lone dash as positionals', () => {
    expect(parseArgs(['-5', '-', '-1.5'], SPECS).positionals).toEqual(['-5', '-', '-1.5']);
  });

  test.each([
    [['--jsn'], 'unknown option --jsn (did you mean --json?)'],
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['-x'], 'unknown option -x'],
    [['--allowed-special'], 'option --allowed-special needs a value (--allowed-special LIST)'],
    [['--allowed-special', '--json'], 'option --allowed-special needs a value (--allowed-special LIST)'],
    [['--json=yes'], 'option --json takes no value (received "--json=yes")'],
  ])('parseArgs(%j) throws %s', (argv, message) => {
    expect(() => parseArgs(argv, SPECS)).toThrow(new CliError(message));
  });

  test('exclusive rejects two options that exclude each other', () => {
    expect(() => exclusive(parseArgs(['--json', '--jsonl'], SPECS), ['json', 'jsonl'])).toThrow(
      'options --json and --jsonl cannot be used together',
    );
  });
});
