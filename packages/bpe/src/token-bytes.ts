/**
 * The bytes behind each token id, for decoding.
 *
 * Python's `decode` maps each id to its vocabulary string and each character of that back to a byte
 * (`byte_decoder`). Here a token's bytes come from the merges (a merge's bytes are its two parts'), so nothing
 * but the merges needs to ship. Small decodes build each token's bytes on first use; after many ids, one
 * flat table of every token makes long decodes several times faster.
 */

import { charToByte } from './bytes-to-unicode.js';
import { check } from './errors.js';
import { encodeUtf8 } from './utf8.js';
import type { BpeVocabulary } from './vocabulary.js';

/** Byte sequences of the tokens of one vocabulary. */
export class TokenBytes {
  private readonly vocabulary: BpeVocabulary;
  /** For each id, the merge that makes it (rank), -2 for a byte token, -1 otherwise; built on first use. */
  private mergeOf: Int32Array | undefined;
  private idBytes: (Uint8Array | undefined)[] = [];
  /** How many ids have been decoded; past a threshold the flat table is built. */
  private decodedIds = 0;
  /** The bytes of every token in one buffer, built once many ids have been decoded. */
  private bytesTable: { offsets: Int32Array; bytes: Uint8Array; view: DataView } | undefined;
  /** The buffer that long decodes write into, reused from call to call. */
  private scratch = new Uint8Array(0);
  private scratchView = new DataView(this.scratch.buffer);
  private specialById: Map<number, string> | undefined;

  constructor(vocabulary: BpeVocabulary) {
    this.vocabulary = vocabulary;
  }

