// Tests of `lxmls train` and `lxmls eval`: argument errors, a short weather run (the notebook's log lines, the
// JSON fields), --out then eval giving the same loss, and a text model trained then used by generate.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getExercise } from '@lxmls/course';
import { describe, expect, test } from 'vitest';
import { runCli, visibleControls } from '../testing.test.helpers.js';

const LOG_LINE = /^iter_dt \d+\.\d{2}ms; iter \d+: train loss \d+\.\d{5}$/;
const WEATHER_FIELDS = [
  'iters',
  'msPerIter',
  'trainLoss',
  'evalLoss',
  'bayesLoss',
  'labelAccuracy',
  'bayesLabelAccuracy',
  'sequenceAccuracy',
  'bayesSequenceAccuracy',
];

describe('lxmls train', () => {
  test.each([
    [['train'], 'lxmls train: missing TASK: lxmls train weather or lxmls train text --data FILE'],
    [['train', 'poems'], 'lxmls train: unknown task "poems". Expected weather or text'],
    [
      ['train', 'weather', '--iters', '0'],
      'lxmls train: --iters must be an integer in [1, 1000000], received "0"',
    ],
    [['train', 'weather', '--lr', '-1'], 'lxmls train: --lr must be a number > 0, received "-1"'],
    [
      ['train', 'weather', '--recipe', 'slow'],
      'lxmls train: --recipe must be course or fast, received "slow"',
    ],
    [
      ['train', 'weather', '--data', 'x.txt'],
      'lxmls train: option --data does not apply to lxmls train weather',
    ],
    [
      ['train', 'text', '--recipe', 'fast'],
      'lxmls train: option --recipe does not apply to lxmls train text',
    ],
    [['train', 'text'], 'lxmls train: missing --data FILE: the text to train on'],
    [
      ['train', 'text', '--data', '/no/such/file.txt'],
      /^lxmls train: cannot read --data \/no\/such\/file\.txt: ENOENT/,
    ],
    [
      ['train', 'weather', '--backend', 'gpu'],
      /^lxmls train: unknown backend "gpu": available backends are wasm/,
    ],
    [['train', 'weather', '--itres', '3'], 'lxmls train: unknown option --itres (did you mean --iters?)'],
    [['eval'], 'lxmls eval: missing TASK: lxmls eval weather --model DIR'],
    [
      ['eval', 'weather'],
      'lxmls eval: missing --model DIR: a folder written by lxmls train weather --out DIR',
    ],
    [
      ['eval', 'weather', '--model', '/no/such/dir'],
      /^lxmls eval: \[@lxmls\/course\] loadWeatherModel: cannot read \/no\/such\/dir\/lxmls\.json\. Expected a weather model folder .*, received no such file\./,
    ],
  ])('lxmls %j fails with exit code 2 and one line', async (argv, message) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.split('\n')).toHaveLength(2);
    if (typeof message === 'string') expect(stderr).toBe(`${message}\n`);
    else expect(stderr).toMatch(message);
  });

  test('lxmls train weather --iters 30 prints the notebook log lines and the table; --out then eval gives the same loss', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lxmls-train-')), 'weather');
    const argv = ['train', 'weather', '--iters', '101', '--batch-size', '16', '--eval-samples', '300'];
    const { code, stdout, stderr } = await runCli([...argv, '--out', dir]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    expect(lines.filter((line) => line.startsWith('iter_dt'))).toHaveLength(2);
    expect(lines[0]).toMatch(/^iter_dt 0\.00ms; iter 0: train loss 2\.\d{5}$/);
    expect(lines[1]).toMatch(LOG_LINE);
    expect(lines[1]).toMatch(/; iter 100: /);
    expect(lines[2]).toMatch(/^Training time: \d+\.\d{2} seconds \(\d+\.\d{2} ms\/iter\)$/);
    expect(lines[3]).toBe(
      'held-out evaluation: 300 test sequences, greedy decoding (model.generate(x[:, :6], 6))',
    );
    expect(lines[5]).toMatch(/^loss \(nats per label\) +\d\.\d{4} +0\.2445 +0\.2502$/);
    expect(lines[6]).toMatch(/^label accuracy +\d+\.\d\d% +85\.36% +84\.90%$/);
    expect(lines[8]).toMatch(/^sequence accuracy \(Viterbi\) +46\.54% +45\.84%$/);
    expect(readdirSync(dir).sort()).toEqual([
      '.lxmls-commit.json',
      'config.json',
      'lxmls.json',
      'model.safetensors',
    ]);
    const info = JSON.parse(readFileSync(join(dir, 'lxmls.json'), 'utf8'));
    expect(info).toMatchObject({
      task: 'weather',
      attention: 'separate',
      training: { iters: 101, seed: 42 },
    });
    const trainedLoss = Number(/^loss \(nats per label\) +(\d\.\d{4})/.exec(lines[5]!)![1]);

    const again = await runCli(['eval', 'weather', '--model', dir, '--eval-samples', '300', '--json']);
    expect(again.code).toBe(0);
    const evaluated = JSON.parse(again.stdout);
    expect(evaluated.evalLoss).toBeCloseTo(info.training.evalLoss, 12); // the same weights, the same sequences
    expect(evaluated.evalLoss.toFixed(4)).toBe(trainedLoss.toFixed(4));
  }, 120_000);

  test('lxmls train weather --json ends with one line holding the fields', async () => {
    const { code, stdout, stderr } = await runCli([
      'train',
      'weather',
      '--recipe',
      'fast',
      '--iters',
      '30',
      '--batch-size',
      '16',
      '--eval-samples',
      '200',
      '--json',
    ]);
    expect(code).toBe(0);
    // stdout is the JSON document alone; the notebook's log lines go to stderr
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(LOG_LINE)]);
    const result = JSON.parse(stdout);
    expect(Object.keys(result).slice(0, WEATHER_FIELDS.length)).toEqual(WEATHER_FIELDS);
    expect(result).toMatchObject({ iters: 30, recipe: 'fast', seed: 42, evalSamples: 200 });
    expect(result.bayesLoss).toBeCloseTo(0.244505, 6);
    expect(result.bayesLossAll).toBeCloseTo(0.250169, 6);
    expect(result.evalLoss).toBeGreaterThan(result.bayesLoss);
    expect(result.msPerIter).toBeGreaterThan(0);
  }, 60_000);

  test('lxmls train text --tokenizer bpe then lxmls generate --model DIR uses the folder tokenizer.json', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lxmls-text-'));
    const data = join(root, 'poem.txt');
    writeFileSync(data, 'the cat sat on the mat.\nthe dog sat on the log.\n'.repeat(20));
    const dir = join(root, 'model');
    const common = [
      '--data',
      data,
      '--n-layer',
      '1',
      '--n-head',
      '2',
      '--n-embd',
      '16',
      '--block-size',
      '16',
    ];
    const trained = await runCli([
      'train',
      'text',
      ...common,
      '--tokenizer',
      'bpe',
      '--vocab-size',
      '280',
      '--iters',
      '20',
      '--batch-size',
      '8',
      '--json',
      '--out',
      dir,
    ]);
    // with --json, stderr holds the log lines only, and stdout the JSON document alone
    expect(trained.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(LOG_LINE)]);
    const result = JSON.parse(trained.stdout);
    expect(result.iters).toBe(20);
    // the BPE stops merging when no pair occurs twice any more: fewer than 280 tokens on this small text
    expect(result.vocabSize).toBeGreaterThan(256);
    expect(result.vocabSize).toBeLessThanOrEqual(280);
    expect(result.valLoss).toBeLessThan(Math.log(result.vocabSize));
    expect(readdirSync(dir).sort()).toEqual([
      '.lxmls-commit.json',
      'config.json',
      'model.safetensors',
      'tokenizer.json',
    ]);

    const generated = await runCli([
      'generate',
      '--model',
      dir,
      '--prompt',
      'the cat',
      '--greedy',
      '--json',
      '--max-new-tokens',
      '5',
    ]);
    expect(generated.stderr).toBe('');
    const out = JSON.parse(generated.stdout);
    expect(out.promptIds.every((id: number) => id < result.vocabSize)).toBe(true);
    expect(out.samples[0].ids).toHaveLength(out.promptIds.length + 5);
    expect(out.samples[0].text.startsWith('the cat')).toBe(true);
    const empty = await runCli(['generate', '--model', dir, '--greedy', '--json', '--max-new-tokens', '3']);
    expect(JSON.parse(empty.stdout).promptIds).toEqual([198]); // no <|endoftext|>: the newline byte token
  }, 120_000);

  /** `lxmls train text` of a 1-layer, 8-channel GPT on 300 characters of `abc`, for `iters` iterations. */
  const tinyText = (iters: number): string[] => {
    const data = join(mkdtempSync(join(tmpdir(), 'lxmls-text-')), 'abc.txt');
    writeFileSync(data, 'abcabcabc\n'.repeat(30));
    const sizes = '--n-layer 1 --n-head 1 --n-embd 8 --block-size 8 --batch-size 4';
    return ['train', 'text', '--data', data, ...sizes.split(' '), '--iters', String(iters)];
  };

  test('lxmls train text (characters) prints the losses and a sample', async () => {
    const { code, stdout } = await runCli(tinyText(5));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^iter_dt 0\.00ms; iter 0: train loss \d\.\d{5}\n/);
    expect(stdout).toContain('char tokenizer, 4 tokens; 300 tokens of text');
    expect(stdout).toMatch(/\ntrain loss \d\.\d{5}; val loss \d\.\d{5} \(the last 10% of the text\)\n/);
  }, 60_000);

  test('lxmls train text --backend js says on stderr, once, that the js reference backend is slow; stdout stays JSON', async () => {
    const argv = [...tinyText(2), '--json'];
    const js = await runCli([...argv, '--backend', 'js']);
    expect(js.code).toBe(0);
    expect(Object.keys(JSON.parse(js.stdout))).toContain('valLoss');
    const notes = js.stderr.split('\n').filter((line) => line.startsWith('lxmls train: note: '));
    expect(notes).toEqual([
      'lxmls train: note: training on the js reference backend (plain loops), many times slower than the default wasm backend (leave out --backend js)',
    ]);
    const wasm = await runCli(argv); // the default backend: no note
    expect(wasm.stderr).not.toContain('note:');
  }, 60_000);

  test('lxmls train text on a terminal redraws a progress bar in place and erases it; in a pipe and with --json, none', async () => {
    const argv = tinyText(5);
    const bar = /⏎⎋\[K\[[#-]{20}\] +\d\/5 {2}loss \d\.\d{5} {2}\d+\.\d ms\/iter {2}eta \d+s/g;
    const tty = await runCli(argv, '', { tty: true });
    expect(tty.code).toBe(0);
    const stdout = visibleControls(tty.stdout);
    // the last iteration's bar is drawn full, then erased before the summary
    expect(stdout).toMatch(
      /⏎⎋\[K\[#{20}\] {2}5\/5 {2}loss \d\.\d{5} {2}\d+\.\d ms\/iter {2}eta 0s⏎⎋\[KTraining time: /,
    );
    const text = stdout.replace(bar, '').replaceAll('⏎⎋[K', '');
    expect(text).not.toMatch(/[⏎⎋]/);
    const pipe = await runCli(argv);
    const shape = (out: string) =>
      out
        .replace(/\d+\.\d+/g, 'N')
        .split('\n')
        .slice(0, 3);
    expect(shape(text)).toEqual(shape(pipe.stdout)); // the same lines once the bar is gone
    expect(visibleControls(pipe.stdout)).toBe(pipe.stdout);
    const json = await runCli([...argv, '--json'], '', { tty: true });
    expect(Object.keys(JSON.parse(json.stdout))).toContain('valLoss'); // stdout is the JSON alone
  }, 60_000);
});

describe('lxmls train weather --attention FILE', () => {
  const root = mkdtempSync(join(tmpdir(), 'lxmls-attention-'));
  const file = (name: string, text: string) => {
    const path = join(root, name);
    writeFileSync(path, text);
    return path;
  };
  const tiny = ['--iters', '3', '--batch-size', '8', '--eval-samples', '50', '--json'];
  const SIGNATURE = getExercise('2.2').signature;

  test('lxmls train weather --attention solved.ts (the solved skeleton) trains, saves, and lxmls eval weather loads it', async () => {
    const solved = file('solved.ts', getExercise('2.2').solution.ts);
    const dir = join(root, 'student-weather');
    const { code, stdout, stderr } = await runCli([
      'train',
      'weather',
      '--attention',
      solved,
      ...tiny,
      '--out',
      dir,
    ]);
    expect(code).toBe(0);
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(LOG_LINE)]);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ iters: 3, evalSamples: 50 });
    expect(result.evalLoss).toBeGreaterThan(result.bayesLoss);
    const info = JSON.parse(readFileSync(join(dir, 'lxmls.json'), 'utf8'));
    expect(info).toMatchObject({
      attention: 'separate',
      training: { attentionClass: 'CausalSelfAttention' },
    });
    expect(info.training.command).toContain(`--attention ${solved}`);
    const again = await runCli(['eval', 'weather', '--model', dir, '--eval-samples', '50', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).evalLoss).toBeCloseTo(result.evalLoss, 12);
  }, 120_000);

  test('lxmls train weather --attention FILE re-exporting @lxmls/attention trains like the course run (same losses)', async () => {
    const standIn = file('stand-in.js', "export { CausalSelfAttention } from '@lxmls/attention';\n");
    const student = await runCli(['train', 'weather', '--attention', standIn, ...tiny]);
    const course = await runCli(['train', 'weather', ...tiny]);
    expect([student.code, course.code]).toEqual([0, 0]);
    const a = JSON.parse(student.stdout.trimEnd().split('\n').at(-1)!);
    const b = JSON.parse(course.stdout.trimEnd().split('\n').at(-1)!);
    // the exercise form and the fused module: the same weights, dropout masks and data give the same run
    expect(a.trainLoss).toBeCloseTo(b.trainLoss, 4);
    expect(a.evalLoss).toBeCloseTo(b.evalLoss, 4);
  }, 120_000);

  test.each([
    ['a missing file', () => join(root, 'none.ts'), /^lxmls train: cannot read .*none\.ts: no such file\n$/],
    [
      'a syntax error',
      () =>
        file('broken.ts', 'export class CausalSelfAttention {\n  forward(x) {\n    return x +;\n  }\n}\n'),
      /^lxmls train: .*broken\.ts:3:\d+: /,
    ],
    [
      'no CausalSelfAttention export',
      () => file('other.ts', 'export const answer = 42;\n'),
      new RegExp(
        `^lxmls train: .*other\\.ts does not export CausalSelfAttention: expected ${SIGNATURE.replace(/[()[\]{}.*+?^$|\\]/g, '\\$&')} \\(the file exports: answer\\)\\n$`,
      ),
    ],
    [
      'the skeleton with its holes',
      () => file('skeleton.ts', getExercise('2.2').skeleton.ts),
      /^lxmls train: .*skeleton\.ts:\d+:\d+: CausalSelfAttention failed: NotImplementedError: .*2\.2\.1/,
    ],
    [
      'an output of the wrong shape',
      () =>
        file(
          'half.js',
          [
            "import { CausalSelfAttention as Base } from '@lxmls/attention';",
            "import { slice } from '@lxmls/tensor';",
            'export class CausalSelfAttention extends Base {',
            '  forward(x) {',
            '    const [B, T, C] = x.shape;',
            '    return slice(super.forward(x).output, [0, 0, 0], [B, T, C / 2]);',
            '  }',
            '}',
            '',
          ].join('\n'),
        ),
      /^lxmls train: .*half\.js: CausalSelfAttention\.forward\(x\) returned shape \(2, 11, 24\); expected \(2, 11, 48\), the shape of x \(B, T, C\)\n$/,
    ],
  ])(
    'lxmls train weather --attention with %s fails with exit code 2 and one line',
    async (_, make, message) => {
      const { code, stdout, stderr } = await runCli(['train', 'weather', '--attention', make(), ...tiny]);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr.split('\n')).toHaveLength(2);
      expect(stderr).toMatch(message);
    },
  );

  test('lxmls train text --attention FILE: the option applies to weather only', async () => {
    const { code, stderr } = await runCli(['train', 'text', '--attention', 'a.ts']);
    expect(code).toBe(2);
    expect(stderr).toBe('lxmls train: option --attention does not apply to lxmls train text\n');
  });
});
