/**
 * The command line's input and output: the streams it runs on (so tests can run it in-process), a buffered
 * writer that respects backpressure, and readers for all of stdin or stdin line by line.
 *
 * Output is streamed: a command that maps 100,000 input lines holds at most about 64 KiB of pending output,
 * waits for `drain` when the stream asks it to, and flushes as soon as the input pauses, so that a reader
 * feeding one line at a time gets its answer at once.
 */

import { createInterface } from 'node:readline';
import { type Readable, Transform } from 'node:stream';
import { CliError, OutputClosedError } from './errors.js';

/**
 * The streams a command runs on; `main` takes a partial one and fills the rest from `process`.
 *
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import type { Io } from './io.js';
 * const io: Io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), isTTY: false };
 * console.log(io.isTTY); // → false
 * ```
 */
export interface Io {
  /** Where text (or JSON lines) come from when no argument gives them. */
  stdin: NodeJS.ReadableStream;
  /** Where results go. */
  stdout: NodeJS.WritableStream;
  /** Where the one-line error messages go. */
  stderr: NodeJS.WritableStream;
  /**
   * Whether stdin is an interactive terminal; then `lxmls tokenize` without TEXT reports a usage error
   * instead of waiting for input. Defaults to `process.stdin.isTTY` when stdin is `process.stdin`, else false.
   */
  isTTY?: boolean;
}

/**
 * Completes a partial {@link Io} with the process's own streams.
 *
 * @param io - The streams given by the caller, if any.
 * @returns A full {@link Io}.
 * @example
 * ```ts
 * import { resolveIo } from './io.js';
 * console.log(resolveIo().stdout === process.stdout); // → true
 * ```
 */
export function resolveIo(io: Partial<Io> = {}): Required<Io> {
  const stdin = io.stdin ?? process.stdin;
  return {
    stdin,
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    isTTY: io.isTTY ?? (stdin === process.stdin && process.stdin.isTTY === true),
  };
}

/** Pending output is written once it reaches this many characters. */
const FLUSH_AT = 64 * 1024;

/**
 * A buffered writer over a stream: collects small writes, flushes them in large chunks, waits for `drain`
 * when the stream is full, and turns a closed pipe (EPIPE) into {@link OutputClosedError}.
 *
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import { Output } from './io.js';
 * const stream = new PassThrough();
 * const out = new Output(stream);
 * await out.write('hello\n');
 * await out.close();
 * console.log(String(stream.read())); // → hello
 * ```
 */
export class Output {
  private readonly stream: NodeJS.WritableStream;
  private pending = '';
  private full = false;
  private flushScheduled = false;
  private failure: Error | undefined;
  private readonly onError = (error: Error): void => {
    this.failure ??= error;
  };

  /** @param stream - The stream to write to; it is never ended (it may be `process.stdout`). */
  constructor(stream: NodeJS.WritableStream) {
    this.stream = stream;
    stream.on('error', this.onError);
  }

  /**
   * Queues text, and waits if the stream has asked the writer to slow down.
   *
   * @param text - The text to write.
   * @throws {@link OutputClosedError} once the stream's reader has gone away.
   */
  async write(text: string): Promise<void> {
    this.check();
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) this.flushNow();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        if (this.failure === undefined) this.flushNow();
      });
    }
    if (this.full) await this.drained();
  }

  /**
   * Writes everything pending and waits until the stream has taken it.
   *
   * @throws {@link OutputClosedError} once the stream's reader has gone away.
   */
  async flush(): Promise<void> {
    this.check();
    this.flushNow();
    if (this.full) await this.drained();
    this.check();
  }

  /** Flushes, then stops listening to the stream (which stays open). */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.stream.off('error', this.onError);
    }
  }

  private flushNow(): void {
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    if (!this.stream.write(chunk)) this.full = true;
  }

  private async drained(): Promise<void> {
    const stream = this.stream;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        stream.off('drain', onDrain);
        stream.off('error', onError);
        stream.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onError = (error: Error) => done(error);
      const onClose = () => done(new OutputClosedError('the output stream was closed'));
      stream.on('drain', onDrain);
      stream.on('error', onError);
      stream.on('close', onClose);
    }).catch((error: unknown) => {
      this.failure ??= error as Error;
    });
    this.full = false;
    this.check();
  }

  private check(): void {
    const failure = this.failure;
    if (failure === undefined) return;
    if (failure instanceof OutputClosedError || (failure as NodeJS.ErrnoException).code === 'EPIPE') {
      throw new OutputClosedError('the output stream was closed', { cause: failure });
    }
    throw failure;
  }
}