  /**
   * The bytes of the tokens `ids`, one after the other, or `undefined` if an id is not an integer in
   * `[0, vocabSize)` (the caller then says which). Long decodes return a view of a scratch buffer that the
   * next call overwrites: copy it (or decode it) before calling again.
   */
  bytesOf(ids: ArrayLike<number>): Uint8Array | undefined {
    const size = this.vocabulary.vocabSize;
    const n = ids.length;
    // Small decodes (a token at a time, during generation) use the bytes of each token, built on first use;
    // once enough ids have gone through, one flat table of all tokens pays off (about 20 ms to build).
    this.decodedIds += n;
    if (this.bytesTable === undefined && this.decodedIds < 16_384) {
      const parts: Uint8Array[] = [];
      let total = 0;
      for (let i = 0; i < n; i++) {
        const id = ids[i]!;
        if (id >>> 0 !== id || id >= size) return undefined;
        const part = this.of(id);
        parts.push(part);
        total += part.length;
      }
      const out = new Uint8Array(total);
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    }
    const { offsets, bytes, view } = this.tokenTable();
    // One pass: each token's first 8 bytes go as two 32-bit words (the buffer and the table have 8 spare
    // bytes at the end), and the pointer moves on by the token's length; longer tokens copy the rest byte
    // by byte. About twice as fast as a byte loop, as most tokens are 1 to 8 bytes.
    let out = this.scratch;
    let outView = this.scratchView;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      if (id >>> 0 !== id || id >= size) return undefined;
      const start = offsets[id]!;
      const length = offsets[id + 1]! - start;
      if (at + length + 8 > out.length) {
        const grown = new Uint8Array(Math.max(out.length * 2, at + length + 8));
        grown.set(out.subarray(0, at));
        out = grown;
        outView = new DataView(grown.buffer);
      }
      outView.setUint32(at, view.getUint32(start, true), true);
      outView.setUint32(at + 4, view.getUint32(start + 4, true), true);
      for (let j = 8; j < length; j++) out[at + j] = bytes[start + j]!;
      at += length;
    }
    // Keep a scratch buffer of up to 4 MB for the next decode.
    if (out.length <= 1 << 22) {
      this.scratch = out;
      this.scratchView = outView;
    }
    return out.subarray(0, at);
  }

  /**
   * The bytes of every token in one buffer: token `id` is
   * `bytes[offsets[id], offsets[id + 1])`. One flat buffer makes decoding several times faster than one small
   * array per token.
   */
  private tokenTable(): { offsets: Int32Array; bytes: Uint8Array; view: DataView } {
    if (this.bytesTable !== undefined) return this.bytesTable;
    const n = this.vocabulary.vocabSize;
    const { mergeLeft, mergeRight, mergeResult } = this.vocabulary;
    // Lengths: a byte token is 1 byte, a merge the sum of its parts. Merges come after their parts in rank
    // order (true of every trained vocabulary); any other token is measured on its own.
    const lengths = new Int32Array(n).fill(-1);
    for (let b = 0; b < 256; b++) lengths[this.vocabulary.byteToId[b]!] = 1;
    for (let r = 0; r < mergeResult.length; r++) {
      const left = lengths[mergeLeft[r]!]!;
      const right = lengths[mergeRight[r]!]!;
      if (left > 0 && right > 0 && lengths[mergeResult[r]!] === -1) lengths[mergeResult[r]!] = left + right;
    }
    for (let id = 0; id < n; id++) if (lengths[id] === -1) lengths[id] = this.of(id).length;
    const offsets = new Int32Array(n + 1);
    for (let id = 0; id < n; id++) offsets[id + 1] = offsets[id]! + lengths[id]!;
    // Bytes: each merge copies its two parts, already in the buffer (8 spare bytes at the end, for bytesOf).
    const bytes = new Uint8Array(offsets[n]! + 8);
    const filled = new Uint8Array(n);
    for (let b = 0; b < 256; b++) {
      bytes[offsets[this.vocabulary.byteToId[b]!]!] = b;
      filled[this.vocabulary.byteToId[b]!] = 1;
    }
    for (let r = 0; r < mergeResult.length; r++) {
      const result = mergeResult[r]!;
      const left = mergeLeft[r]!;
      const right = mergeRight[r]!;
      if (filled[result] === 1 || filled[left] === 0 || filled[right] === 0) continue;
      let at = offsets[result]!;
      for (let j = offsets[left]!, end = offsets[left + 1]!; j < end; j++) bytes[at++] = bytes[j]!;
      for (let j = offsets[right]!, end = offsets[right + 1]!; j < end; j++) bytes[at++] = bytes[j]!;
      filled[result] = 1;
    }
    for (let id = 0; id < n; id++) if (filled[id] === 0) bytes.set(this.of(id), offsets[id]!);
    this.bytesTable = { offsets, bytes, view: new DataView(bytes.buffer) };
    return this.bytesTable;
  }

  /** The bytes of one token: a byte, a merge of two tokens, a special token's UTF-8, or its listed string. */
  of(id: number): Uint8Array {
    const table = this.bytesTable;
    if (table !== undefined) return table.bytes.subarray(table.offsets[id], table.offsets[id + 1]);
    const known = this.idBytes[id];
    if (known !== undefined) return known;
    const vocabulary = this.vocabulary;
    let bytes: Uint8Array;
    const listed = vocabulary.tokens?.[id];
    const rank = this.mergeIndex()[id]!;
    if (rank >= 0) {
      const left = this.of(vocabulary.mergeLeft[rank]!);
      const right = this.of(vocabulary.mergeRight[rank]!);
      bytes = new Uint8Array(left.length + right.length);
      bytes.set(left);
      bytes.set(right, left.length);
    } else if (rank === -2) {
      bytes = Uint8Array.of(this.byteOfId(id));
    } else if (listed !== undefined && this.special(id) === undefined) {
      bytes = new Uint8Array(listed.length);
      for (let i = 0; i < listed.length; i++) bytes[i] = listedByte(listed, i);
    } else {
      bytes = encodeUtf8(this.special(id) ?? '');
    }
    this.idBytes[id] = bytes;
    return bytes;
  }

  /** For each id: its merge rank, -2 for a byte token, -1 otherwise. */
  private mergeIndex(): Int32Array {
    if (this.mergeOf !== undefined) return this.mergeOf;
    const index = new Int32Array(this.vocabulary.vocabSize).fill(-1);
    for (let b = 0; b < 256; b++) index[this.vocabulary.byteToId[b]!] = -2;
    const result = this.vocabulary.mergeResult;
    for (let r = result.length - 1; r >= 0; r--) index[result[r]!] = r;
    this.mergeOf = index;
    return index;
  }

  private byteOfId(id: number): number {
    for (let b = 0; b < 256; b++) if (this.vocabulary.byteToId[b] === id) return b;
    return 0;
  }

  /** The content of special token `id`, or `undefined` if it is not one. */
  special(id: number): string | undefined {
    this.specialById ??= new Map(
      [...this.vocabulary.specialTokens].map(([content, special]) => [special, content]),
    );
    return this.specialById.get(id);
  }
}

/** The byte that character `i` of a listed token stands for. */
function listedByte(token: string, i: number): number {
  const byte = charToByte(token.charCodeAt(i));
  if (byte >= 0) return byte;
  check.fail(
    'Encoder.decode',
    'ids',
    token,
    `character ${i} of a vocabulary token stands for no byte`,
    'tokens made of the byte-to-unicode characters',
    { code: 'INVALID_VOCABULARY' },
  );
}
