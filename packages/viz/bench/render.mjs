// Benchmark: how long the live views take for long inputs in headless Chromium (the system `chromium`, driven
// by playwright-core), on the built package (run `npx tsc --build packages/viz` first). Prints the machine.
// Usage: node packages/viz/bench/render.mjs [tokens=512] [layers=12] [heads=12]
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const [T = 512, L = 12, H = 12] = process.argv.slice(2).map(Number);
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const PAGE = `<!doctype html><meta charset="utf-8"><body style="margin:0"><div id="a"></div><div id="b"></div>
<script type="module">window.viz = await import('/dist/index.js'); window.ready = true;</script>`;

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  try {
    const body = await readFile(join(dist, path.replace(/^\/dist\//, '')));
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
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
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => 'ready' in window);
  const r = await page.evaluate(
    async ([T, L, H]) => {
      let s = 11;
      const rnd = () => {
        s = (s * 16807) % 2147483647;
        return s / 2147483647;
      };
      // Peaky softmax rows (scores ×6), as trained heads are; each head one flat Float32Array.
      const attention = Array.from({ length: L }, () =>
        Array.from({ length: H }, () => {
          const w = new Float32Array(T * T);
          for (let i = 0; i < T; i++) {
            let total = 0;
            for (let j = 0; j < T; j++) {
              w[i * T + j] = Math.exp(6 * rnd());
              total += w[i * T + j];
            }
            for (let j = 0; j < T; j++) w[i * T + j] /= total;
          }
          return w;
        }),
      );
      const tokens = Array.from({ length: T }, (_, i) => `tok${i}`);
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const time = async (fn) => {
        const t = performance.now();
        const out = fn();
        await frame();
        return [performance.now() - t, out];
      };
      const [head, view] = await time(() =>
        viz.headView(document.getElementById('a'), { tokens, attention }),
      );
      const [hover] = await time(() => view.focusToken('q', T >> 1));
      const [unhover] = await time(() => view.focusToken(null));
      const [layer] = await time(() => view.setLayer(L - 1));
      const [toggle] = await time(() => view.toggleHead(0));
      const [model] = await time(() => viz.modelView(document.getElementById('b'), { tokens, attention }));
      const [html, text] = await time(() => viz.toHtml('head', { tokens, attention }));
      return {
        renderer: view.state.renderer,
        head,
        hover,
        unhover,
        layer,
        toggle,
        model,
        html,
        htmlMB: text.length / 1e6,
      };
    },
    [T, L, H],
  );
  console.log(`@lxmls/viz render benchmark: ${T} tokens × ${L} layers × ${H} heads`);
  console.log(
    `machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${browser.version()} (headless, --disable-gpu); Node ${process.version}`,
  );
  console.log(`head view (${r.renderer}): first render ${r.head.toFixed(0)} ms`);
  console.log(
    `  hover a token ${r.hover.toFixed(0)} ms, leave ${r.unhover.toFixed(0)} ms, switch layer ${r.layer.toFixed(0)} ms, toggle a head ${r.toggle.toFixed(0)} ms`,
  );
  console.log(`model view (${L * H} canvases): ${r.model.toFixed(0)} ms`);
  console.log(`toHtml (uint8 weights): ${r.html.toFixed(0)} ms, ${r.htmlMB.toFixed(1)} MB`);
} finally {
  await browser.close();
  server.close();
}
