// @lxmls/viz features in a real browser: the neuron view, sentence pairs and cross-attention in the head view,
// PNG export, themes and keyboard access. Headless Chromium loads the built package from a local server.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { chromiumForTests, workspaceImportMap } from './browser.js';
import { inkPixels, openExport, visibleLines, vizSuite, type Win } from './viz-page.js';

// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
const chromiumPath = chromiumForTests();

/** The page: the built package, a seeded attention maker and a seeded vector maker. */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>@lxmls/viz features</title>
<body style="margin:0;background:#fff">
<div id="a"></div>
${workspaceImportMap()}
<script type="module">
window.viz = await import('/packages/viz/dist/index.js');
let s = 5;
const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
window.attention = (layers, heads, q, k = q) => Array.from({ length: layers }, () => Array.from({ length: heads }, () =>
  Array.from({ length: q }, () => { const row = Array.from({ length: k }, () => Math.exp(3 * rnd()) );
    const t = row.reduce((a, b) => a + b, 0); return row.map((x) => x / t); })));
window.vectors = (layers, heads, n, dim) => Array.from({ length: layers }, () => Array.from({ length: heads }, () =>
  Array.from({ length: n }, () => Array.from({ length: dim }, () => (rnd() < 0.5 ? -1 : 1) * (0.1 + 0.9 * rnd())))));
