// Benchmark: how long the live views take for long inputs in headless Chromium (the system `chromium`, driven
// by playwright-core), on the built package. Prints the machine and the browser. Timings belong here, never in
// tests. Usage: `pnpm --filter @lxmls/viz bench [tokens=512] [layers=12] [heads=12] [runs=3]`.
//
// "first draw": from the call to the next frame, with everything on screen drawn (the head view's canvas tiles
// off screen are drawn afterwards in slices of ~16 ms: "complete" says when the last one was).
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const [T = 512, L = 12, H = 12, RUNS = 3] = process.argv.slice(2).map(Number);
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
const PAGE = `<!doctype html><meta charset="utf-8"><body style="margin:0"><div id="a"></div><div id="b"></div>
<script type="module">window.viz = await import('/dist/index.js'); window.ready = true;</script>`;

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (path === '/') {
    res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    return;
  }
  try {
    const body = await readFile(join(dist, path.replace(/^\/dist\//, '')));
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const executablePath = execFileSync('sh', ['-c', 'command -v chromium || command -v google-chrome'], {
  encoding: 'utf8',
}).trim();
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

type Timings = Record<string, number | string>;

try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => 'ready' in window);
  const runs: Timings[] = [];
  for (let run = 0; run < RUNS; run++) {
    const r = await page.evaluate(
      async ([T, L, H]) => {
        // biome-ignore lint/suspicious/noExplicitAny: the page's global, put there by the page script
        const viz = (window as any).viz;
        let s = 11;
        const rnd = () => {
          s = (s * 16807) % 2147483647;
          return s / 2147483647;
        };
        // Softmax rows of scores 6 × U(0, 1): flatter than trained heads, so more lines are visible (about
        // one in five above 1/255), the hard case. Each head one flat Float32Array.
        const attention = Array.from({ length: L }, () =>
          Array.from({ length: H }, () => {
            const w = new Float32Array(T * T);
            for (let i = 0; i < T; i++) {
              let total = 0;
              for (let j = 0; j < T; j++) {
                w[i * T + j] = Math.exp(6 * rnd());
                total += w[i * T + j]!;
              }
              for (let j = 0; j < T; j++) w[i * T + j]! /= total;
            }
            return w;
          }),
        );
        const tokens = Array.from({ length: T }, (_, i) => `tok${i}`);
        const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        // biome-ignore lint/suspicious/noExplicitAny: view handles, loosely typed inside the page
        const time = async (fn: () => any) => {
          const t = performance.now();
          const out = fn();
          await frame();
          return [performance.now() - t, out] as const;
        };
        const a = document.getElementById('a')!;
        const b = document.getElementById('b')!;
        const [head, view] = await time(() => viz.headView(a, { tokens, attention }));
        const t0 = performance.now();
        while (view.state.painting) await new Promise((r) => setTimeout(r, 5));
        const complete = head + performance.now() - t0;
        const [hover] = await time(() => view.focusToken('q', 20));
        const [unhover] = await time(() => view.focusToken(null));
        const [toggle] = await time(() => view.toggleHead(0));
        const [layer] = await time(() => view.setLayer(L - 1));
        const tp = performance.now();
        const png = await viz.toPng(view);
        const pngMs = performance.now() - tp;
        const renderer = view.state.renderer;
        view.destroy();
        const [model, grid] = await time(() => viz.modelView(b, { tokens, attention }));
        const [open] = await time(() => grid.open(L - 1, H - 1));
        grid.destroy();
        // Neuron view: 64-dimensional queries and keys of every token, one head shown.
        const D = 64;
        const vectors = () =>
          Array.from({ length: L }, () =>
            Array.from({ length: H }, () => Float32Array.from({ length: T * D }, () => rnd() * 2 - 1)),
          );
        const data = { tokens, queries: vectors(), keys: vectors() };
        const [neuron, nv] = await time(() => viz.neuronView(b, data, { causal: true }));
        const n0 = performance.now();
        while (nv.state.painting) await new Promise((r) => setTimeout(r, 5));
        const neuronComplete = neuron + performance.now() - n0;
        const [select] = await time(() => nv.selectQuery(T - 1));
        const [neuronHover] = await time(() => {
          // A real hover: the mouseover event of the query token on screen.
          const token = b.querySelector('.lx-neuron-token[data-i="5"]')!;
          token.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
        });
        const [neuronHead] = await time(() => nv.setHead(H - 1));
        const neuronRenderer = nv.state.renderer;
        nv.destroy();
        // The same on the SVG renderer, for comparison.
        const [neuronSvg, ns] = await time(() => viz.neuronView(b, data, { causal: true, renderer: 'svg' }));
        const [selectSvg] = await time(() => ns.selectQuery(T - 1));
        ns.destroy();
        const [html, text] = await time(() => viz.toHtml('head', { tokens, attention }));
        return {
          renderer,
          head,
          complete,
          hover,
          unhover,
          toggle,
          layer,
          png: pngMs,
          pngKB: png.size / 1024,
          model,
          open,
          neuron,
          neuronComplete,
          select,
          neuronHover,
          neuronHead,
          neuronRenderer,
          neuronSvg,
          selectSvg,
          html,
          htmlMB: (text as string).length / 1e6,
        };
      },
      [T, L, H] as const,
    );
    runs.push(r);
  }
  const median = (key: string) => {
    const values = runs.map((r) => Number(r[key])).sort((x, y) => x - y);
    return values[Math.floor(values.length / 2)]!;
  };
  const ms = (key: string) => `${median(key).toFixed(0)} ms`;
  const first = runs[0]!;
  console.log(`@lxmls/viz render benchmark: ${T} tokens × ${L} layers × ${H} heads, median of ${RUNS} runs`);
  console.log(
    `machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `load ${loadavg()[0]!.toFixed(1)}; Chromium ${browser.version()} (headless, --disable-gpu: software raster); Node ${process.version}`,
  );
  console.log(`head view (${first.renderer}): first draw ${ms('head')}, every tile ${ms('complete')}`);
  console.log(
    `  hover a token ${ms('hover')}, leave ${ms('unhover')}, toggle a head ${ms('toggle')}, switch layer ${ms('layer')}`,
  );
  console.log(`  toPng ${ms('png')} (${median('pngKB').toFixed(0)} kB)`);
  console.log(`model view (${L * H} thumbnails): first draw ${ms('model')}, open a head ${ms('open')}`);
  console.log(
    `neuron view (${T} tokens, dim 64, ${first.neuronRenderer}): first draw ${ms('neuron')}, every row ${ms('neuronComplete')}`,
  );
  console.log(
    `  select a query ${ms('select')}, hover a query token ${ms('neuronHover')}, switch head ${ms('neuronHead')}`,
  );
  console.log(
    `  SVG renderer (for comparison): first draw ${ms('neuronSvg')}, select a query ${ms('selectSvg')}`,
  );
  console.log(`toHtml('head') (uint8 weights): ${ms('html')}, ${median('htmlMB').toFixed(1)} MB`);
  console.log(
    `runs: ${runs.map((r) => `${Number(r.head).toFixed(0)}`).join(', ')} ms (head view first draw)`,
  );
} finally {
  await browser.close();
  server.close();
}
