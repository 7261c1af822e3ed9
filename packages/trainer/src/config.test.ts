import { describe, expect, test } from 'vitest';
import {
  formatTrainerConfig,
  getDefaultTrainerConfig,
  LxmlsTrainerError,
  pythonFloat,
  Trainer,
  type TrainerConfig,
  type TrainerNotice,
} from './index.js';
import { CountingSampler, TinyLM } from './tiny-model.test.helpers.js';

describe('Trainer.getDefaultConfig()', () => {
  test('Trainer.getDefaultConfig() has minGPT’s keys in order, then the extensions', () => {
    const c = Trainer.getDefaultConfig();
    expect(Object.entries(c)).toEqual([
      ['device', 'auto'],
      ['numWorkers', 4],
      ['maxIters', null],
      ['batchSize', 64],
      ['learningRate', 3e-4],
      ['betas', [0.9, 0.95]],
      ['weightDecay', 0.1],
      ['gradNormClip', 1.0],
      ['eps', 1e-8],
      ['lrSchedule', 'constant'],
      ['seed', 0],
      ['yieldEvery', 15],
    ]);
  });

  test('Trainer.getDefaultConfig() returns a new object each time', () => {
    const a = Trainer.getDefaultConfig();
    a.betas[0] = 0.5;
    expect(getDefaultTrainerConfig().betas).toEqual([0.9, 0.95]);
  });
});

describe('formatTrainerConfig', () => {
  test('formatTrainerConfig(default) is what Python prints for Trainer.get_default_config()', () => {
    expect(formatTrainerConfig(Trainer.getDefaultConfig())).toBe(
      [
        'device: auto',
        'num_workers: 4',
        'max_iters: None',
        'batch_size: 64',
        'learning_rate: 0.0003',
        'betas: (0.9, 0.95)',
        'weight_decay: 0.1',
        'grad_norm_clip: 1.0',
        '',
      ].join('\n'),
    );
  });

  test('formatTrainerConfig(notebook config) matches the printed trainer config of the notebook (course-behaviour §5)', () => {
    const c: TrainerConfig = {
      ...Trainer.getDefaultConfig(),
      device: 'mps',
      numWorkers: 0,
      maxIters: 2000,
      learningRate: 5e-4,
    };
    expect(formatTrainerConfig(c)).toBe(
      'device: mps\nnum_workers: 0\nmax_iters: 2000\nbatch_size: 64\nlearning_rate: 0.0005\nbetas: (0.9, 0.95)\nweight_decay: 0.1\ngrad_norm_clip: 1.0\n',
    );
  });

  test('formatTrainerConfig keeps float fields floats (weight_decay 0 prints 0.0) and extensions on request', () => {
    const c: TrainerConfig = {
      ...Trainer.getDefaultConfig(),
      weightDecay: 0,
      gradNormClip: 2,
      lrSchedule: { type: 'cosine', warmupIters: 10, minLr: 1e-5 },
    };
    const text = formatTrainerConfig(c, { extensions: true });
    expect(text).toContain('weight_decay: 0.0\n');
    expect(text).toContain('grad_norm_clip: 2.0\n');
    expect(text).toContain("lr_schedule: {'type': 'cosine', 'warmup_iters': 10, 'min_lr': 1e-05}\n");
    expect(text.endsWith('yield_every: 15\n')).toBe(true);
    expect(formatTrainerConfig(c)).not.toContain('lr_schedule');
  });
});

describe('pythonFloat', () => {
  test.each([
    [3e-4, '0.0003'],
    [5e-4, '0.0005'],
    [0.1, '0.1'],
    [1, '1.0'],
    [1e-5, '1e-05'],
    [1e-4, '0.0001'],
    [1e10, '10000000000.0'],
    [1e16, '1e+16'],
    [1.5e-7, '1.5e-07'],
    [123456789012345.6, '123456789012345.6'],
    [0, '0.0'],
    [-2.5, '-2.5'],
    [Number.NaN, 'nan'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
  ])('pythonFloat(%d) is %s', (x, text) => {
    expect(pythonFloat(x)).toBe(text);
  });
});

describe('Trainer config checks', () => {
  const model = new TinyLM();
  const data = new CountingSampler();
  test.each([
    [{ batchSize: 0 }, 'batchSize is out of range'],
    [{ batchSize: 1.5 }, 'batchSize is not an integer'],
    [{ learningRate: -1 }, 'learningRate is out of range'],
    [{ betas: [0.9] }, 'betas is not a pair'],
    [{ betas: [0.9, 1] }, 'betas[1] is out of range'],
    [{ maxIters: -1 }, 'maxIters is out of range'],
    [{ device: '' }, 'device is not a device name'],
    [{ lrSchedule: 'linear' }, 'lrSchedule is not a schedule'],
    [{ lrSchedule: { type: 'cosine', warmupIters: 10 } }, 'a cosine schedule needs an end'],
    [{ learning_rate: 1 }, "config has an unknown key 'learning_rate'"],
  ])('new Trainer(%j, …) throws INVALID_CONFIG', (config, message) => {
    let error: unknown;
    try {
      new Trainer(config as Partial<TrainerConfig>, model, data);
    } catch (e) {
      error = e;
    }
    expect(LxmlsTrainerError.isInstance(error) && error.code).toBe('INVALID_CONFIG');
    expect((error as Error).message).toContain(`[@lxmls/trainer] Trainer: ${message}.`);
  });

  test('new Trainer(partial config) completes it from the defaults and resolves device auto to the backend', () => {
    const lines: string[] = [];
    const t = new Trainer({ maxIters: 3 }, model, data, { log: (line) => lines.push(line) });
    expect(t.config.maxIters).toBe(3);
    expect(t.config.batchSize).toBe(64);
    expect(t.device).toBe(model.parameters()[0]!.backend.name);
    // the reference backend adds its notice (see the next test)
    expect(lines).toEqual([
      `running on device ${t.device}`,
      expect.stringMatching(/^note: training on the js/),
    ]);
    expect(new Trainer({ device: 'mps' }, model, data).device).toBe('mps');
  });

  test('new Trainer on the js reference backend gives one SLOW_BACKEND notice: to onNotice, else to log as a note', () => {
    expect(model.parameters()[0]!.backend.name).toBe('js'); // these tests run on the reference backend
    const notices: TrainerNotice[] = [];
    const lines: string[] = [];
    new Trainer({ maxIters: 1 }, model, data, {
      log: (l) => lines.push(l),
      onNotice: (n) => notices.push(n),
    });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.code).toBe('SLOW_BACKEND');
    expect(notices[0]!.message).toContain("import '@lxmls/backend-wasm/register'");
    expect(lines).toEqual(['running on device js']);
    new Trainer({ maxIters: 1 }, model, data, { log: (l) => lines.push(l) });
    expect(lines.slice(1)).toEqual(['running on device js', `note: ${notices[0]!.message}`]);
  });

  test('Trainer.run() checks a config changed after construction', async () => {
    const t = new Trainer({ maxIters: 1 }, model, data);
    t.config.batchSize = -3;
    await expect(t.run()).rejects.toThrow(/batchSize is out of range/);
  });
});
