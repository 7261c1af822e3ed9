/**
 * `pnpm bench:bpe:browser [--json] [--quick]`: the BPE benchmark in headless Chromium, @lxmls/bpe against the
 * peers that load in a browser as they are published: gpt-tokenizer (plain ES modules) and tiktoken (its
 * WASM build, through `tiktoken/init`). js-tiktoken is left out: it imports `base64-js` by bare name, which a
 * browser cannot resolve without a bundler.
 *
 * The same corpora as `pnpm bench:bpe` (made here in Node and served as JSON), the same repetition plan and
 * timer (measure.js, loaded by the page), one fresh page per contender, one contender after the other.
 * Every contender's ids are hashed in the page and compared with tiktoken's. Needs the system Chromium
 * (`chromium` on the PATH) and playwright-core (a root devDependency). Prints Markdown, or one line of JSON.
 */

import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { parseBenchArgv } from '../args.js';
import { loadCorpora } from './corpora.js';
import { FULL_PLAN, QUICK_PLAN } from './measure.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const NAMES = ['@lxmls/bpe', 'gpt-tokenizer', 'tiktoken'] as const;

/** How each contender is loaded in the page: an async function body that returns `{ encode, decode }`. */
const LOADERS: Record<(typeof NAMES)[number], string> = {
  '@lxmls/bpe': `const { getEncoder } = await import('/packages/bpe/dist/index.js');
    const e = getEncoder();
    return { encode: (t) => e.encode(t), decode: (ids) => e.decode(ids) };`,
  'gpt-tokenizer': `const { encode, decode } = await import('/benchmarks/node_modules/gpt-tokenizer/esm/encoding/gpt2.js');
    const options = { disallowedSpecial: new Set() };
    return { encode: (t) => encode(t, options), decode: (ids) => decode(ids) };`,
  tiktoken: `const tk = await import('/benchmarks/node_modules/tiktoken/init.js');
    await tk.init((imports) => WebAssembly.instantiateStreaming(fetch('/benchmarks/node_modules/tiktoken/tiktoken_bg.wasm'), imports));
    const encoding = tk.get_encoding('gpt2');
    const utf8 = new TextDecoder();
    return { encode: (t) => encoding.encode_ordinary(t), decode: (ids) => utf8.decode(encoding.decode(ids)) };`,
};

/** The page of one contender: loads it (timed), then measures each corpus as run.ts does in Node. */
function page(name: (typeof NAMES)[number], quick: boolean): string {
  return `<!doctype html><title>bench:bpe ${name}</title><script type="module">
try {
  const { timeReps, megabytesPerSecond, idsHash } = await import('/benchmarks/dist/bpe/measure.js');
  const plan = ${JSON.stringify(quick ? QUICK_PLAN : FULL_PLAN)};
  const corpora = await (await fetch('/corpora.json')).json();
  const start = performance.now();
  const tokenizer = await (async () => { ${LOADERS[name]} })();
  tokenizer.encode('Hello, world! The first call builds whatever is built lazily.');
  const initMs = performance.now() - start;
  const results = [];
  for (const { name: corpus, text } of corpora) {
    const bytes = new TextEncoder().encode(text).length;
    const ids = tokenizer.encode(text);
    const roundTrip = tokenizer.decode(ids) === text;
    let sink = 0;
    const encode = timeReps(() => tokenizer.encode(text), plan, (r) => { sink += r.length; });
    const decode = timeReps(() => { const s = tokenizer.decode(ids); s.charCodeAt(s.length >> 1); return s; }, plan, (r) => { sink += r.length; });
    results.push({ corpus, idsHash: idsHash(ids), roundTrip, sink,
      encode: megabytesPerSecond(bytes, encode.medianMs), decode: megabytesPerSecond(bytes, decode.medianMs) });
  }
  window.result = { initMs, results, userAgent: navigator.userAgent };
} catch (error) {
  window.result = { error: String(error && error.stack || error) };
}
</script>`;
}

