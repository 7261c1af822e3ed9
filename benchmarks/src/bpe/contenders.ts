/**
 * The contenders of the BPE benchmark: @lxmls/bpe and three peers, each behind the same small interface,
 * all on GPT-2's vocabulary (tiktoken's `gpt2` = `r50k_base` ranks) with `<|endoftext|>` as ordinary text
 * (tiktoken's `encode_ordinary`). Each `load` does the dynamic import that a user's code would do, so a
 * worker can time it as part of the init time.
 */

import { readFileSync } from 'node:fs';

/** Token ids as a contender returns them; `decode` is always given what its own `encode` returned. */
export type Ids = number[] | Uint32Array;

/** What the benchmark calls. */
export interface Tokenizer {
  encode(text: string): Ids;
  decode(ids: Ids): string;
  /** Releases native memory (tiktoken's WASM encoder). */
  free?(): void;
}

export type ContenderName = '@lxmls/bpe' | 'gpt-tokenizer' | 'js-tiktoken' | 'tiktoken';

export interface Contender {
  name: ContenderName;
  backend: 'pure JS' | 'WASM';
  /** The entry point and calls used, for the report. */
  api: string;
  load(): Promise<Tokenizer>;
}

/** The parity reference: tiktoken is OpenAI's Rust core compiled to WASM. */
export const REFERENCE: ContenderName = 'tiktoken';

export const CONTENDERS: readonly Contender[] = [
  {
    name: '@lxmls/bpe',
    backend: 'pure JS',
    api: "getEncoder() from '@lxmls/bpe'; encode, decode",
    async load() {
      const { getEncoder } = await import('@lxmls/bpe');
      const encoder = getEncoder();
      return { encode: (text) => encoder.encode(text), decode: (ids) => encoder.decode(ids) };
    },
  },
  {
    name: 'gpt-tokenizer',
    backend: 'pure JS',
    api: "'gpt-tokenizer/encoding/gpt2'; encode(text, { disallowedSpecial: new Set() }), decode",
    async load() {
      const { encode, decode } = await import('gpt-tokenizer/encoding/gpt2');
      // An empty disallowed set: `<|endoftext|>` in the text is ordinary text instead of an error.
      const options = { disallowedSpecial: new Set<string>() };
      return { encode: (text) => encode(text, options), decode: (ids) => decode(ids) };
    },
  },
  {
    name: 'js-tiktoken',
    backend: 'pure JS',
    api: "new Tiktoken(gpt2) from 'js-tiktoken/lite' + 'js-tiktoken/ranks/gpt2'; encode(text, [], []), decode",
    async load() {
      const [{ Tiktoken }, ranks] = await Promise.all([
        import('js-tiktoken/lite'),
        import('js-tiktoken/ranks/gpt2').then((m) => m.default),
      ]);
      const encoding = new Tiktoken(ranks);
      return {
        encode: (text) => encoding.encode(text, [], []),
        decode: (ids) => encoding.decode(Array.isArray(ids) ? ids : Array.from(ids)),
      };
    },
  },
  {
    name: 'tiktoken',
    backend: 'WASM',
    api: "get_encoding('gpt2') from 'tiktoken'; encode_ordinary, decode + TextDecoder, free",
    async load() {
      const { get_encoding } = await import('tiktoken');
      const encoding = get_encoding('gpt2');
      const utf8 = new TextDecoder();
      return {
        encode: (text) => encoding.encode_ordinary(text),
        decode: (ids) =>
          utf8.decode(encoding.decode(ids instanceof Uint32Array ? ids : Uint32Array.from(ids))),
        free: () => encoding.free(),
      };
    },
  },
];

/** The contender called `name`, or undefined. */
export function findContender(name: string): Contender | undefined {
  return CONTENDERS.find((c) => c.name === name);
}

/** The installed version of a contender's package, read from benchmarks/node_modules. */
export function packageVersion(name: ContenderName): string {
  const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
