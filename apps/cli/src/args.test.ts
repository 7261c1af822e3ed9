// Tests of the option-table parser: options, values, positionals, the checked values and the one-line errors,
// and the generated help.
import { describe, expect, test } from 'vitest';
import { helpText, type OptionTable, parseOptions } from './args.js';
import { CliError } from './errors.js';

const TABLE = {
  json: { type: 'flag', help: 'JSON.' },
  jsonl: { type: 'flag', help: 'JSON Lines.' },
  'allowed-special': { type: 'string', value: 'LIST', help: 'Specials.' },
  help: { type: 'flag', short: 'h', help: 'Help.' },
  steps: { type: 'integer', value: 'N', min: 1, max: 100, default: 20, help: 'Steps.' },
  'top-k': { type: 'integer', value: 'K', min: 1, help: 'Top k.' },
  'top-p': { type: 'number', value: 'P', above: 0, max: 1, help: 'Top p.' },
  dropout: { type: 'number', value: 'P', min: 0, below: 1, default: 0.1, help: 'Dropout.' },
  timeout: { type: 'number', value: 'S', above: 0, expected: 'a positive number of seconds', help: 'Time.' },
  view: {
    type: 'choice',
    value: 'VIEW',
    choices: ['head', 'model', 'neuron'],
    default: 'head',
    help: 'View.',
  },
  model: { type: 'string', value: 'SOURCE', required: 'a folder or a hub id', help: 'Model.' },
  html: { type: 'string', value: 'FILE', help: 'Page.' },
} as const satisfies OptionTable;

const parse = (argv: string[]) => parseOptions(['--model', 'm', ...argv], TABLE, [['json', 'jsonl']]);

describe('parseOptions', () => {
  test('parseOptions reads flags, values in both spellings, positionals and --', () => {
    const parsed = parse(['a', '--json', '--allowed-special', 'all', '-h', 'b', '--', '--jsonl', '-x']);
    expect(parsed.options).toMatchObject({ json: true, jsonl: false, 'allowed-special': 'all', help: true });
    expect(parsed.positionals).toEqual(['a', 'b', '--jsonl', '-x']);
    expect([...parsed.given].sort()).toEqual(['allowed-special', 'help', 'json', 'model']);
    expect(parse(['--allowed-special=<|endoftext|>']).options['allowed-special']).toBe('<|endoftext|>');
  });

  test('parseOptions with --help lets a missing, bad or conflicting option pass (the help is printed instead)', () => {
    const parsed = parseOptions(['--steps', '0', '--json', '--jsonl', '--help'], TABLE, [['json', 'jsonl']]);
    expect(parsed.options).toMatchObject({ help: true, model: undefined, steps: undefined, json: true });
    expect(() => parseOptions(['--steps', '7'], TABLE)).toThrow(
      'missing --model SOURCE: a folder or a hub id',
    );
  });

  test('parseOptions keeps negative numbers and a lone dash as positionals', () => {
    expect(parse(['-5', '-', '-1.5']).positionals).toEqual(['-5', '-', '-1.5']);
  });

  test('parseOptions checks each value and fills the defaults', () => {
    expect(parse([]).options).toMatchObject({ steps: 20, 'top-k': undefined, dropout: 0.1, view: 'head' });
    const o = parse([
      '--steps',
      '7',
      '--top-k=3',
      '--top-p',
      '1',
      '--dropout',
      '0',
      '--view',
      'neuron',
    ]).options;
    expect(o).toMatchObject({ steps: 7, 'top-k': 3, 'top-p': 1, dropout: 0, view: 'neuron', model: 'm' });
  });

  test.each([
    [['--jsn'], 'unknown option --jsn (did you mean --json?)'],
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['-x'], 'unknown option -x'],
    [['-hx'], 'unknown option -hx'],
    [['--constructor'], 'unknown option --constructor'],
    [['--allowed-special'], 'option --allowed-special needs a value (--allowed-special LIST)'],
    [['--allowed-special', '--json'], 'option --allowed-special needs a value (--allowed-special LIST)'],
    [['--json=yes'], 'option --json takes no value (received "--json=yes")'],
    [['--json', '--jsonl'], 'options --json and --jsonl cannot be used together'],
    [['--steps', '0'], '--steps must be an integer in [1, 100], received "0"'],
    [['--steps', '1.5'], '--steps must be an integer in [1, 100], received "1.5"'],
    [['--top-k', '-1'], '--top-k must be an integer ≥ 1, received "-1"'],
    [['--top-p', '1.5'], '--top-p must be a number in (0, 1], received "1.5"'],
    [['--dropout', '1'], '--dropout must be a number in [0, 1), received "1"'],
    [['--timeout', 'x'], '--timeout must be a positive number of seconds, received "x"'],
    [['--view', 'heads'], '--view must be head, model or neuron, received "heads"'],
    [['--model', ''], 'missing --model SOURCE: a folder or a hub id'],
    [['--html', ''], '--html needs a file name (--html FILE)'],
  ])('parseOptions(%j) throws %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(new CliError(message));
  });

  test('parseOptions reports a missing required option', () => {
    expect(() => parseOptions([], TABLE)).toThrow(
      new CliError('missing --model SOURCE: a folder or a hub id'),
    );
  });
});

describe('helpText', () => {
  test('helpText writes the usage, the description, one row per option and the examples', () => {
    const help = helpText(
      { usage: 'lxmls x [options]', description: 'Does x.', notes: 'Exit codes.', examples: ['lxmls x'] },
      {
        steps: TABLE.steps,
        view: TABLE.view,
        json: { type: 'flag', help: 'One line:\n  a  the a' },
        long: { type: 'string', value: 'V', help: 'word '.repeat(40).trim() },
      },
    );
    const lines = help.split('\n');
    expect(lines.slice(0, 5)).toEqual(['Usage: lxmls x [options]', '', 'Does x.', '', 'Options:']);
    expect(lines).toContain('  --steps N    Steps. (default 20)');
    expect(lines).toContain('  --view VIEW  View. (head, model or neuron; default head)');
    expect(lines).toContain('  --json       One line:');
    expect(lines).toContain('                 a  the a');
    expect(lines).toContain('  -h, --help   Show this help.');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(110);
    expect(help.endsWith('Exit codes.\n\nExamples:\n  lxmls x')).toBe(true);
  });
});
