// Tests of streaming.ts: StreamingDecoder pieces always add up to Encoder.decode of all the ids.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { getEncoder, LxmlsBpeError, StreamingDecoder, trainBPE } from './index.js';

const encoder = getEncoder();

/** Pushes `ids` in the given batches and returns every piece, the flush included. */
function stream(decoder: StreamingDecoder, batches: number[][]): string[] {
  const pieces = batches.map((batch) => decoder.push(batch));
  pieces.push(decoder.flush());
  return pieces;
}

/** Cuts `ids` into batches at the given positions. */
function cut(ids: number[], cuts: number[]): number[][] {
  const at = [...new Set(cuts.map((c) => c % (ids.length + 1)))].sort((a, b) => a - b);
  const batches: number[][] = [];
  let start = 0;
  for (const end of [...at, ids.length]) {
    batches.push(ids.slice(start, end));
    start = end;
  }
  return batches;
}

describe('StreamingDecoder', () => {
  test('push(id) holds back the bytes of an emoji split across tokens', () => {
    const decoder = new StreamingDecoder();
    // ' 🤗' is 12520 (' ' F0 9F), 97 (A4), 245 (97).
    expect([12520, 97, 245].map((id) => decoder.push(id))).toEqual([' ', '', '🤗']);
    expect(decoder.flush()).toBe('');
  });

  test('push(ids) decodes the golden Karpathy sentence piece by piece', () => {
    const ids = [15496, 3228, 314, 1101, 10948, 73, 509, 5117, 10036, 13, 632, 338, 33160, 13, 266, 405, 83];
    const decoder = new StreamingDecoder(encoder);
    const pieces = stream(
      decoder,
      ids.map((id) => [id]),
    );
    expect(pieces.join('')).toBe("Hello!! I'm Andrej Karpathy. It's 2022. w00t");
    expect(pieces.slice(0, 3)).toEqual(['Hello', '!!', ' I']);
  });

  test('flush() turns an unfinished character into U+FFFD, as decode does', () => {
    const decoder = new StreamingDecoder();
    expect(decoder.push([12520, 97])).toBe(' ');
    expect(decoder.flush()).toBe('\ufffd');
    expect(encoder.decode([12520, 97])).toBe(' \ufffd');
  });

  test('flush() empties the decoder, which can start a new stream', () => {
    const decoder = new StreamingDecoder();
    decoder.push(12520);
    decoder.flush();
    expect(decoder.push([97, 245])).toBe('\ufffd\ufffd');
    expect(decoder.flush()).toBe('');
    expect(decoder.push([40])).toBe('I');
  });

  test('push(ids) accepts one id, arrays, typed arrays and iterables; an empty batch gives ""', () => {
    const decoder = new StreamingDecoder();
    expect(decoder.push(40)).toBe('I');
    expect(decoder.push([588])).toBe(' like');
    expect(decoder.push(Int32Array.of(284))).toBe(' to');
    expect(decoder.push(new Set([2498]))).toBe(' circ');
    expect(decoder.push([])).toBe('');
    expect(decoder.flush()).toBe('');
  });

  test('a leading byte-order mark is kept, as Python keeps U+FEFF', () => {
    const ids = encoder.encode('\ufeffhi');
    const decoder = new StreamingDecoder();
    expect(
      stream(
        decoder,
        ids.map((id) => [id]),
      ).join(''),
    ).toBe('\ufeffhi');
  });

  test('push + flush equals decode(allIds) for any ids, however they are batched (property)', () => {
    // Ids whose bytes are not a whole character: pieces of emoji, CJK, accented letters, lone bytes.
    const partial = [
      ...encoder.encode('🤗 日本語 👍🏽 naïve ☃ 𝔘𝔫𝔦'),
      ...Array.from({ length: 256 }, (_, id) => id),
    ].filter((id) => encoder.decode([id]).includes('\ufffd'));
    expect(partial.length).toBeGreaterThan(100);
    const splitIds = fc.constantFrom(12520, 97, 245, ...partial);
    const anyId = fc.integer({ min: 0, max: encoder.vocabSize - 1 });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(splitIds, anyId), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (ids, cuts) => {
          const decoder = new StreamingDecoder();
          expect(stream(decoder, cut(ids, cuts)).join('')).toBe(encoder.decode(ids));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('push + flush equals decode for a trained encoder too (property)', () => {
    const trained = trainBPE(['naïve café 🤗🤗 日本語 日本', 'café 🤗 naïve'], { vocabSize: 300 });
    const decoder = new StreamingDecoder(trained);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: trained.vocabSize - 1 }), { maxLength: 30 }), (ids) => {
        expect(
          stream(
            decoder,
            ids.map((id) => [id]),
          ).join(''),
        ).toBe(trained.decode(ids));
      }),
    );
  });

  test.each([
    [[40, 99999], 'UNKNOWN_TOKEN', 'ids[1]'],
    [[-1], 'UNKNOWN_TOKEN', 'ids[0]'],
    [[40, 1.5], 'INVALID_ARGUMENT', 'ids[1]'],
    [['40'], 'INVALID_ARGUMENT', 'ids[0]'],
  ])('push(%j) throws %s naming %s, and consumes nothing', (ids, code, argument) => {
    const decoder = new StreamingDecoder();
    expect(decoder.push(12520)).toBe(' ');
    try {
      decoder.push(ids as number[]);
      expect.unreachable();
    } catch (e) {
      expect(LxmlsBpeError.isInstance(e)).toBe(true);
      expect((e as LxmlsBpeError).code).toBe(code);
      expect((e as LxmlsBpeError).argument).toBe(argument);
      expect((e as LxmlsBpeError).message).toContain('StreamingDecoder.push');
    }
    expect(decoder.push([97, 245])).toBe('🤗');
  });

  test('push(non-id) and new StreamingDecoder(non-encoder) throw INVALID_ARGUMENT', () => {
    expect(() => new StreamingDecoder().push(null as unknown as number)).toThrowError(LxmlsBpeError);
    expect(() => new StreamingDecoder({} as never)).toThrowError(
      /new StreamingDecoder: encoder must be an Encoder\. Expected .*, received object/,
    );
  });
});
