import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@lxmls/nn';
import { getGenerator, manualSeed, RandomGenerator, tensor } from '@lxmls/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import {
  AdamW,
  type CheckpointFiles,
  LxmlsTrainerError,
  loadCheckpoint,
  readCheckpoint,
  saveCheckpoint,
  Trainer,
  type TrainerConfig,
  writeCheckpoint,
} from './index.js';
import { CountingSampler, countingItems, TinyLM } from './tiny-model.test.helpers.js';

const weights = (m: TinyLM) => m.namedParameters().map(([n, p]) => [n, Array.from(p.data())] as const);
const config = (maxIters: number): Partial<TrainerConfig> => ({
  maxIters,
  batchSize: 4,
  learningRate: 1e-2,
  seed: 7,
  lrSchedule: { type: 'cosine', warmupIters: 3, decayIters: 20 }, // fixed end, so N and 2N runs agree
});

/** A fresh world: the same seeds, model and data for every run. */
function fresh(maxIters: number, data: 'sampler' | 'items' = 'sampler') {
  manualSeed(123); // dropout draws from the global generator
  const model = new TinyLM(6, 8, 0.2, 5);
  const dataset = data === 'sampler' ? new CountingSampler(6, 5, 9) : countingItems(12);
  const losses: number[] = [];
  const trainer = new Trainer(config(maxIters), model, dataset);
  trainer.setCallback('on_batch_end', (t) => void losses.push(t.loss));
  return { model, dataset, trainer, losses };
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('checkpoints', () => {
  test.each(['sampler', 'items'] as const)(
    'saveCheckpoint / loadCheckpoint: 2N iterations equal N + save + load + N, bit for bit (dropout on, %s dataset)',
    async (kind) => {
      const N = 8;
      const whole = fresh(2 * N, kind);
      await whole.trainer.run();

      const first = fresh(N, kind);
      await first.trainer.run();
      const files = saveCheckpoint(first.trainer);
      // disturb every random source and the weights, as a new process would start from other states
      manualSeed(999);
      getGenerator().uint32();
      const second = fresh(2 * N, kind);
      manualSeed(4242);
      const info = loadCheckpoint(second.trainer, files);
      expect(info.iterNum).toBe(N);
      expect(info.restored.generators).toEqual(['global', 'sampler']);
      expect(info.restored.dataset).toBe(kind === 'sampler');
      expect(second.trainer.iterNum).toBe(N);
      const summary = await second.trainer.run();
      expect(summary.iterations).toBe(N);
      expect(summary.iterNum).toBe(2 * N);

      expect([...first.losses, ...second.losses]).toEqual(whole.losses);
      expect(weights(second.model)).toEqual(weights(whole.model));
      const state = (t: Trainer<TinyLM>) =>
        [...t.optimizer!.state()].map(([n, s]) => [
          n,
          s.step,
          Array.from(s.m.data()),
          Array.from(s.v.data()),
        ]);
      expect(state(second.trainer)).toEqual(state(whole.trainer));
    },
  );

  test('a checkpoint saved inside on_batch_end resumes at the next iteration, bit for bit', async () => {
    const whole = fresh(12);
    await whole.trainer.run();

    const first = fresh(12);
    let files: CheckpointFiles | null = null;
    first.trainer.addCallback('on_batch_end', (t) => {
      if (t.iterNum === 4) {
        files = saveCheckpoint(t);
        t.stop();
      }
    });
    await first.trainer.run();
    expect(JSON.parse(files!['trainer.json']).iterNum).toBe(5);
    const second = fresh(12);
    loadCheckpoint(second.trainer, files!);
    await second.trainer.run();
    expect([...first.losses, ...second.losses]).toEqual(whole.losses);
    expect(weights(second.model)).toEqual(weights(whole.model));
  });

  test('saveCheckpoint(trainer) writes PyTorch names, moments per parameter, steps, RNG states and the config', async () => {
    const { trainer, model } = fresh(3);
    await trainer.run();
    const files = saveCheckpoint(trainer);
    const m = readSafetensors(files['model.safetensors']);
    expect([...m.tensors.keys()]).toEqual(model.namedParameters().map(([n]) => n));
    expect(m.metadata).toEqual({ format: 'pt', iter_num: '3' });
    const o = readSafetensors(files['optimizer.safetensors']);
    expect([...o.tensors.keys()]).toContain('head.weight.exp_avg');
    expect([...o.tensors.keys()]).toContain('wte.weight.exp_avg_sq');
    expect(JSON.parse(o.metadata.steps!)['ln.bias']).toBe(3);
    const json = JSON.parse(files['trainer.json']);
    expect(json).toMatchObject({ format: 'lxmls-trainer-checkpoint', version: 1, iterNum: 3 });
    expect(json.rng.generators.global).toEqual(getGenerator().getState());
    expect(json.rng.generators.sampler).toEqual(trainer.generator.getState());
    expect(json.rng.dataset).toEqual((trainer.trainDataset as CountingSampler).rng.getState());
    expect(json.config.learningRate).toBe(1e-2);
    for (const t of [...m.tensors.values(), ...o.tensors.values()]) t.dispose();
  });

  test('saveCheckpoint is deterministic: the same state gives the same bytes', async () => {
    const a = fresh(3);
    await a.trainer.run();
    const b = fresh(3);
    await b.trainer.run();
    expect(saveCheckpoint(a.trainer)).toEqual(saveCheckpoint(b.trainer));
  });

  test('loadCheckpoint refuses a set mixed from two saves, and changes nothing', async () => {
    const { trainer, model } = fresh(2);
    await trainer.run();
    const older = saveCheckpoint(trainer);
    trainer.config.maxIters = 4;
    await trainer.run();
    const newer = saveCheckpoint(trainer);
    const target = new TinyLM(6, 8, 0.2, 77);
    const before = weights(target);
    const mixed = { ...older, 'model.safetensors': newer['model.safetensors'] };
    expect(() => loadCheckpoint({ model: target }, mixed)).toThrow(/does not belong with trainer.json/);
    expect(weights(target)).toEqual(before);
    expect(weights(model)).not.toEqual(before);
  });

  test.each([
    ['a model of other sizes', () => new TinyLM(6, 16), /the weight 'wte.weight' does not fit/],
    ['a model with other names', () => new TinyLM(7, 8), /does not fit/],
  ])('loadCheckpoint refuses %s (INVALID_CHECKPOINT) and changes nothing', async (_, make, message) => {
    const { trainer } = fresh(2);
    await trainer.run();
    const files = saveCheckpoint(trainer);
    const target = make();
    const before = weights(target);
    const generator = getGenerator().getState();
    let error: unknown;
    try {
      loadCheckpoint({ model: target }, files);
    } catch (e) {
      error = e;
    }
    expect(LxmlsTrainerError.isInstance(error) && error.code).toBe('INVALID_CHECKPOINT');
    expect((error as Error).message).toMatch(message);
    expect(weights(target)).toEqual(before);
    expect(getGenerator().getState()).toEqual(generator);
  });

  test.each([
    ['trainer.json that is not JSON', (f: CheckpointFiles) => ({ ...f, 'trainer.json': '{' })],
    ['another format', (f: CheckpointFiles) => ({ ...f, 'trainer.json': JSON.stringify({ format: 'x' }) })],
    ['a missing file', (f: CheckpointFiles) => ({ ...f, 'optimizer.safetensors': undefined })],
    [
      'a flipped byte',
      (f: CheckpointFiles) => {
        const bytes = f['model.safetensors'].slice();
        bytes[bytes.length - 1]! ^= 1;
        return { ...f, 'model.safetensors': bytes };
      },
    ],
  ])('loadCheckpoint refuses %s', (_, damage) => {
    const model = new TinyLM();
    const files = damage(saveCheckpoint({ model })) as CheckpointFiles;
    expect(() => loadCheckpoint({ model }, files)).toThrow(
      expect.objectContaining({ code: 'INVALID_CHECKPOINT' }),
    );
  });

  const withRng = (rng: unknown) => (f: CheckpointFiles) => ({
    ...f,
    'trainer.json': JSON.stringify({ ...JSON.parse(f['trainer.json']), rng }),
  });
  test.each([
    ['rng: null', withRng(null), 'received rng: null'],
    ['no rng', withRng(undefined), 'received rng: undefined'],
    ['rng: []', withRng([]), 'received rng: array of length 0'],
    ['rng.generators: null', withRng({ generators: null }), 'received rng.generators: null'],
    [
      'a generator state of the wrong type',
      withRng({ generators: { global: 'x' } }),
      'received rng.generators: object',
    ],
  ])(
    'loadCheckpoint refuses trainer.json with %s (a resume that would not be exact)',
    (_, damage, received) => {
      const model = new TinyLM();
      const files = damage(saveCheckpoint({ model })) as CheckpointFiles;
      expect(() => loadCheckpoint({ model }, files)).toThrow(
        expect.objectContaining({
          code: 'INVALID_CHECKPOINT',
          message: expect.stringContaining(
            `trainer.json has no valid random state (rng). Expected rng: { generators: { name: number[] } } as saveCheckpoint writes it, ${received}`,
          ),
        }),
      );
      expect(() => loadCheckpoint({ model }, saveCheckpoint({ model }))).not.toThrow();
    },
  );

  test('loadCheckpoint refuses weights that are NaN, naming the tensor', () => {
    const model = new TinyLM();
    const [name, p] = model.namedParameters()[0]!;
    const values = Float32Array.from(p.data());
    values[1] = Number.NaN;
    p.copyFrom(tensor(values, p.shape));
    const files = saveCheckpoint({ model });
    expect(() => loadCheckpoint({ model: new TinyLM() }, files)).toThrow(
      expect.objectContaining({
        code: 'INVALID_CHECKPOINT',
        message: expect.stringContaining(`tensor ${JSON.stringify(name)} holds a value that is not finite`),
      }),
    );
  });

  test('saveCheckpoint / loadCheckpoint with parts: model, optimizer and named generators of a custom loop', () => {
    const model = new TinyLM(6, 8, 0, 2);
    const opt = new AdamW(model.parameters(), { lr: 0.1 });
    const p = model.parameters();
    for (const t of p) t.mul(t).sum().backward();
    opt.step();
    const g = new RandomGenerator(5);
    g.uint32();
    const files = saveCheckpoint({ model, optimizer: opt, iterNum: 1, generators: { data: g } });

    const model2 = new TinyLM(6, 8, 0, 3);
    const opt2 = new AdamW(model2.parameters(), { lr: 0.1 });
    const g2 = new RandomGenerator(0);
    const info = loadCheckpoint({ model: model2, optimizer: opt2, generators: { data: g2 } }, files);
    expect(info.restored.generators).toEqual(['global', 'data']);
    expect(g2.uint32()).toBe(g.uint32());
    expect(weights(model2)).toEqual(weights(model));
    expect(opt2.stepCount).toBe(1);
    expect(Array.from(opt2.state().get('0')!.v.data())).toEqual(Array.from(opt.state().get('0')!.v.data()));
  });

  test('writeCheckpoint / readCheckpoint round-trip a folder atomically, replacing an older checkpoint', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lxmls-trainer-'));
    dirs.push(root);
    const dir = join(root, 'nested', 'ckpt');
    const { trainer } = fresh(2);
    await trainer.run();
    const older = saveCheckpoint(trainer);
    const paths = await writeCheckpoint(dir, older);
    expect(paths.map((p) => p.slice(dir.length + 1))).toEqual([
      'model.safetensors',
      'optimizer.safetensors',
      'trainer.json',
    ]);
    trainer.config.maxIters = 3;
    await trainer.run();
    const newer = saveCheckpoint(trainer);
    await writeCheckpoint(dir, newer);
    expect((await readdir(dir)).sort()).toEqual([
      '.lxmls-commit.json',
      'model.safetensors',
      'optimizer.safetensors',
      'trainer.json',
    ]); // the commit marker; no temporary file or folder left
    expect(await readdir(join(root, 'nested'))).toEqual(['ckpt']);
    const read = await readCheckpoint(dir);
    expect(read['trainer.json']).toBe(newer['trainer.json']);
    expect(Buffer.from(read['model.safetensors']).equals(Buffer.from(newer['model.safetensors']))).toBe(true);
    const target = fresh(3);
    expect(loadCheckpoint(target.trainer, read).iterNum).toBe(3);
  });

  test('a folder caught between two renames (new weights, old trainer.json) is refused on load', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lxmls-trainer-'));
    dirs.push(root);
    const { trainer, model } = fresh(1);
    await trainer.run();
    await writeCheckpoint(root, saveCheckpoint(trainer));
    trainer.config.maxIters = 2;
    await trainer.run();
    // a crash after the first rename of the next save: only model.safetensors is new
    await writeFile(join(root, 'model.safetensors'), saveCheckpoint(trainer)['model.safetensors']);
    const files = await readCheckpoint(root);
    expect(() => loadCheckpoint({ model }, files)).toThrow(/mixed from two saves/);
  });

  test('readCheckpoint after a write killed between its two renames finds the previous checkpoint', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lxmls-trainer-'));
    dirs.push(root);
    const dir = join(root, 'ckpt');
    const files = saveCheckpoint({ model: new TinyLM(), iterNum: 7 });
    await writeCheckpoint(dir, files);
    // what a kill between the two renames of writeFolderAtomic leaves: the old folder set aside, no folder
    await rename(dir, join(root, '.ckpt.lxmls-old-999999999-a-b'));
    await mkdir(join(root, '.ckpt.lxmls-new-999999999-a-b'));
    const read = await readCheckpoint(dir);
    expect(JSON.parse(read['trainer.json']).iterNum).toBe(7);
    expect(await readdir(root)).toEqual(['ckpt']);
  });

  test('readCheckpoint names a file that no longer matches the commit marker', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lxmls-trainer-'));
    dirs.push(root);
    await writeCheckpoint(root, saveCheckpoint({ model: new TinyLM() }));
    await writeFile(join(root, 'optimizer.safetensors'), 'cut');
    await expect(readCheckpoint(root)).rejects.toMatchObject({
      code: 'INVALID_CHECKPOINT',
      message: expect.stringContaining(join(root, 'optimizer.safetensors')),
    });
  });

  test('writeCheckpoint into a folder that holds other files is INVALID_ARGUMENT and writes nothing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lxmls-trainer-'));
    dirs.push(root);
    await writeFile(join(root, 'notes.txt'), 'mine');
    await expect(writeCheckpoint(root, saveCheckpoint({ model: new TinyLM() }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(await readdir(root)).toEqual(['notes.txt']);
  });

  test('writeCheckpoint removes its temporary file when a rename fails, and leaves the files already there', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lxmls-trainer-'));
    dirs.push(root);
    const files = saveCheckpoint({ model: new TinyLM() });
    await writeCheckpoint(root, files);
    const oldModel = await readFile(join(root, 'model.safetensors'));
    // make the last rename fail: trainer.json becomes a non-empty folder
    await rm(join(root, 'trainer.json'));
    await mkdir(join(root, 'trainer.json', 'x'), { recursive: true });
    await expect(writeCheckpoint(root, files)).rejects.toThrow();
    expect((await readdir(root)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect((await readFile(join(root, 'model.safetensors'))).equals(oldModel)).toBe(true);
    // and a folder path that is a file fails before anything is written
    await writeFile(join(root, 'blocker'), 'a file, not a folder');
    await expect(writeCheckpoint(join(root, 'blocker'), files)).rejects.toThrow();
    expect(await readFile(join(root, 'blocker'), 'utf8')).toBe('a file, not a folder');
  });

  test('readCheckpoint names a missing file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lxmls-trainer-'));
    dirs.push(root);
    await expect(readCheckpoint(root)).rejects.toThrow(/model.safetensors cannot be read/);
    expect(existsSync(join(root, 'model.safetensors'))).toBe(false);
  });
});
