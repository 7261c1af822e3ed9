// The docs site (apps/docs) in a real browser: Vite builds it into a temporary folder (once per vitest run,
// shared with the other docs browser tests: tools/docs-site.ts), a local server on 127.0.0.1 serves the build
// with the cross-origin isolation headers of apps/docs/vite.config.ts (as `vite dev`/`vite preview` do, and as
// the README asks of a static host), and headless Chromium opens every page: each must be cross-origin isolated, so the wasm backend trains with two threads. A page fails the
// test on any uncaught error, any console error, or any request to another host. Each demo must work: the
// tokenizer's ids equal @lxmls/bpe's in Node, the attention views render a GPT's weights (and a GPT-2 folder
// picked with a file input; the GPT-2 button's fake hub is on another origin, with CORS), BERT's head view
// renders and loads a picked BERT folder, gpt-nano trains on two threads and its loss falls, and the models
// of @lxmls/models load from the built site: seeded sampling is deterministic, the weather
// probabilities sum to 1 and equal Node's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BertTokenizer } from '@lxmls/bert';
import { encode } from '@lxmls/bpe';
import { GPT } from '@lxmls/gpt';
import { noGrad, tensor } from '@lxmls/tensor';
import { FIXED_PROBA, trueConditionals } from '@lxmls/weather-data';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { CROSS_ORIGIN_ISOLATION, REPO_ROOT, serveStatic } from './browser.js';
import {
  chromiumForTests,
  type DocsSite,
  expectUsablePage,
  openDocsPage,
  openDocsSite,
  resolveDocsConfig,
} from './docs-site.js';

const root = REPO_ROOT;
// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
const chromiumPath = chromiumForTests();

const tinyBert = join(root, 'packages/bert/src/__fixtures__/tiny-bert');
/** The page's default BERT: @lxmls/models' bert-mini, pretrained with masked-language modelling. */
const bertMini = join(root, 'packages/models/models/bert-mini');
const tinyGpt2 = join(root, 'packages/gpt/src/__fixtures__/tiny-gpt2');
const shakespeare = join(root, 'packages/models/models/shakespeare-char');
/** The sentence of the notebook's Exercise 2.4. */
const NOTEBOOK_SENTENCE = 'I will go for a run and will jump into a lake.';

/** A short string with a space, an accent, an emoji, a number and a contraction. */
const TYPED = "Héllo wörld, it's 2024! 🤗 Transformers tokenize\ttext.";

