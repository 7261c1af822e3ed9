// Tests of `lxmls generate`, run in-process through main() on a tiny GPT saved in a temporary folder (and served
// over HTTP on 127.0.0.1 for the URL and hub-id paths): the output equals the @lxmls/gpt calls it stands for.
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { getEncoder } from '@lxmls/bpe';
import { formatSamples, GPT, generate, prompt, promptTopK } from '@lxmls/gpt';
import { argmax, RandomGenerator, slice, tensor } from '@lxmls/tensor';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chooseBackend } from '../backends.js';
import { main } from '../main.js';
import { runCli } from '../testing.test.helpers.js';
import { saveTinyGpt, useTinyGptFolder } from '../testing-gpt.test.helpers.js';

const PROMPT = 'Barack Obama, the';
const fixture = useTinyGptFolder('lxmls-generate-', { beforeAll, afterAll });
let model: GPT;

beforeAll(async () => {
  await chooseBackend(undefined); // the backend the CLI picks without --backend
  model = (await GPT.fromPretrained(fixture.dir)).eval();
});

afterAll(async () => {
  model.dispose();
});

interface GenerateJson {
  promptIds: number[];
  samples: { ids: number[]; text: string }[];
  tokensPerSecond: number;
}

async function generateJson(argv: string[]): Promise<GenerateJson> {
  const { code, stdout, stderr } = await runCli(['generate', '--model', fixture.dir, '--json', ...argv]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout.endsWith('\n') && stdout.indexOf('\n') === stdout.length - 1).toBe(true);
  return JSON.parse(stdout) as GenerateJson;
}

/** The rows of `model.generate` on `ids` repeated `n` times. */
function generated(ids: number[], n: number, newTokens: number, options = {}): number[][] {
  const x = tensor(
    [...Array(n)].map(() => ids),
    undefined,
    'int32',
  ); // (n, T)
  return generate(model, x, newTokens, options).toArray() as number[][];
}

/** Runs with LXMLS_HUB_URL set to `hub` and LXMLS_CACHE_DIR to `cache`, as a user's shell would. */
async function withHub<T>(hub: string, cache: string, run: () => Promise<T>): Promise<T> {
  const saved = { hub: process.env.LXMLS_HUB_URL, cache: process.env.LXMLS_CACHE_DIR };
  process.env.LXMLS_HUB_URL = hub;
  process.env.LXMLS_CACHE_DIR = cache;
  try {
    return await run();
  } finally {
    if (saved.hub === undefined) delete process.env.LXMLS_HUB_URL;
    else process.env.LXMLS_HUB_URL = saved.hub;
    if (saved.cache === undefined) delete process.env.LXMLS_CACHE_DIR;
    else process.env.LXMLS_CACHE_DIR = saved.cache;
  }
}

