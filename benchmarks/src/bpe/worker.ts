/**
 * Entry point of one benchmark worker: `node --expose-gc dist/bpe/worker.js <contender> [--quick]`, forked
 * by main.ts so that every contender starts in a fresh process (init time and memory are then its own, as in
 * gpt-tokenizer's harness). Sends one {@link WorkerMessage} over IPC and prints nothing on stdout.
 */

import { findContender } from './contenders.js';
import type { WorkerMessage } from './protocol.js';
import { measureContender } from './run.js';

async function main(): Promise<WorkerMessage> {
  const [name = '', ...flags] = process.argv.slice(2);
  const contender = findContender(name);
  if (!contender) return { ok: false, error: `unknown contender ${JSON.stringify(name)}` };
  try {
    return { ok: true, result: await measureContender(contender, { quick: flags.includes('--quick') }) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

const message = await main();
if (process.send) {
  process.send(message, () => process.disconnect());
} else {
  // Run by hand: show the result on stderr.
  console.error(JSON.stringify(message, null, 2));
  process.exitCode = message.ok ? 0 : 1;
}
