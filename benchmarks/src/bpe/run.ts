/**
 * One contender's measurements, run inside its own worker process (see worker.ts): init time and memory,
 * then per corpus encode (one call, and ~1 kB calls), decode, the round trip and the parity hashes.
 *
 * Order matters for memory: the corpora are created after the init sample and dropped before the final
 * one, so "after run" shows what the tokenizer itself kept (caches), not the texts.
 */

import type { Contender, Ids, Tokenizer } from './contenders.js';
import { type Corpus, loadCorpora, splitIntoChunks } from './corpora.js';
import {
  FULL_PLAN,
  IdsHasher,
  idsHash,
  megabytesPerSecond,
  QUICK_PLAN,
  type RepPlan,
  timeReps,
} from './measure.js';
import type { CorpusResult, MemorySample, WorkerResult } from './protocol.js';

/** The short string of the first encode, part of the init time. */
const FIRST_TEXT = 'Hello, world! The first call builds whatever is built lazily.';

/** Measures `contender` on the corpora; `quick` uses small corpora and few repetitions. */
export async function measureContender(
  contender: Contender,
  options: { quick: boolean },
): Promise<WorkerResult> {
  const plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const beforeInit = memorySample();
  const start = performance.now();
  const tokenizer = await contender.load();
  const imported = performance.now();
  tokenizer.encode(FIRST_TEXT);
  const initMs = performance.now() - start;
  const afterInit = memorySample();

  let corpora: Corpus[] | undefined = loadCorpora({ quick: options.quick });
  const results = corpora.map((corpus) => measureCorpus(tokenizer, corpus, plan));
  corpora = undefined;
  const afterRun = memorySample();
  tokenizer.free?.();
  return {
    contender: contender.name,
    importMs: imported - start,
    initMs,
    memory: { beforeInit, afterInit, afterRun },
    corpora: results,
  };
}

/** The parity hashes of one corpus: whole text in one call, and the ~1 kB chunks. */
export function parityHashes(tokenizer: Tokenizer, text: string): { idsHash: string; chunkIdsHash: string } {
  const hasher = new IdsHasher();
  for (const chunk of splitIntoChunks(text)) hasher.add(tokenizer.encode(chunk));
  return { idsHash: idsHash(tokenizer.encode(text)), chunkIdsHash: hasher.digest() };
}

function measureCorpus(tokenizer: Tokenizer, corpus: Corpus, plan: RepPlan): CorpusResult {
  const { text } = corpus;
  const bytes = Buffer.byteLength(text);
  const chunks = splitIntoChunks(text);
  let sink = 0;
  const keep = (ids: Ids | string) => {
    sink += ids.length;
  };

  // Warm-up reps, which also give the ids for the round trip and the parity hashes.
  const ids = tokenizer.encode(text);
  const roundTrip = tokenizer.decode(ids) === text;
  const chunkHasher = new IdsHasher();
  for (const chunk of chunks) chunkHasher.add(tokenizer.encode(chunk));

  globalThis.gc?.();
  const encode = timeReps(() => tokenizer.encode(text), plan, keep);
  globalThis.gc?.();
  const encodeChunks = timeReps(
    () => {
      let n = 0;
      for (const chunk of chunks) n += tokenizer.encode(chunk).length;
      return n;
    },
    plan,
    (n) => {
      sink += n;
    },
  );
  globalThis.gc?.();
  // Reading one character in the middle makes V8 flatten a string built by `+=` (a rope), so that every
  // contender pays for its whole string inside the timing, not later when the caller first uses it.
  const decode = timeReps(
    () => {
      const text = tokenizer.decode(ids);
      text.charCodeAt(text.length >> 1);
      return text;
    },
    plan,
    keep,
  );
  if (sink < 0) throw new Error('unreachable'); // uses the sink

  return {
    corpus: corpus.name,
    utf8Bytes: bytes,
    tokens: ids.length,
    idsHash: idsHash(ids),
    chunkIdsHash: chunkHasher.digest(),
    chunks: chunks.length,
    roundTrip,
    encode: { ...encode, mbPerSecond: megabytesPerSecond(bytes, encode.medianMs) },
    encodeChunks: { ...encodeChunks, mbPerSecond: megabytesPerSecond(bytes, encodeChunks.medianMs) },
    decode: { ...decode, mbPerSecond: megabytesPerSecond(bytes, decode.medianMs) },
  };
}

/** Memory after a full collection (the worker runs with --expose-gc; without it, as is). */
function memorySample(): MemorySample {
  globalThis.gc?.();
  globalThis.gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}