describe('lxmls generate', () => {
  test('generate --greedy --json prints one line with exactly the documented fields, equal to model.generate', async () => {
    const record = await generateJson(['--prompt', PROMPT, '--greedy', '--max-new-tokens', '8']);
    expect(Object.keys(record)).toEqual(['promptIds', 'samples', 'tokensPerSecond']);
    expect(record.promptIds).toEqual([10374, 441, 2486, 11, 262]);
    expect(record.samples).toHaveLength(1);
    expect(Object.keys(record.samples[0]!)).toEqual(['ids', 'text']);
    const ids = generated(record.promptIds, 1, 8)[0]!;
    expect(record.samples[0]).toEqual({ ids, text: getEncoder().decode(ids) });
    expect(record.samples[0]!.text.startsWith(PROMPT)).toBe(true);
    expect(typeof record.tokensPerSecond).toBe('number');
    expect(record.tokensPerSecond).toBeGreaterThan(0);
  });

  test('generate --greedy is deterministic: every sample is the same argmax continuation', async () => {
    const argv = ['--prompt', PROMPT, '--greedy', '--max-new-tokens', '6', '--num-samples', '2'];
    const [a, b] = [await generateJson(argv), await generateJson([...argv, '--seed', '7'])];
    expect(a.samples).toEqual(b.samples);
    expect(a.samples[0]).toEqual(a.samples[1]);
  });

  test('generate prints each sample after 80 dashes, as model.prompt with set_seed(42) (top-k 100)', async () => {
    const { code, stdout, stderr } = await runCli([
      'generate',
      '--model',
      fixture.dir,
      '--prompt',
      PROMPT,
      '--max-new-tokens',
      '10',
      '--num-samples',
      '3',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const texts = prompt(model, PROMPT, 10, 3, true, { seed: 42 });
    expect(stdout).toBe(formatSamples(texts));
    expect(stdout.split('\n')[0]).toBe('-'.repeat(80));
    expect(new Set(texts).size).toBeGreaterThan(1); // sampled: the three samples differ
  });

  test('generate --seed S gives the same samples for the same seed, other samples for another seed', async () => {
    const argv = ['--prompt', PROMPT, '--max-new-tokens', '8', '--num-samples', '2'];
    const first = await generateJson([...argv, '--seed', '1']);
    const again = await generateJson([...argv, '--seed', '1']);
    const other = await generateJson([...argv, '--seed', '2']);
    expect(again.samples).toEqual(first.samples);
    expect(other.samples).not.toEqual(first.samples);
    expect(first.samples.map((s) => s.ids)).toEqual(
      generated(first.promptIds, 2, 8, { doSample: true, topK: 100, generator: new RandomGenerator(1) }),
    );
  });

  test.each([
    [['--top-k', '5'], { doSample: true, topK: 5 }],
    [['--top-p', '0.9'], { doSample: true, topP: 0.9 }],
    [['--top-k', '20', '--temperature', '0.5'], { doSample: true, topK: 20, temperature: 0.5 }],
    [['--temperature', '2'], { doSample: true, topK: 100, temperature: 2 }],
  ])('generate %j samples as model.generate with those options', async (argv, options) => {
    const record = await generateJson(['--prompt', PROMPT, '--max-new-tokens', '6', '--seed', '3', ...argv]);
    const rows = generated(record.promptIds, 1, 6, { ...options, generator: new RandomGenerator(3) });
    expect(record.samples.map((s) => s.ids)).toEqual(rows);
  });

  test('generate --mode topk prints what promptTopK returns: the most likely first tokens, then greedy', async () => {
    const options = ['--prompt', PROMPT, '--mode', 'topk', '--max-new-tokens', '5', '--num-samples', '3'];
    const { code, stdout } = await runCli(['generate', '--model', fixture.dir, ...options]);
    expect(code).toBe(0);
    const texts = promptTopK(model, PROMPT, 5, 3);
    expect(stdout).toBe(formatSamples(texts));
    const record = await generateJson(options);
    expect(record.samples.map((s) => s.text)).toEqual(texts);
    expect(new Set(record.samples.map((s) => s.ids[5])).size).toBe(3); // three different first tokens
  });

  test('generate without --prompt starts from <|endoftext|> (id 50256), as the toolkit', async () => {
    const record = await generateJson(['--greedy', '--max-new-tokens', '4']);
    expect(record.promptIds).toEqual([50256]);
    expect(record.samples[0]!.ids).toEqual(generated([50256], 1, 4)[0]);
    expect(record.samples[0]!.text.startsWith('<|endoftext|>')).toBe(true);
    const empty = await generateJson(['--prompt', '', '--greedy', '--max-new-tokens', '4']);
    expect(empty).toMatchObject({ promptIds: [50256], samples: record.samples });
  });

  test('generate crops a prompt longer than the block size as the toolkit: the model sees the last 16 tokens', async () => {
    const long =
      'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen';
    const ids = getEncoder().encode(long);
    expect(ids.length).toBeGreaterThan(16);
    const { code, stdout, stderr } = await runCli([
      'generate',
      '--model',
      fixture.dir,
      '--prompt',
      long,
      '--greedy',
      '--max-new-tokens',
      '3',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(stderr).toBe(
      `lxmls generate: note: the prompt has ${ids.length} tokens and the block size is 16: the model sees only the last 16 tokens of the context at each step\n`,
    );
    const record = JSON.parse(stdout) as GenerateJson;
    expect(record.promptIds).toEqual(ids);
    expect(record.samples[0]!.ids).toEqual(generated(ids, 1, 3)[0]);
    // the first new token is the argmax of the forward pass over the last 16 prompt tokens
    const { logits } = model.forward(tensor([ids.slice(-16)], undefined, 'int32')); // (1, 16, V)
    const last = argmax(slice(logits, [0, 15, 0], [1, 1, 50257]).reshape([50257]), -1).item();
    expect(record.samples[0]!.ids[ids.length]).toBe(last);
  });
});

describe('lxmls generate --model URL and hub id', () => {
  let server: Server;
  let base: string;
  const requests: string[] = [];

  beforeAll(async () => {
    const files: Record<string, Buffer> = {
      'config.json': await readFile(join(fixture.dir, 'config.json')),
      'model.safetensors': await readFile(join(fixture.dir, 'model.safetensors')),
    };
    server = createServer((request, response) => {
      const url = request.url ?? '';
      requests.push(url);
      const match = /^\/(?:models\/tiny|openai-community\/gpt2\/resolve\/main)\/([\w.]+)$/.exec(url);
      const body = match ? files[match[1]!] : undefined;
      if (body === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-length': String(body.length) }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** Runs with LXMLS_HUB_URL (this server) and LXMLS_CACHE_DIR set, as a user's shell would. */
  const withEnv = <T>(cacheDir: string, run: () => Promise<T>): Promise<T> => withHub(base, cacheDir, run);

  const greedy = ['--prompt', PROMPT, '--greedy', '--max-new-tokens', '5'];

  test('generate --model URL downloads the folder and generates as from the folder', async () => {
    const cache = join(fixture.root, 'cache-url');
    const fromFolder = await runCli(['generate', '--model', fixture.dir, ...greedy]);
    const fromUrl = await withEnv(cache, () =>
      runCli(['generate', '--model', `${base}/models/tiny`, ...greedy]),
    );
    expect(fromUrl).toEqual({ code: 0, stdout: fromFolder.stdout, stderr: '' });
  });

  test('generate --model gpt2 fetches from $LXMLS_HUB_URL once, into $LXMLS_CACHE_DIR', async () => {
    const cache = join(fixture.root, 'cache-hub');
    const expected = (await runCli(['generate', '--model', fixture.dir, ...greedy])).stdout;
    requests.length = 0;
    const first = await withEnv(cache, () => runCli(['generate', '--model', 'gpt2', ...greedy]));
    expect(first).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(requests).toEqual([
      '/openai-community/gpt2/resolve/main/config.json',
      '/openai-community/gpt2/resolve/main/model.safetensors',
    ]);
    const second = await withEnv(cache, () => runCli(['generate', '--model', 'gpt2', ...greedy]));
    expect(second.stdout).toBe(expected);
    expect(requests).toHaveLength(2); // the second run reads the cache
    const cached = join(cache, 'downloads', `127.0.0.1%3A${new URL(base).port}`, 'openai-community', 'gpt2');
    expect((await readdir(join(cached, 'resolve', 'main'))).sort()).toEqual([
      'config.json',
      'model.safetensors',
    ]);
  });

  test('generate shows download progress on stderr when stderr is a terminal, and not otherwise', async () => {
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    const chunks: Buffer[] = [];
    stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    const stdout = new PassThrough();
    stdout.resume();
    const code = await withEnv(join(fixture.root, 'cache-tty'), () =>
      main(['generate', '--model', `${base}/models/tiny`, ...greedy], { stdout, stderr, isTTY: false }),
    );
    expect(code).toBe(0);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toMatch(/\rdownloading model\.safetensors: [\d.]+ \/ [\d.]+ MB \(100%\)\n/);
    expect(text).toContain('downloading config.json:');
  });

  test('generate --model URL of a missing folder exits with 2: HTTP 404', async () => {
    const { code, stdout, stderr } = await withEnv(join(fixture.root, 'cache-404'), () =>
      runCli(['generate', '--model', `${base}/models/none`]),
    );
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(
      /^lxmls generate: \[@lxmls\/gpt\] resolveSource: config\.json was not found on the server\./,
    );
    expect(stderr).toContain('HTTP 404');
  });
});

describe('lxmls generate offline: a hub id names the shipped model and the folder route', () => {
  test.each([['gpt2'], ['openai-community/gpt2-medium']])(
    'generate --model %s with the hub unreachable exits with 2 and one line: the fetch error, then the offline route',
    async (id) => {
      // port 9 of 127.0.0.1 (discard) refuses the connection, as a machine without network does
      const { code, stdout, stderr } = await withHub(
        'http://127.0.0.1:9',
        join(fixture.root, 'cache-offline'),
        () => runCli(['generate', '--model', id, '--prompt', PROMPT]),
      );
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr.split('\n')).toHaveLength(2); // one line and its newline
      expect(stderr).toMatch(
        /^lxmls generate: \[@lxmls\/gpt\] resolveSource: could not fetch config\.json\./,
      );
      expect(stderr).toContain('--model lxmls/gpt2-shakespeare');
      expect(stderr).toContain('--model /path/to/a/gpt2/folder (config.json + model.safetensors)');
    },
  );

  test('generate --model lxmls/gpt2-shakespeare runs offline, as the same folder given by its path', async () => {
    const folder = join(import.meta.dirname, '../../../../packages/models/models/gpt2-shakespeare');
    const argv = ['--prompt', 'ROMEO:', '--max-new-tokens', '8', '--num-samples', '2'];
    const byName = await runCli(['generate', '--model', 'lxmls/gpt2-shakespeare', ...argv]);
    const byPath = await runCli(['generate', '--model', folder, ...argv]);
    expect(byName.code).toBe(0);
    expect(byName).toEqual(byPath);
    expect(byName.stdout.startsWith(`${'-'.repeat(80)}\nROMEO:`)).toBe(true);
  });
});

describe('lxmls generate reads a model with the tokenizer that travels with it, as lxmls viz', () => {
  test('generate --model lxmls/weather-nano reads and writes the weather words: after 6 activities, 6 weathers', async () => {
    const words = 'read walk walk walk tennis shop';
    const argv = ['--model', 'lxmls/weather-nano', '--prompt', words, '--max-new-tokens', '6', '--greedy'];
    const { code, stdout, stderr } = await runCli(['generate', ...argv, '--json']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const record = JSON.parse(stdout) as { promptIds: number[]; samples: { ids: number[]; text: string }[] };
    expect(record.promptIds).toEqual([1, 4, 4, 4, 3, 2]); // observations clean read shop tennis walk = 0..4
    const { ids, text } = record.samples[0]!;
    expect(ids.slice(6).every((id) => id >= 5)).toBe(true); // the states rainy snowy sunny = 5..7
    const names = ['clean', 'read', 'shop', 'tennis', 'walk', 'rainy', 'snowy', 'sunny'];
    expect(text).toBe(ids.map((id) => names[id]).join(' '));
    const plain = await runCli(['generate', ...argv]);
    expect(plain.stdout).toBe(formatSamples([text]));
  });
});

describe('lxmls generate: bad input exits with 2 and one line on stderr, never a stack', () => {
  let bad: Record<string, string>;

  beforeAll(async () => {
    const make = async (
      name: string,
      edit: (config: Record<string, unknown>, weights: Buffer) => Buffer | null,
    ) => {
      const target = join(fixture.root, name);
      await mkdir(target, { recursive: true });
      const config = JSON.parse(await readFile(join(fixture.dir, 'config.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      const weights = edit(config, await readFile(join(fixture.dir, 'model.safetensors')));
      await writeFile(join(target, 'config.json'), JSON.stringify(config));
      if (weights !== null) await writeFile(join(target, 'model.safetensors'), weights);
      return target;
    };
    bad = {
      noWeights: await make('no-weights', () => null),
      truncated: await make('truncated', (_, w) => w.subarray(0, Math.floor(w.length / 2))),
      corrupt: await make('corrupt', (_, w) => {
        const copy = Buffer.from(w);
        copy.write('{"oops', 8, 'latin1'); // breaks the JSON header
        return copy;
      }),
      mismatch: await make('mismatch', (config, w) => {
        config.n_embd = 32;
        return w;
      }),
      smallVocab: join(fixture.root, 'small-vocab'),
      weatherVocab: join(fixture.root, 'weather-vocab'),
    };
    // 9 tokens: not GPT-2's vocabulary, and not the weather task's 8 words either
    (await saveTinyGpt(bad.smallVocab!, { vocabSize: 9 })).dispose();
    (await saveTinyGpt(bad.weatherVocab!, { vocabSize: 8 })).dispose();
    await copyFile(join(fixture.dir, 'config.json'), join(fixture.root, 'a-file.json'));
  });

  test.each([
    [['--model', 'gpt3'], 'the source is not a folder, a URL or a known hub model'],
    [['--model', './no/such/model'], 'there is no checkpoint folder at this path'],
    [['--model', 'FILE'], 'the source is a file, not a checkpoint folder'],
    [['--model', 'noWeights'], 'the checkpoint folder has no model.safetensors'],
    [['--model', 'truncated'], 'model.safetensors is truncated or corrupt'],
    [['--model', 'corrupt'], 'model.safetensors is truncated or corrupt'],
    [
      ['--model', 'mismatch'],
      "[@lxmls/gpt] loadCheckpoint: the checkpoint's transformer.wte.weight does not fit the config. Expected shape (50257, 32) (from n_layer 2, n_embd 32, vocab_size 50257, n_positions 16), received shape (50257, 16).",
    ],
    [
      ['--model', 'smallVocab'],
      "the empty prompt starts with <|endoftext|>, id 50256, but the model's vocabulary has only 9 tokens",
    ],
    [['--model', 'smallVocab', '--prompt', 'hi'], 'the text has token id 5303'],
    [
      ['--model', 'weatherVocab'],
      "the model has the weather task's 8 tokens and no start token: give --prompt with space-separated words of clean read shop tennis walk rainy snowy sunny",
    ],
    [
      ['--model', 'weatherVocab', '--prompt', 'walk hi'],
      'the model has the weather task\'s 8 tokens, and "hi" is not one of them',
    ],
    [
      ['--model', 'DIR', '--top-k', '60000'],
      "--top-k 60000 is larger than the model's vocabulary (50257 tokens)",
    ],
    [['--model', 'DIR', '--greedy', '--top-k', '5'], 'options --greedy and --top-k cannot be used together'],
    [
      ['--model', 'DIR', '--top-k', '5', '--top-p', '0.5'],
      'options --top-k and --top-p cannot be used together',
    ],
    [
      ['--model', 'DIR', '--mode', 'topk', '--temperature', '0.5'],
      'option --temperature does not apply to --mode topk',
    ],
    [['--model', 'DIR', '--mode', 'topk', '--seed', '1'], 'option --seed does not apply to --mode topk'],
    [['--model', 'DIR', '--mode', 'beam'], '--mode must be sample or topk, received "beam"'],
    [['--prompt', 'hi'], 'missing --model SOURCE'],
    [['--model', 'DIR', 'hello'], 'unexpected argument "hello": give the text with --prompt TEXT'],
    [
      ['--model', 'DIR', '--max-new-tokens', '0'],
      '--max-new-tokens must be an integer in [1, 100000], received "0"',
    ],
    [['--model', 'DIR', '--num-samples', 'x'], '--num-samples must be an integer in [1, 1000], received "x"'],
    [['--model', 'DIR', '--top-k', '0'], '--top-k must be an integer ≥ 1, received "0"'],
    [['--model', 'DIR', '--top-p', '1.5'], '--top-p must be a number in (0, 1], received "1.5"'],
    [['--model', 'DIR', '--temperature', '0'], '--temperature must be a number > 0, received "0"'],
    [['--model', 'DIR', '--seed', '-1'], '--seed must be an integer in [0, 4294967295], received "-1"'],
    [['--model', 'DIR', '--backend', 'cuda'], 'unknown backend "cuda": available backends are'],
    [['--model', 'DIR', '--topk', '3'], 'unknown option --topk (did you mean --top-k?)'],
  ])('generate %j', async (argv, message) => {
    const resolved = argv.map((arg) =>
      arg === 'DIR' ? fixture.dir : arg === 'FILE' ? join(fixture.root, 'a-file.json') : (bad[arg] ?? arg),
    );
    const { code, stdout, stderr } = await runCli(['generate', ...resolved]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.startsWith('lxmls generate: ')).toBe(true);
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).toContain(message);
  });
});