/** The path of a contender's page: `/bench-lxmls-bpe.html`. */
function pagePath(name: string): string {
  return `/bench-${name.replace(/[^a-z0-9]+/g, '-').replace(/^-/, '')}.html`;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** Serves the repository, the pages and the corpora on 127.0.0.1. */
async function serve(pages: Record<string, string>): Promise<{ url: string; close(): void }> {
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const inline = pages[path];
    if (inline !== undefined) {
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? TYPES['.html']! }).end(inline);
      return;
    }
    // tiktoken's ES build imports "./tiktoken_bg" without an extension, as bundlers allow.
    if (path.endsWith('/tiktoken/tiktoken_bg')) path += '.js';
    const file = normalize(join(root, path));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

interface PageResult {
  initMs: number;
  results: { corpus: string; idsHash: string; roundTrip: boolean; encode: number; decode: number }[];
  userAgent: string;
  error?: string;
}

async function main(): Promise<void> {
  const args = parseBenchArgv(process.argv.slice(2), { json: { type: 'flag' }, quick: { type: 'flag' } });
  if (typeof args === 'string') {
    console.error(`bench:bpe:browser: ${args}.\nUsage: pnpm bench:bpe:browser [--json] [--quick]`);
    process.exit(2);
  }
  const { json, quick } = args;
  const log = (line: string) => process.stderr.write(`[bench:bpe:browser] ${line}\n`);
  const chromiumPath = execFileSync(
    'sh',
    ['-c', 'command -v chromium || command -v chromium-browser || true'],
    {
      encoding: 'utf8',
    },
  ).trim();
  if (!chromiumPath) {
    console.error('bench:bpe:browser: no chromium on the PATH (install the system Chromium).');
    process.exit(2);
  }
  const corpora = loadCorpora({ quick }).map(({ name, text }) => ({ name, text }));
  const pages: Record<string, string> = { '/corpora.json': JSON.stringify(corpora) };
  for (const name of NAMES) pages[pagePath(name)] = page(name, quick);
  const server = await serve(pages);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const ran: { name: string; result: PageResult }[] = [];
  try {
    for (const name of NAMES) {
      log(`${name}: running in a fresh page...`);
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`${server.url}${pagePath(name)}`);
      await tab.waitForFunction(() => 'result' in window, undefined, { timeout: 600_000, polling: 500 });
      const result = await tab.evaluate(() => (window as unknown as { result: PageResult }).result);
      await context.close();
      if (result.error) throw new Error(`${name} failed in the page: ${result.error}`);
      ran.push({ name, result });
    }
  } finally {
    await browser.close();
    server.close();
  }
  const reference = ran.find((r) => r.name === 'tiktoken')!.result.results;
  const parity = ran.every(({ result }) =>
    result.results.every((r, i) => r.roundTrip && r.idsHash === reference[i]!.idsHash),
  );
  const report = {
    benchmark: 'bpe-browser',
    quick,
    userAgent: ran[0]!.result.userAgent,
    parity,
    contenders: ran,
  };
  if (json) {
    console.log(JSON.stringify(report));
  } else {
    const lines = [
      `BPE benchmark in ${report.userAgent.match(/HeadlessChrome\/[\d.]+/)?.[0] ?? 'Chromium'}${quick ? ' (--quick: not numbers to quote)' : ''}: MB/s of UTF-8 input, median of timed repetitions`,
      '',
      `| corpus | ${NAMES.map((n) => `${n} encode`).join(' | ')} | ${NAMES.map((n) => `${n} decode`).join(' | ')} |`,
      `| --- |${' ---: |'.repeat(2 * NAMES.length)}`,
    ];
    for (const [i, { corpus }] of reference.entries()) {
      const cell = (k: 'encode' | 'decode') =>
        ran.map((r) => r.result.results[i]![k].toPrecision(3)).join(' | ');
      lines.push(`| ${corpus} | ${cell('encode')} | ${cell('decode')} |`);
    }
    lines.push(
      '',
      `init (import + first encode): ${ran.map((r) => `${r.name} ${r.result.initMs.toFixed(0)} ms`).join(', ')}`,
    );
    lines.push(`ids identical to tiktoken on every corpus, round trips exact: ${parity ? 'yes' : 'NO'}`);
    console.log(lines.join('\n'));
  }
  if (!parity) process.exitCode = 1;
}

await main();
