// @lxmls/viz in a real browser: headless Chromium loads the built package as plain ES modules from a local
// server and drives the live views (clicks, keyboard, hovers); the toHtml export is opened from file:// and
// must make no network request; screenshots must not be blank; 512 tokens × 12 layers × 12 heads must render.
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { chromiumForTests, workspaceImportMap } from './browser.js';
import { inkPixels, openExport, visibleLines, vizSuite, type Win } from './viz-page.js';

// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
const chromiumPath = chromiumForTests();

/** The page: imports the built package and a seeded fixture maker into `window`. */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>@lxmls/viz</title>
<body style="margin:0;background:#fff">
<div id="a"></div><div id="b"></div>
${workspaceImportMap()}
<script type="module">
window.viz = await import('/packages/viz/dist/index.js');
window.fixture = (layers, heads, n, seed = 7, flat = false) => {
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: layers }, () => Array.from({ length: heads }, () => {
    const w = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      let total = 0;
      for (let j = 0; j < n; j++) total += (w[i * n + j] = Math.exp(6 * rnd()));
      for (let j = 0; j < n; j++) w[i * n + j] /= total;
    }
    return flat ? w : Array.from({ length: n }, (_, i) => Array.from(w.subarray(i * n, (i + 1) * n)));
  }));
};
window.TOKENS = ['The', 'Ġcat', 'Ġsat', 'Ġon', 'Ġmat'];
window.ready = true;
</script>`;

describe.skipIf(chromiumPath === undefined)('@lxmls/viz in headless Chromium', () => {
  const suite = vizSuite(chromiumPath, PAGE);
  const errors = suite.errors;
  let page: Page;

  const open = async () => {
    page = await suite.open({ viewport: { width: 1000, height: 800 } });
  };

  test('headView(el, 2 layers × 3 heads × 5 tokens, { layer: 1 }) draws 75 lines; clicks and keys toggle heads', async () => {
    await open();
    await page.evaluate(() => {
      const w = window as never as Win;
      w.view = w.viz.headView(
        document.getElementById('a'),
        { tokens: w.TOKENS, attention: w.fixture(2, 3, 5) },
        { layer: 1 },
      );
    });
    expect(await visibleLines(page)).toBe(3 * 5 * 5);
    expect(await page.locator('.lx-layer').inputValue()).toBe('1');

    await page.click('.lx-head-toggle[data-head="1"]');
    expect(await visibleLines(page)).toBe(2 * 5 * 5);
    expect(await page.getAttribute('.lx-head-toggle[data-head="1"]', 'aria-pressed')).toBe('false');
    await page.focus('.lx-head-toggle[data-head="1"]');
    await page.keyboard.press('Enter');
    expect(await visibleLines(page)).toBe(3 * 5 * 5);
    await page.keyboard.press('Space');
    expect(await visibleLines(page)).toBe(2 * 5 * 5);
    await page.keyboard.press('Space');

    await page.selectOption('.lx-layer', '0');
    expect(await page.evaluate(() => (window as never as Win).view.state.layer)).toBe(0);
    expect(await visibleLines(page)).toBe(3 * 5 * 5);
    expect(errors).toEqual([]);
  });

  test('hovering a token shows only its lines, leaving shows all again', async () => {
    const opacity = () =>
      page.evaluate(
        () => getComputedStyle(document.querySelector('.lx-token[data-side="q"][data-i="0"]')!).opacity,
      );
    expect(await opacity()).toBe('1');
    await page.hover('.lx-token[data-side="q"][data-i="2"]');
    expect(await visibleLines(page)).toBe(3 * 5); // one query row per head
    expect(await opacity()).toBe('0.45');
    await page.hover('.lx-token[data-side="k"][data-i="4"]');
    expect(await visibleLines(page)).toBe(3 * 5); // one key column per head
    await page.mouse.move(990, 790);
    expect(await visibleLines(page)).toBe(3 * 5 * 5);
    expect(await opacity()).toBe('1');
  });

  test('a screenshot of the head view is not blank, in light and dark themes', async () => {
    const light = await page.locator('.lx-head-view').screenshot();
    expect(await inkPixels(page, light)).toBeGreaterThan(500);
    await page.evaluate(() => (window as never as Win).view.update(undefined, { theme: 'dark' }));
    const dark = await page.locator('.lx-head-view').screenshot();
    expect(await inkPixels(page, dark)).toBeGreaterThan(500);
  });

  test('modelView(el, data) shows 6 thumbnails; clicking one opens that layer and head in the head view', async () => {
    await page.evaluate(() => {
      const w = window as never as Win;
      w.view.destroy();
      w.model = w.viz.modelView(document.getElementById('b'), {
        tokens: w.TOKENS,
        attention: w.fixture(2, 3, 5),
      });
    });
    expect(await page.locator('canvas.lx-thumb').count()).toBe(6);
    expect(await page.locator('.lx-detail .lx-head-view').count()).toBe(0);
    await page.click('canvas.lx-thumb[data-layer="1"][data-head="2"]');
    expect(await page.locator('.lx-detail .lx-layer').inputValue()).toBe('1');
    expect(await visibleLines(page, '.lx-detail')).toBe(5 * 5);
    expect(await page.getAttribute('.lx-detail .lx-head-toggle[data-head="2"]', 'aria-pressed')).toBe('true');
    await page.focus('canvas.lx-thumb[data-layer="0"][data-head="0"]');
    await page.keyboard.press('Enter');
    expect(await page.locator('.lx-detail .lx-layer').inputValue()).toBe('0');
    const shot = await page.locator('.lx-model-view').screenshot();
    expect(await inkPixels(page, shot)).toBeGreaterThan(500);
  });

  test('lossChart(el).push(point) redraws with the new points and the Bayes-optimal line', async () => {
    const result = await page.evaluate(async () => {
      const w = window as never as Win;
      w.model.destroy();
      const chart = w.viz.lossChart(document.getElementById('a'), { points: [], bayesLoss: 0.2502 });
      for (let step = 0; step < 50; step++) chart.push({ step, loss: 0.25 + 1 / (step + 1) });
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const line = document.querySelector('.lx-loss-line')!.getAttribute('points')!;
      return {
        size: chart.size,
        points: line.split(' ').length,
        bayes: document.querySelectorAll('.lx-bayes').length,
      };
    });
    expect(result).toEqual({ size: 50, points: 50, bayes: 1 });
  });

  test('toHtml(head) opened from file:// works with no network request', async () => {
    const html = await page.evaluate(() => {
      const w = window as never as Win;
      return w.viz.toHtml(
        'head',
        { tokens: w.TOKENS, attention: w.fixture(2, 3, 5) },
        { layer: 1 },
      ) as string;
    });
    await openExport(suite.browser, html, 'head.html', '.lx-line', async (offline) => {
      expect(await visibleLines(offline)).toBe(75);
      await offline.click('.lx-head-toggle[data-head="0"]');
      expect(await visibleLines(offline)).toBe(50);
      expect(await inkPixels(page, await offline.locator('.lx-head-view').screenshot())).toBeGreaterThan(500);
    });
  });

  test('headView with 512 tokens × 12 layers × 12 heads draws on a canvas and reacts to hover, heads and layers', async () => {
    // Renders and responds; how fast is measured by packages/viz/bench/render.bench.ts, never asserted here.
    const result = await page.evaluate(async () => {
      const w = window as never as Win;
      const tokens = Array.from({ length: 512 }, (_, i) => `t${i}`);
      const attention = w.fixture(12, 12, 512, 11, true);
      const el = document.getElementById('b')!;
      const view = w.viz.headView(el, { tokens, attention });
      const canvas = el.querySelector('canvas.lx-lines') as HTMLCanvasElement;
      // Ink in the top 400 pixel rows, which are on screen and so drawn at once.
      const ink = () => {
        const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, 400).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
        return n;
      };
      const all = ink();
      view.focusToken('q', 10);
      const focused = ink();
      view.focusToken(null);
      const again = ink();
      view.toggleHead(0);
      const fewer = ink();
      view.setLayer(5);
      const state = view.state;
      view.destroy(); // also stops the tiles still being drawn
      const model = w.viz.modelView(document.getElementById('a'), { tokens, attention });
      const thumbs = document.querySelectorAll('canvas.lx-thumb').length;
      const thumb = document.querySelector('canvas.lx-thumb') as HTMLCanvasElement;
      model.destroy();
      return {
        renderer: state.renderer,
        layer: state.layer,
        heads: state.heads.length,
        all,
        focused,
        again,
        fewer,
        thumbs,
        side: thumb.width,
      };
    });
    expect(result.renderer).toBe('canvas');
    expect(result.thumbs).toBe(144);
    expect(result.side).toBe(72); // max-pooled to the thumbnail's pixels
    expect(result.layer).toBe(5);
    expect(result.heads).toBe(11);
    expect(result.all).toBeGreaterThan(260 * 300); // dense: most pixels of the top rows are covered
    expect(result.focused).toBeGreaterThan(0);
    expect(result.focused).toBeLessThan(result.all);
    expect(result.again).toBe(result.all);
    expect(result.fewer).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 120_000);
});
