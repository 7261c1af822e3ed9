/**
 * The deterministic train/test split of the weather dataset: {@link splitHash} and {@link splitOf}.
 *
 * Follows `WeatherDataset.__getitem__`'s rule "test if `hash(obs) % 4 == 0`, else train" (itself from minGPT's
 * `SortDataset`), with one documented change: the toolkit hashes `pickle.dumps(obs)` with Python's `hash()`,
 * which is salted per process (`PYTHONHASHSEED`) and depends on numpy's pickle module path, so its split is
 * not reproducible. Here the hash is MurmurHash3 (x86, 32-bit, seed 0) of the observation ids, one byte
 * each: a published hash with reference implementations everywhere (Python: `mmh3.hash(bytes(obs),
 * signed=False)`), fast on 6 bytes, and with well-mixed low bits, which `h % 4` needs (FNV-1a's two low bits,
 * for example, depend only on the two low bits of each byte, so 0 and 4 would always share a split).
 */

import { check, LxmlsWeatherDataError } from './errors.js';

/** The name of a split. */
export type Split = 'train' | 'test';

/**
 * MurmurHash3_x86_32 with seed 0 of the observation ids, one byte per id.
 *
 * @param obs - Observation ids, integers in `[0, 255]` (the dataset's are in `[0, 5)`).
 * @returns The hash as an unsigned 32-bit integer.
 * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when an id is not an integer in `[0, 255]`.
 * @remarks Python: replaces `hash(pickle.dumps(obs))` in `WeatherDataset.__getitem__`; equal to
 *   `mmh3.hash(bytes(obs), signed=False)`.
 * @example
 * ```ts
 * import { splitHash } from '@lxmls/weather-data';
 * console.log(splitHash([4, 3, 3, 4, 4, 2])); // → 3778701360
 * ```
 */
export function splitHash(obs: ArrayLike<number>): number {
  const fn = 'splitHash';
  if (obs === null || typeof obs !== 'object' || typeof obs.length !== 'number')
    check.fail(fn, 'obs', obs, 'obs is not an array', 'an array of integers in [0, 255]');
  const bytes = new Int32Array(obs.length);
  for (let i = 0; i < obs.length; i++) {
    const v = obs[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255)
      check.fail(fn, `obs[${i}]`, v, `obs[${i}] is not a byte`, 'an integer in [0, 255]');
    bytes[i] = v;
  }
  return murmur3Bytes(bytes, 0, bytes.length);
}

/**
 * The split an observation sequence belongs to: `'test'` when `splitHash(obs) % 4 === 0` (about 25% of the
 * distinct sequences), `'train'` otherwise. Train and test never share an observation sequence.
 *
 * @param obs - Observation ids, integers in `[0, 255]`.
 * @returns `'train'` or `'test'`.
 * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when an id is not an integer in `[0, 255]`.
 * @remarks Python: `"test" if hash(pickle.dumps(obs)) % 4 == 0 else "train"` in `WeatherDataset.__getitem__`,
 *   with the hash made deterministic (see {@link splitHash}).
 * @example
 * ```ts
 * import { splitOf } from '@lxmls/weather-data';
 * console.log(splitOf([4, 3, 3, 4, 4, 2]), splitOf([0, 4, 2, 4, 4, 2])); // → test train
 * ```
 */
export function splitOf(obs: ArrayLike<number>): Split {
  return (splitHash(obs) & 3) === 0 ? 'test' : 'train';
}

/** MurmurHash3_x86_32, seed 0, of `bytes[start .. start + length)` (each entry taken as one byte). @internal */
export function murmur3Bytes(bytes: Int32Array, start: number, length: number): number {
  let h = 0;
  const blocks = length >> 2;
  let i = start;
  for (let b = 0; b < blocks; b++, i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[i + 2]! << 16;
    if (tail >= 2) k ^= bytes[i + 1]! << 8;
    k ^= bytes[i]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
