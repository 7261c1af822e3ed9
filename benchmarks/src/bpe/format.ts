/**
 * Turns a BPE benchmark {@link Report} into readable text: Markdown tables (so that they can be pasted into a
 * README as they are) for the machine, the contenders, each corpus, init and memory, parity, and a summary.
 */

import type { ContenderName } from './contenders.js';
import type { ParityResult, Report } from './protocol.js';

type Align = 'left' | 'right';

/** A Markdown table with padded columns; `align` per column (numbers read best right-aligned). */
export function markdownTable(
  headers: readonly string[],
  rows: readonly string[][],
  align: readonly Align[],
): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((row) => width(row[i] ?? ''))));
  const pad = (cell: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - width(cell));
    return align[i] === 'right' ? fill + cell : cell + fill;
  };
  const line = (cells: readonly string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** Display width: code points (good enough for the ASCII and ✓/✗ of these tables). */
function width(text: string): number {
  return [...text].length;
}

/** A number with a fixed count of significant-looking decimals: 1234 → "1,234", 12.34 → "12.3", 1.234 → "1.23". */
export function num(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const int = (value: number) => value.toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)}`;
const delta = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${mib(Math.abs(bytes))}`;
const times = (ratio: number) => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a');

/** The whole human-readable report. */
export function formatReport(report: Report): string {
  const out: string[] = [];
  const m = report.machine;
  const names = report.contenders.map((c) => c.name);
  out.push(
    `# BPE benchmark (GPT-2 vocabulary): ${names.join(', ')}${report.quick ? ' [--quick: smoke test]' : ''}`,
  );
  out.push('');
  out.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${(m.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB RAM; ` +
      `Node ${m.node} (V8 ${m.v8}), ${m.platform}/${m.arch}.`,
  );
  // The benchmark itself keeps one core busy, so about 1 is expected after it, about 0 before.
  const [before, after] = [m.loadAverage.before[0]!, m.loadAverage.after[0]!];
  const busy = before > 0.5 || after > 1.5;
  out.push(
    `Load average (1 min) before/after the run: ${before.toFixed(2)} / ${after.toFixed(2)}` +
      (busy ? ' (WARNING: other work ran on this machine at the same time; the numbers are noisy).' : '.'),
  );
  out.push(
    'Method: each contender runs in its own process (node --expose-gc), one after the other. Speeds are MB/s = ' +
      `10^6 UTF-8 bytes of input text per second, the median of ${report.plan.minReps}-${report.plan.maxReps} ` +
      `timed reps (at least ${report.plan.minReps}, then until ${report.plan.budgetMs} ms) after a warm-up rep. ` +
      '"encode 1 call": the whole corpus in one call; "encode ~1 kB": the corpus cut into ~1 kB pieces at line ' +
      'ends, one call each (like the many short texts of gpt-tokenizer\'s harness); "decode": the ids of the ' +
      'whole corpus back to a string in one call, the string flattened inside the timing (V8 builds `+=` ' +
      'strings lazily). All with <|endoftext|> as ordinary text (encode_ordinary).',
  );
  out.push('');
  out.push(
    markdownTable(
      ['contender', 'version', 'backend', 'API used'],
      report.contenders.map((c) => [c.name, c.version, c.backend, c.api]),
      ['left', 'left', 'left', 'left'],
    ),
  );
  out.push('');
  out.push(
    markdownTable(
      ['corpus', 'UTF-8 bytes', 'chars', '~1 kB pieces', 'content'],
      report.corpora.map((c) => [c.name, int(c.utf8Bytes), int(c.chars), int(c.chunks), c.description]),
      ['left', 'right', 'right', 'right', 'left'],
    ),
  );

  for (const corpus of report.corpora) {
    const rows: string[][] = [];
    let tokens = 0;
    for (const c of report.contenders) {
      const r = c.result.corpora.find((x) => x.corpus === corpus.name);
      if (!r) continue;
      if (c.name === report.parity.reference || !tokens) tokens = r.tokens;
      const parity = report.parity.results.find((p) => p.contender === c.name && p.corpus === corpus.name);
      rows.push([
        c.name,
        num(r.encode.mbPerSecond),
        num(r.encodeChunks.mbPerSecond),
        num(r.decode.mbPerSecond),
        mark(parity),
      ]);
    }
    out.push('');
    out.push(`## ${corpus.name}: ${int(corpus.utf8Bytes)} bytes, ${int(tokens)} tokens`);
    out.push('');
    out.push(
      markdownTable(
        [
          'contender',
          'encode 1 call MB/s',
          'encode ~1 kB MB/s',
          'decode MB/s',
          `ids = ${report.parity.reference}`,
        ],
        rows,
        ['left', 'right', 'right', 'right', 'left'],
      ),
    );
  }

  out.push('');
  out.push('## Init and memory');
  out.push('');
  out.push(
    'init = dynamic import + construction + first encode of a short string, in a fresh process. Memory in MiB ' +
      'after a full GC; Δ is against the same process just before the import. "after run" is after all corpora, ' +
      'with the texts and ids dropped: what the tokenizer keeps (caches).',
  );
  out.push('');
  out.push(
    markdownTable(
      [
        'contender',
        'init ms',
        'import ms',
        'RSS init (Δ)',
        'heap init (Δ)',
        'RSS after run (Δ)',
        'heap after run (Δ)',
      ],
      report.contenders.map(({ name, result: r }) => {
        const b = r.memory.beforeInit;
        const i = r.memory.afterInit;
        const a = r.memory.afterRun;
        return [
          name,
          num(r.initMs),
          num(r.importMs),
          `${mib(i.rss)} (${delta(i.rss - b.rss)})`,
          `${mib(i.heapUsed)} (${delta(i.heapUsed - b.heapUsed)})`,
          `${mib(a.rss)} (${delta(a.rss - b.rss)})`,
          `${mib(a.heapUsed)} (${delta(a.heapUsed - b.heapUsed)})`,
        ];
      }),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );

  out.push('');
  out.push('## Parity');
  out.push('');
  out.push(parityLine(report));
  for (const e of report.errors) out.push(`ERROR: ${e.contender} failed: ${e.error}`);

  if (report.relative.length) {
    out.push('');
    out.push('## Summary');
    out.push('');
    out.push(
      "@lxmls/bpe's speed as a multiple of each peer's (geometric mean over the corpora; above 1 = @lxmls/bpe is " +
        "faster); init: the peer's init time divided by @lxmls/bpe's.",
    );
    out.push('');
    out.push(
      markdownTable(
        ['vs', 'encode 1 call', 'encode ~1 kB', 'decode', 'init'],
        report.relative.map((r) => [
          r.peer,
          times(r.encode),
          times(r.encodeChunks),
          times(r.decode),
          times(r.init),
        ]),
        ['left', 'right', 'right', 'right', 'right'],
      ),
    );
    out.push('');
    out.push(summaryLine(report));
  }
  out.push('');
  out.push(`Total wall time: ${report.wallSeconds.toFixed(1)} s.`);
  return out.join('\n');
}

function mark(parity: ParityResult | undefined): string {
  if (!parity) return 'n/a';
  const bad = failures(parity);
  return bad.length ? `✗ MISMATCH (${bad.join(', ')})` : '✓';
}

/** What failed for one contender on one corpus: `whole`, `~1 kB` and/or `round trip`. */
export function failures(parity: ParityResult): string[] {
  const bad: string[] = [];
  if (!parity.whole) bad.push('whole');
  if (!parity.chunks) bad.push('~1 kB');
  if (!parity.roundTrip) bad.push('round trip');
  return bad;
}

function parityLine(report: Report): string {
  const { parity } = report;
  const source = parity.referenceSource === 'worker' ? 'its worker' : 'the parent process, not benchmarked';
  const bad = parity.results.filter((p) => failures(p).length);
  if (!bad.length) {
    return (
      `OK: every contender gives ids identical to ${parity.reference} (computed in ${source}) on every corpus, ` +
      `both for the whole text and for the ~1 kB pieces (${parity.results.length} contender × corpus pairs), ` +
      'and decode(encode(text)) === text everywhere.'
    );
  }
  return bad
    .map(
      (p) =>
        `PARITY MISMATCH: ${p.contender} on ${p.corpus} differs from ${parity.reference}: ${failures(p).join(', ')}`,
    )
    .join('\n');
}

function summaryLine(report: Report): string {
  const lx = report.contenders.find((c) => c.name === '@lxmls/bpe');
  const vs = (peer: ContenderName) => report.relative.find((r) => r.peer === peer);
  const gpt = vs('gpt-tokenizer');
  const peerInit = (peer: ContenderName) =>
    report.contenders.find((c) => c.name === peer)?.result.initMs ?? Number.NaN;
  if (!lx || !gpt) return '';
  const parts = [
    `Summary: @lxmls/bpe encodes ${times(gpt.encode)} as fast as gpt-tokenizer in one call ` +
      `(${times(gpt.encodeChunks)} in ~1 kB calls), decodes ${times(gpt.decode)} as fast, ` +
      `and initialises in ${num(lx.result.initMs)} ms vs ${num(peerInit('gpt-tokenizer'))} ms`,
  ];
  const tik = vs('tiktoken');
  if (tik) parts.push(`vs tiktoken (WASM): encode ${times(tik.encode)}, decode ${times(tik.decode)}`);
  const js = vs('js-tiktoken');
  if (js) parts.push(`vs js-tiktoken: encode ${times(js.encode)}, decode ${times(js.decode)}`);
  return `${parts.join('; ')}.`;
}