// the painted pixels of the canvas renderer's lines
window.linesInk = () => {
  const canvas = document.querySelector('canvas.lx-lines');
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
};
window.ready = true;
</script>`;

describe.skipIf(chromiumPath === undefined)('@lxmls/viz features in headless Chromium', () => {
  const suite = vizSuite(chromiumPath, PAGE);
  const errors = suite.errors;
  let page: Page;

  beforeAll(async () => {
    page = await suite.open({ viewport: { width: 1100, height: 800 }, acceptDownloads: true });
  });

  const reset = () =>
    page.evaluate(() => {
      const w = window as never as Win;
      w.view?.destroy();
      document.getElementById('a')!.textContent = '';
    });
  /** Resets the page and shows `kind` of `tokens` over the page's seeded attention of `dims` (layers, heads, …). */
  const show = async (kind: 'headView' | 'modelView', tokens: string[], dims: number[]) => {
    await reset();
    await page.evaluate(
      ([kind, tokens, dims]) => {
        const w = window as never as Win;
        w.view = w.viz[kind](document.getElementById('a'), { tokens, attention: w.attention(...dims) });
      },
      [kind, tokens, dims] as const,
    );
  };

  test('neuronView(el, 2 layers × 2 heads × 4 tokens × dim 8) draws q, k, q × k, scores and softmax; hover, click and keys select', async () => {
    await reset();
    const cells = (cls: string) => page.locator(`.lx-neuron-view .lx-cell.${cls}`).count();
    await page.evaluate(() => {
      const w = window as never as Win;
      const tokens = ['The', 'Ġcat', 'Ġsat', 'Ġdown'];
      w.view = w.viz.neuronView(document.getElementById('a'), {
        tokens,
        queries: w.vectors(2, 2, 4, 8),
        keys: w.vectors(2, 2, 4, 8),
      });
    });
    expect(await cells('lx-q')).toBe(8);
    expect(await cells('lx-k')).toBe(4 * 8);
    expect(await cells('lx-qk')).toBe(4 * 8);
    expect(await page.locator('.lx-neuron-view .lx-weight').count()).toBe(4);
    const total = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.lx-weight')).reduce(
        (a, r) => a + Number(r.getAttribute('data-weight')),
        0,
      ),
    );
    expect(total).toBeCloseTo(1, 6);
    await page.hover('.lx-neuron-token[data-i="2"]');
    expect(await page.evaluate(() => (window as never as Win).view.state.query)).toBe(2);
    await page.click('.lx-neuron-token[data-i="1"]');
    expect(await page.evaluate(() => (window as never as Win).view.state.query)).toBe(1);
    await page.mouse.move(1090, 790);
    await page.focus('.lx-neuron-view .lx-stage');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => (window as never as Win).view.state.query)).toBe(3);
    await page.selectOption('.lx-neuron-view .lx-head', '1');
    await page.selectOption('.lx-neuron-view .lx-layer', '1');
    expect(await page.evaluate(() => (window as never as Win).view.state)).toEqual({
      layer: 1,
      head: 1,
      query: 3,
      renderer: 'svg',
      painting: false,
    });
    expect(await page.locator('.lx-neuron-token.lx-selected').getAttribute('data-i')).toBe('3');
  });

  test('neuronView with causal: true masks the keys after the query (weight 0)', async () => {
    const weights = await page.evaluate(() => {
      const w = window as never as Win;
      w.view.update(undefined, { causal: true, query: 1 });
      return Array.from(document.querySelectorAll('.lx-weight'), (r) =>
        Number(r.getAttribute('data-weight')),
      );
    });
    expect(weights[2]).toBe(0);
    expect(weights[3]).toBe(0);
    expect(weights[0]! + weights[1]!).toBeCloseTo(1, 6);
    expect(await page.locator('.lx-score', { hasText: 'masked' }).count()).toBe(2);
  });

  test.each([
    ['queries of the wrong length', { queries: 'short' }, 'SHAPE_MISMATCH', 'queries[0][0] has 3 vectors'],
    ['keys of another size', { keys: 'dim' }, 'SHAPE_MISMATCH', 'keys[0][0][0] has 5 numbers'],
    ['a NaN in the keys', { keys: 'nan' }, 'NON_FINITE', 'keys[0][0][1][2] is not a finite number'],
    ['no tokens', { tokens: [] }, 'EMPTY_INPUT', 'tokens is empty'],
  ])('neuronView(el, %s) throws a clear error naming the argument', async (_, bad, code, text) => {
    const e = await page.evaluate((bad) => {
      const w = window as never as Win;
      const data: Win = {
        tokens: ['a', 'b', 'c', 'd'],
        queries: w.vectors(1, 1, 4, 4),
        keys: w.vectors(1, 1, 4, 4),
      };
      if (bad.queries === 'short') data.queries[0][0].pop();
      if (bad.keys === 'dim') data.keys[0][0][0].push(1);
      if (bad.keys === 'nan') data.keys[0][0][1][2] = Number.NaN;
      if (bad.tokens) data.tokens = bad.tokens;
      try {
        w.viz.neuronView(document.getElementById('a'), data);
        return null;
      } catch (error) {
        return { code: (error as Win).code, message: (error as Error).message };
      }
    }, bad as Win);
    expect(e?.code).toBe(code);
    expect(e?.message).toContain(`[@lxmls/viz] neuronView: ${text}`);
  });

  test('headView with sentenceBStart: the selector keeps All / A → A / A → B / B → A / B → B lines', async () => {
    await reset();
    await page.evaluate(() => {
      const w = window as never as Win;
      const tokens = ['[CLS]', 'the', 'cat', '[SEP]', 'it', 'sat', '[SEP]'];
      w.view = w.viz.headView(
        document.getElementById('a'),
        { tokens, attention: w.attention(1, 2, 7) },
        { sentenceBStart: 4 },
      );
    });
    expect(await visibleLines(page)).toBe(2 * 7 * 7);
    const options = await page.locator('.lx-sentences option').allTextContents();
    expect(options).toEqual([
      'All',
      'Sentence A → Sentence A',
      'Sentence A → Sentence B',
      'Sentence B → Sentence A',
      'Sentence B → Sentence B',
    ]);
    for (const [value, lines] of [
      ['a-a', 2 * 4 * 4],
      ['a-b', 2 * 4 * 3],
      ['b-a', 2 * 3 * 4],
      ['b-b', 2 * 3 * 3],
      ['all', 2 * 7 * 7],
    ] as const) {
      await page.selectOption('.lx-sentences', value);
      expect(await visibleLines(page)).toBe(lines);
    }
    // The same on the canvas renderer: fewer inked pixels for one block than for all.
    const ink = await page.evaluate(() => {
      const w = window as never as Win;
      w.view.update(undefined, { renderer: 'canvas', sentences: 'all' });
      const count = () => w.linesInk() as number;
      const all = count();
      w.view.setSentences('a-b');
      return { all, ab: count(), state: w.view.state.sentences };
    });
    expect(ink.state).toBe('a-b');
    expect(ink.ab).toBeGreaterThan(0);
    expect(ink.ab).toBeLessThan(ink.all);
  });

  test('headView with keyTokens draws cross-attention: queries left, keys right, a rectangular matrix', async () => {
    await reset();
    await page.evaluate(() => {
      const w = window as never as Win;
      w.view = w.viz.headView(document.getElementById('a'), {
        tokens: ['Le', 'chat', 'dort'],
        keyTokens: ['The', 'cat', 'is', 'asleep'],
        attention: w.attention(2, 3, 3, 4),
      });
    });
    expect(await page.locator('.lx-token[data-side="q"]').count()).toBe(3);
    expect(await page.locator('.lx-token[data-side="k"]').count()).toBe(4);
    expect(await visibleLines(page)).toBe(3 * 3 * 4);
    await page.hover('.lx-token[data-side="k"][data-i="3"]');
    expect(await visibleLines(page)).toBe(3 * 3);
    const e = await page.evaluate(() => {
      const w = window as never as Win;
      try {
        w.viz.headView(document.getElementById('a'), {
          tokens: ['a', 'b'],
          keyTokens: ['x'],
          attention: w.attention(1, 1, 2, 2),
        });
      } catch (error) {
        return (error as Error).message;
      }
      return null;
    });
    expect(e).toBe(
      '[@lxmls/viz] headView: attention[0][0][0] has 2 weights. Expected 1 weight (one per key token), received 2.',
    );
  });

  test('keyboard: Tab reaches the controls, arrows move between heads and focus tokens, Escape clears', async () => {
    await show('headView', ['a', 'b', 'c'], [3, 3, 3]);
    await page.focus('.lx-layer');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => (window as never as Win).view.state.layer)).toBe(1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-head'))).toBe('0');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (window as never as Win).view.state.heads)).toEqual([0, 2]);
    await page.focus('.lx-stage');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => (window as never as Win).view.state.focus)).toEqual({ side: 'q', i: 1 });
    expect(await visibleLines(page)).toBe(2 * 3);
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => (window as never as Win).view.state.focus)).toEqual({ side: 'k', i: 1 });
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => (window as never as Win).view.state.focus)).toBeNull();
  });

  test('modelView: arrow keys move between thumbnails, Enter opens one', async () => {
    await show('modelView', ['a', 'b', 'c'], [3, 4, 3]);
    await page.focus('canvas.lx-thumb[data-layer="0"][data-head="0"]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await page.locator('.lx-detail .lx-layer').inputValue()).toBe('2');
    expect(await page.getAttribute('.lx-detail .lx-head-toggle[data-head="1"]', 'aria-pressed')).toBe('true');
  });

  test('toPng(view) gives a non-blank PNG of the head, model and neuron views; the PNG button downloads one', async () => {
    const shots = await page.evaluate(async () => {
      const w = window as never as Win;
      const out: { magic: number[]; size: number; base64: string }[] = [];
      const push = async (view: Win) => {
        const blob: Blob = await w.viz.toPng(view);
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let text = '';
        for (const b of bytes) text += String.fromCharCode(b);
        out.push({ magic: Array.from(bytes.subarray(0, 8)), size: blob.size, base64: btoa(text) });
      };
      await push(w.view); // the model view, with its open head view
      w.view.destroy();
      const a = document.getElementById('a')!;
      const head = w.viz.headView(
        a,
        { tokens: ['x', 'y', 'z'], attention: w.attention(1, 2, 3) },
        { theme: 'dark', renderer: 'canvas' },
      );
      await push(head);
      head.destroy();
      w.view = w.viz.neuronView(a, {
        tokens: ['x', 'y'],
        queries: w.vectors(1, 1, 2, 6),
        keys: w.vectors(1, 1, 2, 6),
      });
      await push(w.view.element);
      return out;
    });
    for (const shot of shots) {
      expect(shot.magic).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(await inkPixels(page, shot.base64)).toBeGreaterThan(300);
    }
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('.lx-neuron-view .lx-png'),
    ]);
    expect(download.suggestedFilename()).toBe('attention-neuron-view.png');
    expect(errors).toEqual([]);
  });

  test('neuronView with 512 tokens × dim 64 draws on a canvas; hover, keys and head switches repaint it', async () => {
    // Renders and responds; how fast is measured by packages/viz/bench/render.bench.ts, never asserted here.
    await reset();
    await page.evaluate(() => {
      const w = window as never as Win;
      const tokens = Array.from({ length: 512 }, (_, i) => `t${i}`);
      w.view = w.viz.neuronView(
        document.getElementById('a'),
        { tokens, queries: w.vectors(1, 2, 512, 64), keys: w.vectors(1, 2, 512, 64) },
        { causal: true, query: 3 },
      );
      // The canvas's pixels in the on-screen rows: all of them, or one column block (q × k: x from 60 %).
      w.ink = (from = 0, to = 1) => {
        const canvas = document.querySelector('canvas.lx-cells') as HTMLCanvasElement;
        const x0 = Math.floor(canvas.width * from);
        const d = canvas.getContext('2d')!.getImageData(x0, 0, Math.floor(canvas.width * to) - x0, 600).data;
        let n = 0;
        let sum = 0;
        for (let i = 3; i < d.length; i += 4) {
          if (d[i]! > 0) n++;
          sum = (sum * 31 + d[i]! + d[i - 1]! * 7 + d[i - 3]! * 13) % 1_000_000_007;
        }
        return { n, sum };
      };
    });
    const state = () => page.evaluate(() => (window as never as Win).view.state);
    expect(await state()).toMatchObject({ renderer: 'canvas', query: 3 });
    expect(await page.locator('.lx-neuron-view .lx-neuron-token').count()).toBe(512);
    expect(await page.locator('.lx-neuron-view rect.lx-cell').count()).toBe(0); // no SVG cells
    const ink = () => page.evaluate(() => (window as never as Win).ink());
    const first = await ink();
    expect(first.n).toBeGreaterThan(20_000); // keys, cells, bars and numbers of the rows on screen
    // Hover a query token: q, q × k, the scores and weights change (causal: more keys unmasked).
    await page.hover('.lx-neuron-token[data-i="20"]');
    expect((await state()).query).toBe(20);
    const hovered = await ink();
    expect(hovered.sum).not.toBe(first.sum);
    expect(hovered.n).toBeGreaterThan(first.n);
    expect(await page.getAttribute('.lx-neuron-token.lx-selected', 'data-i')).toBe('20');
    expect(await page.locator('.lx-neuron-token.lx-selected').count()).toBe(1);
    expect(await page.textContent('.lx-neuron-view .lx-sr')).toMatch(/^Query 20 \(t20\): strongest keys /);
    await page.focus('.lx-neuron-view .lx-stage');
    await page.keyboard.press('ArrowUp');
    expect((await state()).query).toBe(19);
    expect((await ink()).sum).not.toBe(hovered.sum);
    await page.selectOption('.lx-neuron-view .lx-head', '1');
    expect(await state()).toMatchObject({ head: 1, query: 19, renderer: 'canvas' });
    // Every row gets drawn in the background; the last rows too.
    await page.waitForFunction(() => !(window as never as Win).view.state.painting);
    const bottom = await page.evaluate(() => {
      const canvas = document.querySelector('canvas.lx-cells') as HTMLCanvasElement;
      const d = canvas.getContext('2d')!.getImageData(0, canvas.height - 400, canvas.width, 400).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    });
    expect(bottom).toBeGreaterThan(5_000);
    const light = await page.screenshot({ clip: { x: 0, y: 0, width: 1100, height: 600 } });
    expect(await inkPixels(page, light.toString('base64'))).toBeGreaterThan(20_000);
    await page.evaluate(() => (window as never as Win).view.update(undefined, { theme: 'dark' }));
    expect(await page.getAttribute('.lx-neuron-view', 'data-theme')).toBe('dark');
    const dark = await page.screenshot({ clip: { x: 0, y: 0, width: 1100, height: 600 } });
    expect(await inkPixels(page, dark.toString('base64'))).toBeGreaterThan(20_000);
    expect(errors).toEqual([]);
  }, 60_000);

  test('headView with encoder-decoder data: the Attention selector switches token columns and lines', async () => {
    // No selector for self-attention.
    await show('headView', ['a', 'b'], [1, 1, 2]);
    expect(await page.locator('.lx-attention').count()).toBe(0);
    await reset();
    await page.evaluate(() => {
      const w = window as never as Win;
      w.encdec = {
        encoderTokens: ['Le', 'chat', 'dort', 'bien', '.'],
        decoderTokens: ['The', 'cat', 'sleeps'],
        encoderAttention: w.attention(2, 3, 5),
        decoderAttention: w.attention(2, 3, 3),
        crossAttention: w.attention(2, 3, 3, 5),
      };
      w.view = w.viz.headView(document.getElementById('a'), w.encdec, { layer: 1 });
    });
    const labels = () =>
      page.evaluate(() => [
        document.querySelectorAll('.lx-token[data-side="q"]').length,
        document.querySelectorAll('.lx-token[data-side="k"]').length,
      ]);
    const text = (side: string) =>
      page.evaluate(
        (s) => Array.from(document.querySelectorAll(`.lx-token[data-side="${s}"]`), (t) => t.textContent),
        side,
      );
    expect(await page.locator('.lx-attention option').allTextContents()).toEqual([
      'Encoder',
      'Decoder',
      'Cross',
    ]);
    expect(await page.locator('.lx-attention').inputValue()).toBe('encoder');
    expect(await labels()).toEqual([5, 5]);
    expect(await visibleLines(page)).toBe(3 * 5 * 5);
    await page.selectOption('.lx-attention', 'decoder');
    expect(await labels()).toEqual([3, 3]);
    expect(await visibleLines(page)).toBe(3 * 3 * 3);
    expect(await text('q')).toEqual(['The', 'cat', 'sleeps']);
    await page.selectOption('.lx-attention', 'cross');
    expect(await labels()).toEqual([3, 5]);
    expect(await visibleLines(page)).toBe(3 * 3 * 5);
    expect([await text('q'), await text('k')]).toEqual([
      ['The', 'cat', 'sleeps'],
      ['Le', 'chat', 'dort', 'bien', '.'],
    ]);
    expect(await page.evaluate(() => (window as never as Win).view.state)).toMatchObject({
      attentionType: 'cross',
      layer: 1,
    });
    // Hover and keyboard work on the type shown; the handle switches too, and checks the type.
    await page.hover('.lx-token[data-side="k"][data-i="4"]');
    expect(await visibleLines(page)).toBe(3 * 3);
    await page.mouse.move(1090, 790);
    const result = await page.evaluate(() => {
      const w = window as never as Win;
      w.view.setAttentionType('encoder');
      const select = (document.querySelector('.lx-attention') as HTMLSelectElement).value;
      let message = '';
      try {
        w.view.setAttentionType('both');
      } catch (e) {
        message = (e as Error).message;
      }
      return { type: w.view.state.attentionType, select, message };
    });
    expect(result.type).toBe('encoder');
    expect(result.select).toBe('encoder');
    expect(result.message).toBe(
      "[@lxmls/viz] headView: options.attentionType is out of range. Expected one of the types given: 'encoder', 'decoder', 'cross', received string \"both\".",
    );
    expect(await labels()).toEqual([5, 5]);
    // On the canvas renderer: the cross-attention has fewer lines than the encoder's, so less ink.
    const ink = await page.evaluate(() => {
      const w = window as never as Win;
      w.view.update(undefined, { renderer: 'canvas' });
      const count = () => w.linesInk() as number;
      const encoder = count();
      w.view.setAttentionType('cross');
      return {
        encoder,
        cross: count(),
        labels: document.querySelectorAll('.lx-token[data-side="q"]').length,
      };
    });
    expect(ink.cross).toBeGreaterThan(0);
    expect(ink.cross).not.toBe(ink.encoder);
    expect(ink.labels).toBe(3);
    expect(errors).toEqual([]);
  });

  test('modelView with encoder-decoder data: the selector switches the grid and the head view it opens', async () => {
    await reset();
    await page.evaluate(() => {
      const w = window as never as Win;
      w.view = w.viz.modelView(document.getElementById('a'), {
        encoderTokens: ['Le', 'chat', 'dort', '.'],
        decoderTokens: ['The', 'cat'],
        encoderAttention: w.attention(3, 2, 4),
        crossAttention: w.attention(1, 4, 2, 4),
      });
    });
    expect(await page.locator('.lx-attention option').allTextContents()).toEqual(['Encoder', 'Cross']);
    expect(await page.locator('canvas.lx-thumb').count()).toBe(3 * 2);
    await page.click('canvas.lx-thumb[data-layer="2"][data-head="1"]');
    expect(await page.locator('.lx-detail .lx-token[data-side="q"]').count()).toBe(4);
    await page.selectOption('.lx-attention', 'cross');
    expect(await page.locator('canvas.lx-thumb').count()).toBe(1 * 4);
    // Layer 2 does not exist in the cross-attention: the head view closes.
    expect(await page.locator('.lx-detail .lx-head-view').count()).toBe(0);
    await page.click('canvas.lx-thumb[data-layer="0"][data-head="3"]');
    expect(await page.locator('.lx-detail .lx-token[data-side="q"]').count()).toBe(2);
    expect(await page.locator('.lx-detail .lx-token[data-side="k"]').count()).toBe(4);
    expect(await page.locator('.lx-detail .lx-attention').count()).toBe(0); // one selector, the grid's
    expect(await visibleLines(page)).toBe(2 * 4);
    expect(await page.evaluate(() => (window as never as Win).view.state)).toEqual({
      attentionType: 'cross',
      opened: { layer: 0, head: 3 },
    });
    expect(errors).toEqual([]);
  });

  test("toHtml('head') with encoder-decoder data opened from file:// switches types with no network request", async () => {
    const html = await page.evaluate(() => {
      const w = window as never as Win;
      return w.viz.toHtml(
        'head',
        {
          encoderTokens: ['Le', 'chat', 'dort', '.'],
          decoderTokens: ['The', 'cat', 'sleeps'],
          encoderAttention: w.attention(2, 2, 4),
          decoderAttention: w.attention(2, 2, 3),
          crossAttention: w.attention(2, 2, 3, 4),
        },
        { attentionType: 'decoder' },
      ) as string;
    });
    await openExport(suite.browser, html, 'encdec.html', '.lx-line', async (offline) => {
      expect(await offline.locator('.lx-attention').inputValue()).toBe('decoder');
      expect(await offline.locator('.lx-token[data-side="k"]').count()).toBe(3);
      expect(await visibleLines(offline)).toBe(2 * 3 * 3);
      await offline.selectOption('.lx-attention', 'cross');
      expect(await offline.locator('.lx-token[data-side="q"]').count()).toBe(3);
      expect(await offline.locator('.lx-token[data-side="k"]').count()).toBe(4);
      expect(await visibleLines(offline)).toBe(2 * 3 * 4);
      await offline.selectOption('.lx-attention', 'encoder');
      expect(await visibleLines(offline)).toBe(2 * 4 * 4);
      expect(
        await inkPixels(page, (await offline.locator('.lx-head-view').screenshot()).toString('base64')),
      ).toBeGreaterThan(300);
    });
  });

  test("theme: 'auto' follows prefers-color-scheme, and changes with it", async () => {
    await reset();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(() => {
      const w = window as never as Win;
      w.view = w.viz.headView(
        document.getElementById('a'),
        { tokens: ['a', 'b'], attention: w.attention(1, 1, 2) },
        { theme: 'auto' },
      );
    });
    expect(await page.getAttribute('.lx-head-view', 'data-theme')).toBe('dark');
    expect(
      await page.evaluate(() => getComputedStyle(document.querySelector('.lx-head-view')!).backgroundColor),
    ).toBe('rgb(30, 30, 30)');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(
      () => document.querySelector('.lx-head-view')?.getAttribute('data-theme') === 'light',
    );
    await page.emulateMedia({ colorScheme: null });
  });

  test("toHtml('neuron') opened from file:// works with no network request", async () => {
    const html = await page.evaluate(() => {
      const w = window as never as Win;
      return w.viz.toHtml(
        'neuron',
        { tokens: ['a', 'b', 'c'], queries: w.vectors(2, 2, 3, 4), keys: w.vectors(2, 2, 3, 4) },
        { theme: 'auto' },
      ) as string;
    });
    await openExport(suite.browser, html, 'neuron.html', '.lx-neuron-view .lx-weight', async (offline) => {
      expect(await offline.locator('.lx-weight').count()).toBe(3);
      await offline.selectOption('.lx-head', '1');
      expect(await offline.evaluate(() => (window as never as Win).lxmlsVizView.state().head)).toBe(1);
    });
  });
});
