/**
 * `pnpm bench:bpe [--json] [--quick] [--only name1,name2]`: @lxmls/bpe against gpt-tokenizer, js-tiktoken
 * and tiktoken (WASM) on GPT-2's vocabulary, on four corpora (see corpora.ts).
 *
 * Follows gpt-tokenizer's benchmark harness: one fresh process per contender (worker.ts), run one after the
 * other, each measuring its own init time, memory and speeds and sending them back over IPC. This parent
 * checks that every contender's ids equal tiktoken's (exit code 1 if @lxmls/bpe's do not, or a worker
 * fails) and prints Markdown tables, or exactly one line of JSON on stdout with `--json`.
 */

import { fork } from 'node:child_process';
import os from 'node:os';
import { parseBenchArgv } from '../args.js';
import {
  CONTENDERS,
  type Contender,
  type ContenderName,
  findContender,
  packageVersion,
  REFERENCE,
} from './contenders.js';
import { loadCorpora, splitIntoChunks } from './corpora.js';
import { failures, formatReport } from './format.js';
import { FULL_PLAN, QUICK_PLAN } from './measure.js';
import type { ParityResult, Report, WorkerMessage, WorkerResult } from './protocol.js';
import { parityHashes } from './run.js';

const USAGE = `Usage: pnpm bench:bpe [--json] [--quick] [--only name1,name2]
  --json    print exactly one line of JSON on stdout (progress goes to stderr)
  --quick   small corpora and few repetitions: a smoke test, not numbers to quote
  --only    run only these contenders: ${CONTENDERS.map((c) => c.name).join(', ')}`;

interface Options {
  json: boolean;
  quick: boolean;
  contenders: Contender[];
}

function parseArgs(argv: readonly string[]): Options {
  const args = parseBenchArgv(argv, {
    json: { type: 'flag' },
    quick: { type: 'flag' },
    help: { type: 'flag', short: 'h' },
    only: { type: 'string', missing: '--only needs a comma-separated list of contenders' },
  });
  if (typeof args === 'string') usageError(args);
  if (args.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const contenders =
    args.only === undefined
      ? [...CONTENDERS]
      : args.only.split(',').map((name) => {
          const contender = findContender(name.trim());
          if (!contender) usageError(`unknown contender ${JSON.stringify(name)}`);
          return contender;
        });
  return { json: args.json, quick: args.quick, contenders };
}

function usageError(message: string): never {
  console.error(`bench:bpe: ${message}.\n${USAGE}`);
  process.exit(2);
}

/** Runs one contender in a fresh `node --expose-gc` process; its stdout goes to our stderr. */
function runWorker(name: ContenderName, quick: boolean): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./worker.js', import.meta.url), quick ? [name, '--quick'] : [name], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.stdout?.pipe(process.stderr);
    let message: WorkerMessage | undefined;
    child.on('message', (m) => {
      message = m as WorkerMessage;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (message?.ok) resolve(message.result);
      else if (message) reject(new Error(message.error));
      else reject(new Error(`worker exited with ${signal ?? `code ${code}`} and no result`));
    });
  });
}

function geometricMean(values: readonly number[]): number {
  return values.length
    ? Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length)
    : Number.NaN;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const loadBefore = os.loadavg();
  const log = (line: string) => process.stderr.write(`[bench:bpe] ${line}\n`);
  const corpora = loadCorpora({ quick: options.quick });

  const ran: Report['contenders'] = [];
  const errors: Report['errors'] = [];
  for (const contender of options.contenders) {
    const t0 = performance.now();
    log(`${contender.name}: running in its own process...`);
    try {
      const result = await runWorker(contender.name, options.quick);
      const { name, backend, api } = contender;
      ran.push({ name, version: packageVersion(name), backend, api, result });
      log(`${contender.name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push({ contender: contender.name, error: message });
      log(`${contender.name}: FAILED: ${message}`);
    }
  }

  // Parity: against tiktoken's worker, or tiktoken run here when --only left it out.
  const fromWorker = ran.find((c) => c.name === REFERENCE);
  const reference = new Map<string, { idsHash: string; chunkIdsHash: string }>();
  if (fromWorker) {
    for (const r of fromWorker.result.corpora) reference.set(r.corpus, r);
  } else {
    log(`${REFERENCE}: computing reference ids in this process (not benchmarked)...`);
    const tokenizer = await findContender(REFERENCE)!.load();
    for (const corpus of corpora) reference.set(corpus.name, parityHashes(tokenizer, corpus.text));
    tokenizer.free?.();
  }
  const parity: ParityResult[] = ran.flatMap((c) =>
    c.result.corpora.map((r) => ({
      contender: c.name,
      corpus: r.corpus,
      whole: r.idsHash === reference.get(r.corpus)?.idsHash,
      chunks: r.chunkIdsHash === reference.get(r.corpus)?.chunkIdsHash,
      roundTrip: r.roundTrip,
    })),
  );

  const lx = ran.find((c) => c.name === '@lxmls/bpe');
  const relative: Report['relative'] = [];
  for (const peer of ran) {
    if (!lx || peer === lx) continue;
    const ratio = (pick: (r: WorkerResult['corpora'][number]) => number) =>
      geometricMean(
        lx.result.corpora.map((r) => {
          const p = peer.result.corpora.find((x) => x.corpus === r.corpus)!;
          return pick(r) / pick(p);
        }),
      );
    relative.push({
      peer: peer.name,
      encode: ratio((r) => r.encode.mbPerSecond),
      encodeChunks: ratio((r) => r.encodeChunks.mbPerSecond),
      decode: ratio((r) => r.decode.mbPerSecond),
      init: peer.result.initMs / lx.result.initMs,
    });
  }

  const cpus = os.cpus();
  const report: Report = {
    benchmark: 'bpe',
    units: {
      speed: 'MB/s (10^6 UTF-8 bytes of text per second, median of timed reps)',
      memory: 'bytes',
      time: 'ms',
    },
    quick: options.quick,
    plan: options.quick ? QUICK_PLAN : FULL_PLAN,
    machine: {
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      totalMemoryBytes: os.totalmem(),
      node: process.version,
      v8: process.versions.v8,
      platform: process.platform,
      arch: process.arch,
      loadAverage: { before: loadBefore, after: os.loadavg() },
    },
    corpora: corpora.map((c) => ({
      name: c.name,
      description: c.description,
      utf8Bytes: Buffer.byteLength(c.text),
      chars: c.text.length,
      chunks: splitIntoChunks(c.text).length,
    })),
    contenders: ran,
    parity: {
      reference: REFERENCE,
      referenceSource: fromWorker ? 'worker' : 'in-process',
      ok: parity.every((p) => failures(p).length === 0),
      results: parity,
    },
    relative,
    errors,
    wallSeconds: (performance.now() - started) / 1000,
  };

  for (const p of parity) {
    if (failures(p).length) {
      log(
        `PARITY MISMATCH: ${p.contender} on ${p.corpus} differs from ${REFERENCE}: ${failures(p).join(', ')}`,
      );
    }
  }
  console.log(options.json ? JSON.stringify(report) : formatReport(report));

  const lxmlsBad = parity.some((p) => p.contender === '@lxmls/bpe' && failures(p).length);
  if (lxmlsBad || errors.length) process.exitCode = 1;
}

await main();
