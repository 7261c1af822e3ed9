// The atomic writers on a real file system, and kill safety: a child process writes a model folder over and
// over and is killed with SIGKILL at seeded random moments; after recoverFolder the folder is always exactly
// the last committed model or the one being written, never a mix, and no temporary folder is left.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';
import {
  COMMIT_FILE,
  checkFolderCommit,
  checkOutputFolder,
  recoverFolder,
  writeFileAtomic,
  writeFolderAtomic,
} from './atomic.js';
import { rejection, tempFolderEach } from './folders.test.helpers.js';

let root: string;
tempFolderEach('lxmls-hub-atomic-', (path) => {
  root = path;
});

describe('writeFileAtomic', () => {
  test('writeFileAtomic(path) replaces a file whole and leaves no temporary file', async () => {
    const path = join(root, 'a.txt');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, new TextEncoder().encode('two'));
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(root)).toEqual(['a.txt']);
  });

  test('writeFileAtomic(path in a missing folder) fails with ENOENT and leaves nothing', async () => {
    const error = await rejection(writeFileAtomic(join(root, 'no', 'a.txt'), 'x'));
    expect(error.code).toBe('WRITE_FAILED');
    expect(error.message).toContain(`${join(root, 'no', 'a.txt')} could not be written`);
    expect(error.message).toContain('received ENOENT (no such folder)');
    expect(await readdir(root)).toEqual([]);
  });
});

describe('writeFolderAtomic', () => {
  test('writeFolderAtomic(dir) writes the files and the commit marker', async () => {
    const dir = join(root, 'deep', 'model');
    const paths = await writeFolderAtomic(dir, { 'config.json': '{"a":1}', 'w.bin': new Uint8Array(10) });
    expect(paths).toEqual([join(dir, 'config.json'), join(dir, 'w.bin')]);
    expect((await readdir(dir)).sort()).toEqual([COMMIT_FILE, 'config.json', 'w.bin']);
    expect(await checkFolderCommit(dir)).toEqual({
      format: 1,
      files: { 'config.json': { size: 7 }, 'w.bin': { size: 10 } },
    });
    expect(await readdir(join(root, 'deep'))).toEqual(['model']);
  });

  test('writeFolderAtomic(existing model folder) is FOLDER_EXISTS without overwrite, and nothing changes', async () => {
    const dir = join(root, 'model');
    await writeFolderAtomic(dir, { 'config.json': 'old' });
    const error = await rejection(writeFolderAtomic(dir, { 'config.json': 'new' }, { argument: '--out' }));
    expect(error.code).toBe('FOLDER_EXISTS');
    expect(error.message).toContain(
      `--out already holds files. Expected an empty or new folder, or overwrite: true (--force) to replace it whole, received ${dir} with .lxmls-commit.json, config.json`,
    );
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe('old');
    expect(await readdir(root)).toEqual(['model']);
  });

  test('writeFolderAtomic(dir, files, { overwrite: true }) never keeps files of the earlier model', async () => {
    const dir = join(root, 'model');
    await mkdir(dir);
    await writeFile(join(dir, 'config.json'), '{"old": true}');
    await writeFile(join(dir, 'tokenizer.json'), '{}');
    await writeFile(join(dir, 'lxmls.json'), '{}');
    await writeFolderAtomic(dir, { 'config.json': 'new' }, { overwrite: true });
    expect((await readdir(dir)).sort()).toEqual([COMMIT_FILE, 'config.json']);
    expect(await readdir(root)).toEqual(['model']);
  });

  test('writeFolderAtomic(dir, files, { overwrite: true }) refuses a folder that is not a model folder', async () => {
    const dir = join(root, 'project');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'config.json'), '{}');
    const error = await rejection(writeFolderAtomic(dir, { 'config.json': 'new' }, { overwrite: true }));
    expect(error.code).toBe('FOLDER_EXISTS');
    expect(error.message).toContain("holds files that are not a model's");
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'src']);
  });

  test('writeFolderAtomic(working folder, files, { overwrite: true }) is INVALID_PATH', async () => {
    await writeFile(join(root, 'config.json'), '{}');
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const error = await rejection(writeFolderAtomic('.', { 'config.json': 'new' }, { overwrite: true }));
      expect(error.code).toBe('INVALID_PATH');
    } finally {
      process.chdir(cwd);
    }
  });

  test('writeFolderAtomic into an empty existing folder needs no overwrite', async () => {
    const dir = join(root, 'empty');
    await mkdir(dir);
    await writeFolderAtomic(dir, { 'a.txt': 'a' });
    expect((await readdir(dir)).sort()).toEqual([COMMIT_FILE, 'a.txt']);
  });

  test('writeFolderAtomic(dir, { "onnx/model.onnx": … }) writes one level of subfolder', async () => {
    const dir = join(root, 'model');
    const paths = await writeFolderAtomic(dir, { 'config.json': '{}', 'onnx/model.onnx': new Uint8Array(3) });
    expect(paths).toEqual([join(dir, 'config.json'), join(dir, 'onnx', 'model.onnx')]);
    expect((await readdir(dir)).sort()).toEqual([COMMIT_FILE, 'config.json', 'onnx']);
    expect((await stat(join(dir, 'onnx', 'model.onnx'))).size).toBe(3);
    expect((await checkFolderCommit(dir))?.files['onnx/model.onnx']).toEqual({ size: 3 });
    // a folder with an onnx/ subfolder is a model folder: overwrite replaces it whole
    await writeFolderAtomic(dir, { 'config.json': '{"n":2}' }, { overwrite: true });
    expect((await readdir(dir)).sort()).toEqual([COMMIT_FILE, 'config.json']);
  });

  test.each([['../x'], ['a/../b'], ['a/b/c'], ['/a'], ['a/'], [COMMIT_FILE], ['']])(
    'writeFolderAtomic(dir, { %j: … }) is INVALID_ARGUMENT',
    async (name) => {
      const error = await rejection(writeFolderAtomic(join(root, 'm'), { [name]: 'x' }));
      expect(error.code).toBe('INVALID_ARGUMENT');
    },
  );

  test('checkFolderCommit names a file whose size no longer matches the marker', async () => {
    const dir = join(root, 'model');
    await writeFolderAtomic(dir, { 'model.safetensors': new Uint8Array(100) });
    await writeFile(join(dir, 'model.safetensors'), new Uint8Array(50));
    const error = await rejection(checkFolderCommit(dir));
    expect(error.code).toBe('INVALID_FILE');
    expect(error.message).toContain(`${join(dir, 'model.safetensors')} of 100 bytes`);
    expect(error.message).toContain('received 50 bytes');
  });

  test('recoverFolder puts back an old folder left by a swap that was interrupted, and removes dead temporaries', async () => {
    const dir = join(root, 'model');
    await mkdir(join(root, '.model.lxmls-old-999999999-a-b'));
    await writeFile(join(root, '.model.lxmls-old-999999999-a-b', 'config.json'), 'old');
    await mkdir(join(root, '.model.lxmls-new-999999999-a-b'));
    await mkdir(join(root, `.model.lxmls-new-${process.pid}-a-b`)); // a live writer's: kept
    const result = await recoverFolder(dir);
    expect(result).toEqual({ removed: [join(root, '.model.lxmls-new-999999999-a-b')], restored: true });
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe('old');
    expect((await readdir(root)).sort()).toEqual([`.model.lxmls-new-${process.pid}-a-b`, 'model']);
  });
});