/**
 * Reads a whole stream as UTF-8 text (a byte order mark is kept, as Python keeps it).
 *
 * @param stream - The stream, usually stdin.
 * @param maxBytes - The most bytes taken: more is a {@link CliError} (default {@link MAX_TEXT_BYTES}, 64 MiB).
 * @returns Its text.
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { readAllText } from './io.js';
 * console.log(await readAllText(Readable.from([Buffer.from('caf'), Buffer.from([0xc3]), Buffer.from([0xa9])]))); // → café
 * ```
 */
export async function readAllText(stream: NodeJS.ReadableStream, maxBytes = MAX_TEXT_BYTES): Promise<string> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let text = '';
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as Uint8Array).byteLength;
    if (bytes > maxBytes)
      throw new CliError(
        `stdin holds more than ${maxBytes / 2 ** 20} MiB, the limit of one text (--jsonl streams any number of lines)`,
      );
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true });
  }
  return text + decoder.decode();
}

/**
 * Maps each line of a stream to one output line, streamed: `transform(line, lineNumber)` returns the text of
 * the output line (without its newline). Reading pauses while the output is full, so memory stays flat.
 *
 * Lines end at `\n`, `\r\n` or `\r`; a last line without a newline counts. If `transform` throws, the output
 * of the earlier lines is flushed first, then the error propagates.
 *
 * @param input - The stream to read, usually stdin.
 * @param out - Where the output lines go.
 * @param transform - Turns one input line into one output line; lines are numbered from 1.
 * @param maxLineBytes - The longest line taken: a longer one is a {@link CliError} naming it, raised before the
 *   line is held whole, after the lines before it are answered (default {@link MAX_LINE_BYTES}, 64 MiB).
 * @returns The number of lines read.
 * @example
 * ```ts
 * import { PassThrough, Readable } from 'node:stream';
 * import { mapLines, Output } from './io.js';
 * const stream = new PassThrough();
 * const out = new Output(stream);
 * await mapLines(Readable.from(['a\nb\n']), out, (line, n) => `${n}:${line}`);
 * await out.close();
 * console.log(JSON.stringify(String(stream.read()))); // → "1:a\n2:b\n"
 * ```
 */
export async function mapLines(
  input: NodeJS.ReadableStream,
  out: Output,
  transform: (line: string, lineNumber: number) => string,
  maxLineBytes = MAX_LINE_BYTES,
): Promise<number> {
  const guard = lineGuard(maxLineBytes);
  const lines = createInterface({
    input: (input as Readable).pipe(guard),
    crlfDelay: Number.POSITIVE_INFINITY,
    terminal: false,
  });
  (input as Readable).once('error', (error) => guard.destroy(error));
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      let result: string;
      try {
        result = transform(line, lineNumber);
      } catch (error) {
        await out.flush();
        throw error;
      }
      await out.write(`${result}\n`);
    }
  } catch (error) {
    if (error !== LINE_TOO_LONG) throw error;
    await out.flush();
    const limit = `${maxLineBytes / 2 ** 20} MiB`;
    throw new CliError(`line ${lineNumber + 1} is longer than ${limit}, the limit of one input line`);
  } finally {
    lines.close();
  }
  return lineNumber;
}

/** The most stdin {@link readAllText} takes as one text: beyond it, the output would not fit a string (issue 17). */
export const MAX_TEXT_BYTES = 64 * 2 ** 20;

/** The longest input line {@link mapLines} takes: a longer one is refused before it is held (issue 17). */
export const MAX_LINE_BYTES = 64 * 2 ** 20;

const LINE_TOO_LONG = new Error('line too long');

/**
 * Passes bytes through until a line runs past `maxBytes`; then passes the lines before it and fails with
 * `LINE_TOO_LONG`, so that no line longer than the limit is ever held whole.
 */
function lineGuard(maxBytes: number): Transform {
  let run = 0; // bytes since the last line break
  return new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const long = longLine(bytes, run, maxBytes);
      if (long !== -1) {
        this.push(bytes.subarray(0, long)); // the lines before it are read first
        done(LINE_TOO_LONG);
        return;
      }
      const last = Math.max(bytes.lastIndexOf(10), bytes.lastIndexOf(13));
      run = last === -1 ? run + bytes.length : bytes.length - 1 - last;
      done(null, bytes);
    },
  });
}

/** Where the first line longer than `max` starts in `bytes` (-1: none), with `run` bytes of it before. */
function longLine(bytes: Buffer, run: number, max: number): number {
  if (run + bytes.length <= max) return -1;
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 10 || b === 13) {
      run = 0;
      start = i + 1;
    } else if (++run > max) return start;
  }
  return -1;
}
