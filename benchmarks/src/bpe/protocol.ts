/**
 * The data of the BPE benchmark: what a worker sends to the parent over IPC, and the report that the parent
 * prints (as tables, or as one line of JSON with `--json`).
 */

import type { ContenderName } from './contenders.js';
import type { CorpusName } from './corpora.js';
import type { RepPlan, Timing } from './measure.js';

/** `process.memoryUsage()` in bytes, taken right after a full garbage collection. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
}

/** One contender on one corpus. */
export interface CorpusResult {
  corpus: CorpusName;
  utf8Bytes: number;
  tokens: number;
  /** `idsHash` of encode(whole corpus). */
  idsHash: string;
  /** `idsHash` of the ids of all ~1 kB chunks, in order. */
  chunkIdsHash: string;
  chunks: number;
  /** decode(encode(corpus)) === corpus. */
  roundTrip: boolean;
  /** The whole corpus in one encode call. */
  encode: Timing & { mbPerSecond: number };
  /** The corpus as ~1 kB chunks, one encode call each. */
  encodeChunks: Timing & { mbPerSecond: number };
  /** decode(ids of the whole corpus) in one call. */
  decode: Timing & { mbPerSecond: number };
}

/** What a worker measures for its contender. */
export interface WorkerResult {
  contender: ContenderName;
  /** Dynamic import (and construction) of the encoder, ms. */
  importMs: number;
  /** Import + construction + first encode of a short string, ms. */
  initMs: number;
  memory: { beforeInit: MemorySample; afterInit: MemorySample; afterRun: MemorySample };
  corpora: CorpusResult[];
}

/** The worker's IPC message. */
export type WorkerMessage = { ok: true; result: WorkerResult } | { ok: false; error: string };

/** Parity of one contender on one corpus against the reference (tiktoken). */
export interface ParityResult {
  contender: ContenderName;
  corpus: CorpusName;
  /** Same ids as the reference for the whole corpus in one call. */
  whole: boolean;
  /** Same ids as the reference for the ~1 kB chunks. */
  chunks: boolean;
  roundTrip: boolean;
}

/** Everything, as printed by `--json`. */
export interface Report {
  benchmark: 'bpe';
  units: {
    speed: 'MB/s (10^6 UTF-8 bytes of text per second, median of timed reps)';
    memory: 'bytes';
    time: 'ms';
  };
  quick: boolean;
  /** Timed repetitions per workload, after one warm-up rep. */
  plan: RepPlan;
  machine: {
    cpu: string;
    cores: number;
    totalMemoryBytes: number;
    node: string;
    v8: string;
    platform: string;
    arch: string;
    /** `os.loadavg()` (1, 5, 15 min) before and after the run: other work on the machine skews the numbers. */
    loadAverage: { before: number[]; after: number[] };
  };
  corpora: { name: CorpusName; description: string; utf8Bytes: number; chars: number; chunks: number }[];
  contenders: {
    name: ContenderName;
    version: string;
    backend: string;
    api: string;
    result: WorkerResult;
  }[];
  parity: {
    reference: ContenderName;
    referenceSource: 'worker' | 'in-process';
    ok: boolean;
    results: ParityResult[];
  };
  /** @lxmls/bpe's speed as a multiple of each peer's (geometric mean over the corpora); init as a ratio of times. */
  relative: {
    peer: ContenderName;
    encode: number;
    encodeChunks: number;
    decode: number;
    /** peer init ms / @lxmls/bpe init ms: above 1 means @lxmls/bpe starts faster. */
    init: number;
  }[];
  /** Contenders whose worker failed. */
  errors: { contender: ContenderName; error: string }[];
  wallSeconds: number;
}