describe('checkOutputFolder', () => {
  test('checkOutputFolder(a path under a file) is INVALID_PATH naming the file', async () => {
    await writeFile(join(root, 'file'), 'x');
    const error = await rejection(checkOutputFolder(join(root, 'file', 'model'), { argument: '--out' }));
    expect(error.code).toBe('INVALID_PATH');
    expect(error.message).toContain(`inside the file ${join(root, 'file')}`);
  });

  test.each([['/proc/x'], ['/sys/kernel/m'], ['/dev/shm-model']])(
    'checkOutputFolder(%j) is INVALID_PATH',
    async (path) => {
      const error = await rejection(checkOutputFolder(path));
      expect(error.code).toBe('INVALID_PATH');
      expect(error.message).toContain('a folder outside /proc, /sys and /dev');
    },
  );

  test('checkOutputFolder(a file) is INVALID_PATH', async () => {
    await writeFile(join(root, 'file'), 'x');
    expect((await rejection(checkOutputFolder(join(root, 'file')))).code).toBe('INVALID_PATH');
  });

  test('checkOutputFolder(a new path in a writable folder) says it does not exist yet', async () => {
    expect(await checkOutputFolder(join(root, 'a', 'b'))).toEqual({
      path: join(root, 'a', 'b'),
      exists: false,
      entries: [],
    });
  });
});

describe('writeFolderAtomic under SIGKILL', () => {
  test('writeFolderAtomic killed at random moments leaves the last committed model or the new one, never a mix', async () => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const lib = join(root, 'atomic.mjs');
    await build({
      entryPoints: [join(here, 'atomic.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: lib,
      logLevel: 'silent',
    });
    const child = join(root, 'writer.mjs');
    await writeFile(
      child,
      `import { writeFolderAtomic } from ${JSON.stringify(lib)};
const [dir, start] = process.argv.slice(2);
for (let gen = Number(start) + 1; ; gen++) {
  const files = { 'config.json': JSON.stringify({ gen }), 'model.safetensors': new Uint8Array(200000 + (gen % 7) * 1000).fill(gen % 256) };
  files['extra-' + (gen % 2) + '.txt'] = String(gen);
  await writeFolderAtomic(dir, files, { overwrite: true });
  process.stdout.write(gen + '\\n');
}
`,
    );
    const dir = join(root, 'out', 'model');
    await writeFolderAtomic(dir, {
      'config.json': '{"gen":0}',
      'model.safetensors': new Uint8Array(200000),
      'extra-0.txt': '0',
    });
    let seed = 17;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let gen = 0;
    for (let round = 0; round < 8; round++) {
      const proc = spawn(process.execPath, [child, dir, String(gen)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let printed = '';
      const started = new Promise((resolve) => proc.stdout.once('data', resolve));
      proc.stdout.on('data', (d: Buffer) => {
        printed += d.toString();
      });
      await started; // one folder committed: the child is in its loop; kill it at a random moment of it
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 40)));
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
      const committed = printed.trim().split('\n').filter(Boolean).map(Number);
      const lastCommitted = committed.at(-1) ?? gen;
      await recoverFolder(dir);
      const found = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')).gen as number;
      expect([lastCommitted, lastCommitted + 1]).toContain(found);
      expect((await readdir(dir)).sort()).toEqual([
        COMMIT_FILE,
        'config.json',
        `extra-${found % 2}.txt`,
        'model.safetensors',
      ]);
      const weights = await readFile(join(dir, 'model.safetensors'));
      expect(weights.byteLength).toBe(200000 + (found % 7) * 1000);
      expect(weights.every((b) => b === found % 256)).toBe(true);
      expect(await checkFolderCommit(dir)).not.toBeNull();
      expect(await readdir(join(root, 'out'))).toEqual(['model']);
      gen = found;
    }
    expect(gen).toBeGreaterThan(0);
    expect((await stat(dir)).isDirectory()).toBe(true);
  });
});