describe.skipIf(chromiumPath === undefined)('apps/docs in headless Chromium', () => {
  /** The run's build of the site, served as `vite preview` serves it (tools/docs-site.ts). */
  let site: DocsSite;
  let hub: Awaited<ReturnType<typeof serveStatic>>;
  /** The headers `vite preview` sends (apps/docs/vite.config.ts `preview.headers`). */
  let previewHeaders: Record<string, string>;
  /** What went wrong on any page: uncaught errors, console errors, requests to other hosts. */
  const problems: string[] = [];

  beforeAll(async () => {
    // the build, served as `vite preview` serves it (and as the README asks of a static host)
    site = await openDocsSite(chromiumPath!);
    previewHeaders = site.previewHeaders;
    // a fake hub for the GPT-2 button on another origin (another port), which allows CORS as huggingface.co
    // does: 200 responses that are not a checkpoint (no 404 in the console)
    hub = await serveStatic(
      site.outDir,
      {
        '/hub/openai-community/gpt2/resolve/main/config.json': '<not json>',
        '/hub/openai-community/gpt2/resolve/main/model.safetensors': '<not safetensors>',
      },
      { headers: { 'access-control-allow-origin': '*' } },
    );
  }, 600_000);

  beforeEach(() => {
    problems.length = 0;
  });

  afterAll(async () => {
    await site?.close();
    hub?.server.close();
  });

  /** Opens a page of the build, recording its problems. */
  const open = async (path: string): Promise<Page> => {
    const page = await openDocsPage(site, path, problems);
    await expectUsablePage(page);
    return page;
  };

  test('vite dev and vite preview send the cross-origin isolation headers', async () => {
    const dev = await resolveDocsConfig('development');
    for (const headers of [previewHeaders, dev.server.headers ?? {}]) {
      const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      expect(lower).toMatchObject(CROSS_ORIGIN_ISOLATION);
    }
  });

  test('index.html links every guide and the API reference, and reports WebAssembly SIMD', async () => {
    const page = await open('index.html');
    await expect.poll(() => page.textContent('#env')).toMatch(/WebAssembly SIMD: yes/);
    const links = await page.$$eval('main a', (as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(
      expect.arrayContaining([
        './tokenization.html',
        './attention.html',
        './bert.html',
        './training.html',
        './generate.html',
        './api/index.html',
      ]),
    );
    expect(await page.locator('h1').count()).toBe(1);
    // the API reference (or the page saying how to build it) is part of the build
    await page.click('main a[href="./api/index.html"]');
    await page.waitForLoadState('load');
    expect(await page.title()).toMatch(/API/);
    await page.close();
    expect(problems).toEqual([]);
  });

  test('tokenization.html shows the ids of a typed text, equal to @lxmls/bpe in Node, and decodes ids', async () => {
    const page = await open('tokenization.html');
    await page.waitForSelector('#bpe-view .lx-bpe-view svg');
    expect(JSON.parse((await page.getAttribute('#ids', 'data-ids'))!)).toEqual(
      encode('Your drawing is charmingly anachronistic.'),
    );
    await page.fill('#text', TYPED);
    const expected = encode(TYPED);
    await page.waitForFunction(
      (ids) => document.getElementById('ids')!.dataset.ids === ids,
      JSON.stringify(expected),
    );
    expect(await page.textContent('#ids')).toBe(`[${expected.join(', ')}]`);
    expect(await page.locator('#bpe-view .lx-bpe-token').count()).toBe(expected.length);
    // the notebook's typo example, through its button
    await page.click('button[data-example="I like to cirkumnavigate the globe every year"]');
    const typo = 'I Ġlike Ġto Ġcir k umn av igate Ġthe Ġglobe Ġevery Ġyear'; // the notebook's merged tokens
    expect(JSON.parse((await page.textContent('#merged'))!)).toEqual(typo.split(' '));
    expect(await page.textContent('#decoded')).toBe('Your drawing is charmingly anachronistic.');
    await page.fill('#decode-input', `${expected.join(' ')}`);
    await expect.poll(() => page.textContent('#decoded')).toBe(TYPED);
    await page.fill('#decode-input', '[15496, x]');
    await expect.poll(() => page.textContent('#decoded')).toMatch(/ids\[1\] is not a token id/);
    await page.close();
    expect(problems).toEqual([]);
  });

  test('attention.html computes the cross-attention tests and draws the head and model views of a GPT', async () => {
    const page = await open(`attention.html?hub=${encodeURIComponent(`${hub.url}/hub`)}`);
    await page.waitForSelector('#head-view .lx-head-view');
    expect(await page.textContent('#test-a-check')).toMatch(/^✓/);
    expect(await page.textContent('#test-b')).toContain('row 0: [67036.8, 71226.6, 75416.4]');

    const text = 'I will go for a run and will jump into a lake.';
    const n = encode(text).length;
    expect(await page.locator('#head-view .lx-token[data-side="q"]').count()).toBe(n);
    expect(await page.locator('#head-view .lx-head-toggle').count()).toBe(3);
    expect(await page.locator('#head-view .lx-line').count()).toBe((3 * n * (n + 1)) / 2); // causal: a triangle per head
    expect(await page.locator('#model-view canvas.lx-thumb').count()).toBe(9); // 3 layers × 3 heads
    expect(await page.textContent('#gpt-status')).toContain(
      `${n} tokens, 3 layers × 3 heads, on the wasm backend`,
    );

    // a new text redraws the views
    await page.fill('#gpt-text', 'Attention is all you need');
    const m = encode('Attention is all you need').length;
    await expect.poll(() => page.locator('#head-view .lx-token[data-side="q"]').count()).toBe(m);

    // GPT-2 from a "hub" that serves no checkpoint: a clear error, the rest of the page still works
    await page.click('#load-gpt2');
    await expect
      .poll(() => page.textContent('#gpt2-status'), { timeout: 20_000 })
      .toMatch(/^Could not load GPT-2\. [^[]/); // the library's message for people, without its [@lxmls/gpt] prefix
    expect(await page.textContent('#gpt2-status')).not.toContain('[@lxmls/');
    expect(await page.isEnabled('#load-gpt2')).toBe(true);
    expect(await page.locator('#head-view .lx-token[data-side="q"]').count()).toBe(m);

    // a GPT-2 folder picked on disk (the tiny GPT-2 of @lxmls/gpt's tests): read in the page, no request
    await page.setInputFiles('#gpt2-files', [
      join(tinyGpt2, 'config.json'),
      join(tinyGpt2, 'model.safetensors'),
    ]);
    await page.waitForSelector('#gpt2-folder-status[data-state="loaded"]', { timeout: 20_000 });
    await expect
      .poll(() => page.textContent('#gpt-status'))
      .toMatch(/^your files \(3 layers × 3 heads, \d+ channels\): /);
    expect(await page.locator('#head-view .lx-token[data-side="q"]').count()).toBe(m);
    await page.close();
    expect(problems).toEqual([]);
  });

  test('bert.html draws the head view of lxmls/bert-mini for the notebook sentence, names its measured heads, switches layers and loads a picked folder', async () => {
    const page = await open('bert.html');
    const tokenizer = BertTokenizer.fromVocab(readFileSync(join(tinyBert, 'vocab.txt'), 'utf8'));
    const n = tokenizer.tokenize(NOTEBOOK_SENTENCE).length;
    expect(n).toBe(13); // the notebook's 13 WordPieces (bert-base-uncased's vocabulary)
    await page.waitForSelector('#bert-head-view .lx-head-view', { timeout: 20_000 });
    expect(await page.inputValue('#bert-text')).toBe(NOTEBOOK_SENTENCE);
    expect(await page.isChecked('#bert-specials')).toBe(false);
    expect(await page.getAttribute('#bert-tokens', 'data-count')).toBe(String(n));
    expect(JSON.parse((await page.textContent('#bert-tokens'))!)).toEqual(
      tokenizer.tokenize(NOTEBOOK_SENTENCE),
    );
    expect(await page.locator('#bert-head-view .lx-token[data-side="q"]').count()).toBe(n);
    expect(await page.locator('#bert-head-view .lx-head-toggle').count()).toBe(4);
    expect(await page.locator('#bert-head-view .lx-line').count()).toBe(4 * n * n); // no causal mask
    expect(await page.locator('#bert-model-view canvas.lx-thumb').count()).toBe(16);
    expect(await page.textContent('#bert-status')).toBe(
      `lxmls/bert-mini (pretrained here, masked-language modelling): ${n} tokens, 4 layers × 4 heads, on the wasm backend.`,
    );
    expect(await page.isVisible('#model-note')).toBe(true);
    expect(await page.textContent('#model-note')).toMatch(/pretrained by\s+lxmls-ts itself/);

    // the heads worth looking at: training.json's measured patterns, each a button showing that head alone
    const training = JSON.parse(readFileSync(join(bertMini, 'training.json'), 'utf8')) as {
      patterns: { strongest: { pattern: string; layer: number; head: number; score: number }[] };
    };
    const strongest = training.patterns.strongest;
    expect(strongest.length).toBeGreaterThan(0);
    expect(await page.getAttribute('#bert-heads', 'data-count')).toBe(String(strongest.length));
    const first = strongest[0]!;
    const item = await page.textContent('#bert-heads li');
    expect(item).toContain(`layer ${first.layer}, head ${first.head}: `);
    expect(item).toContain(`(${Math.round(first.score * 100)}% of each token's attention on average)`);
    const shownHeads = () =>
      page.$$eval('#bert-head-view g.lx-head:not([display="none"])', (gs) =>
        gs.map((g) => g.getAttribute('data-head')),
      );
    expect(await shownHeads()).toEqual(['0', '1', '2', '3']);
    await page.click('#bert-heads li button');
    await expect.poll(shownHeads).toEqual([String(first.head)]); // that head alone
    expect(await page.inputValue('#bert-head-view select.lx-layer')).toBe(String(first.layer));
    expect(await page.isChecked('#bert-specials')).toBe(true); // as it was measured: [CLS] sentence [SEP]
    expect(await page.getAttribute('#bert-tokens', 'data-count')).toBe(String(n + 2));
    await page.selectOption('#bert-head-view select.lx-layer', '0');
    await page.uncheck('#bert-specials'); // redraws every head, the notebook's 13 WordPieces again
    await expect.poll(shownHeads).toEqual(['0', '1', '2', '3']);
    expect(await page.getAttribute('#bert-tokens', 'data-count')).toBe(String(n));

    // the layer selector of the view redraws the lines with another layer's weights
    const opacities = () =>
      page.$$eval('#bert-head-view .lx-line', (lines) => lines.map((l) => l.getAttribute('stroke-opacity')));
    const layer0 = await opacities();
    await page.selectOption('#bert-head-view select.lx-layer', '2');
    await expect.poll(opacities).not.toEqual(layer0);
    const layer2 = await opacities();
    expect(layer2).toHaveLength(4 * n * n);

    // [CLS] and [SEP]
    await page.check('#bert-specials');
    await expect.poll(() => page.locator('#bert-head-view .lx-token[data-side="q"]').count()).toBe(n + 2);
    expect(JSON.parse((await page.textContent('#bert-tokens'))!)).toEqual([
      '[CLS]',
      ...tokenizer.tokenize(NOTEBOOK_SENTENCE),
      '[SEP]',
    ]);
    await page.uncheck('#bert-specials');

    // the same model picked as files: the same weights, so the same lines (the layer stays 2)
    const files = ['config.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors'];
    await page.setInputFiles(
      '#bert-files',
      files.map((f) => join(bertMini, f)),
    );
    await page.waitForSelector('#bert-load-status[data-state="loaded"]', { timeout: 20_000 });
    expect(await page.textContent('#bert-load-status')).toMatch(
      /^Loaded your files \(config\.json, tokenizer_config\.json, vocab\.txt, model\.safetensors\): 4 layers × 4 heads, hidden size 128, 30522 WordPieces\./,
    );
    expect(await page.textContent('#bert-status')).toMatch(new RegExp(`^your files: ${n} tokens`));
    expect(await page.isVisible('#model-note')).toBe(false);
    expect(await page.inputValue('#bert-head-view select.lx-layer')).toBe('2');
    expect(await opacities()).toEqual(layer2);

    // a whole folder through the webkitdirectory input (its other files are ignored)
    await page.setInputFiles('#bert-folder', tinyBert);
    await expect
      .poll(() => page.textContent('#bert-load-status'), { timeout: 20_000 })
      .toMatch(/^Loaded tiny-bert \(/);
    expect(await page.textContent('#bert-status')).toMatch(new RegExp(`^tiny-bert: ${n} tokens`));

    // a folder without weights: a clear error, the view stays
    await page.setInputFiles('#bert-files', [join(tinyBert, 'config.json'), join(tinyBert, 'vocab.txt')]);
    await page.waitForSelector('#bert-load-status[data-state="error"]');
    expect(await page.textContent('#bert-load-status')).toMatch(
      /^Could not load your files\. The folder has no model\.safetensors\./,
    );
    expect(await page.locator('#bert-head-view .lx-token[data-side="q"]').count()).toBe(n);

    // back to the default model, served by the site
    await page.click('#bert-default');
    await expect.poll(() => page.textContent('#bert-status')).toMatch(/^lxmls\/bert-mini/);
    expect(await page.isVisible('#model-note')).toBe(true);
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);

  test('generate.html loads the bundled models from the built site: seeded sampling repeats, the weather probabilities sum to 1', async () => {
    const page = await open('generate.html');
    await page.waitForSelector('#sample:not([disabled])', { timeout: 20_000 });
    expect(await page.textContent('#sample-status')).toMatch(
      /^lxmls\/shakespeare-char is loaded \(0\.35M parameters, on the wasm backend\)/,
    );
    const sample = async (seed: number): Promise<string> => {
      await page.fill('#sample-seed', String(seed));
      await page.click('#sample');
      await page.waitForSelector('#sample-status[data-state="done"]', { timeout: 30_000 });
      const added = (await page.getAttribute('#sample-text', 'data-added'))!;
      expect(await page.textContent('#sample-text')).toBe(`ROMEO:${added}`);
      return added;
    };
    await page.fill('#max-new', '120');
    const first = await sample(7);
    expect(first).toHaveLength(120); // one character per token
    const vocab = JSON.parse(readFileSync(join(shakespeare, 'tokenizer.json'), 'utf8')).model.vocab;
    expect([...first].every((c) => Object.hasOwn(vocab, c))).toBe(true);
    expect(first.trim()).not.toBe('');
    expect(await sample(7)).toBe(first); // the same seed, the same text
    expect(await sample(8)).not.toBe(first);
    expect(await page.textContent('#sample-status')).toMatch(
      /^Added 120 characters in [\d.]+ s \(seed 8, temperature 0\.8, top-k 20\)\.$/,
    );

    // a character the model has never seen
    await page.fill('#prompt', 'Café');
    await page.click('#sample');
    await page.waitForSelector('#sample-status[data-state="error"]');
    expect(await page.textContent('#sample-status')).toMatch(/"é" is not in the model's vocabulary/);

    // the weather: the model's softmax sums to 1 and equals the same model's in Node; so does the HMM's row
    await page.waitForSelector('#weather-probs', { timeout: 20_000 });
    const column = (i: number) =>
      page.$$eval(
        '#weather-probs tbody tr',
        (rows, i) => rows.map((r) => Number((r as HTMLTableRowElement).cells[i]!.dataset.p ?? Number.NaN)),
        i,
      );
    const modelColumn = await column(1);
    const hmmColumn = await column(2);
    expect(modelColumn.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(hmmColumn.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    // in Node: the model's softmax after "clean walk shop walk walk shop rainy rainy", and row 2 of the HMM's
    const ids = [0, 4, 2, 4, 4, 2, 5, 5];
    const weatherNano = (await GPT.fromPretrained(join(root, 'packages/models/models/weather-nano'))).eval();
    const logits = noGrad(() => weatherNano.forward(tensor([ids], undefined, 'int32'), null).logits); // (1, 8, 8)
    const last = (logits.toArray() as number[][][])[0]![ids.length - 1]!;
    logits.dispose();
    weatherNano.dispose();
    const exps = last.map((v) => Math.exp(v - Math.max(...last)));
    const probs = exps.map((e) => e / exps.reduce((a, b) => a + b, 0));
    const expected = [...probs.slice(5), probs.slice(0, 5).reduce((a, b) => a + b, 0)]; // rainy, snowy, sunny, activities
    for (const [i, p] of expected.entries()) expect(modelColumn[i]).toBeCloseTo(p, 4);
    expect(hmmColumn.slice(0, 3)).toEqual(trueConditionals(FIXED_PROBA, ids.slice(0, 6), [5, 5, 6, 7, 5])[2]);
    expect(await page.textContent('#weather-sum')).toMatch(/it sums to 1\.0000/);
    expect(await page.textContent('#weather-week')).toMatch(
      /the HMM, greedy \(greedyDecode\): +rainy rainy snowy sunny rainy snowy/,
    );
    // a weather the activities rule out (nobody cleans on a sunny day): no HMM row, the model still answers
    await page.fill('#weathers', 'sunny');
    await expect.poll(() => page.textContent('#weather-sum')).toMatch(/probability 0/);
    expect(await page.textContent('#weather-probs tbody tr[data-weather="rainy"] td:nth-of-type(2)')).toBe(
      '—',
    );
    expect((await column(1)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    await page.fill('#activities', 'walk swim');
    await expect.poll(() => page.textContent('#weather-status')).toMatch(/"swim" is not known/);
    await page.close();
    expect(problems).toEqual([]);
  }, 120_000);

  test('training.html trains gpt-nano on the wasm backend with two threads: the chart gets a point per iteration and the loss falls', async () => {
    const page = await open('training.html');
    expect(await page.textContent('#bayes')).toBe('0.2502');
    expect(await page.locator('#chart .lx-bayes').count()).toBe(1);

    // a long run stops on request while it trains: the page answers clicks
    await page.click('#start');
    await page.waitForFunction(
      () =>
        (document.querySelector('#chart .lx-loss-line')?.getAttribute('points') ?? '').split(' ').length >= 3,
      undefined,
      { timeout: 20_000 },
    );
    await page.click('#stop');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 20_000 });
    expect(await page.textContent('#status')).toMatch(/^Stopped after \d+ iterations/);

    // a run of 30 iterations to the end
    await page.fill('#iters', '30');
    await page.click('#start');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 40_000 });
    // two threads on the cross-origin-isolated page (availableThreads() is min(2, hardwareConcurrency))
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const threads = cores >= 2 ? '2 threads' : '1 thread';
    expect(await page.textContent('#status')).toMatch(
      new RegExp(
        `^Done after 30 iterations \\([\\d.]+ s, [\\d.]+ ms per iteration, wasm backend, ${threads}\\): `,
      ),
    );
    expect(await page.textContent('#backend')).toBe(`wasm backend, ${threads}`);
    expect(await page.getAttribute('#backend', 'data-threads')).toBe(cores >= 2 ? '2' : '1');
    const points = (await page.getAttribute('#chart .lx-loss-line', 'points'))!.split(' ');
    expect(points).toHaveLength(30);
    const losses = [...(await page.textContent('#log'))!.matchAll(/iter (\d+): train loss ([\d.]+)/g)].map(
      (r) => [Number(r[1]), Number(r[2])],
    );
    expect(losses.map(([iter]) => iter)).toEqual([0, 29]);
    expect(losses[0]![1]).toBeGreaterThan(1.5); // about ln 8 at the start
    expect(losses[1]![1]).toBeLessThan(losses[0]![1]! - 0.2);
    expect(await page.textContent('#eval')).toMatch(/label accuracy\s+\d+\.\d\d%\s+85\.36%/);
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
