import { readFileSync } from 'node:fs';
import { thrownError } from '@lxmls/base';
import { memory, type Tensor, tensor, tidy } from '@lxmls/tensor';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LxmlsNnError, readSafetensors, readSafetensorsHeader, writeSafetensors } from './index.js';

/** Builds a file from a header (object, or raw JSON text) and a data buffer. */
function file(header: unknown, data: ArrayLike<number> = [], headerLength?: number | bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Little-endian bytes of `values` written with `setter` (`setUint16`, `setFloat64`, `setBigInt64`, …). */
function bytesOf<T>(values: T[], size: number, set: (view: DataView, at: number, v: T) => void): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (const [i, v] of values.entries()) set(view, i * size, v);
  return out;
}

const u16 = (values: number[]) => bytesOf(values, 2, (d, at, v) => d.setUint16(at, v, true));
const entry = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});
/** Reads the single tensor `x` of a hand-built file. */
const readX = (dtype: string, shape: number[], data: Uint8Array) =>
  readSafetensors(file({ x: entry(dtype, shape, 0, data.length) }, data)).tensors.get('x') as Tensor;

const errorOf = (f: () => unknown): LxmlsNnError => thrownError(LxmlsNnError, f);

describe('writeSafetensors and readSafetensors', () => {
  test('writeSafetensors(Map) then readSafetensors gives the same names, order, shapes, dtypes and values', () => {
    const state = new Map<string, Tensor>([
      [
        'z.weight',
        tensor([
          [1.5, -2],
          [3.25, 1e-30],
        ]),
      ],
      ['a.ids', tensor([1, -7, 2147483647, -2147483648], [2, 2], 'int32')],
      ['scalar', tensor(0.1)],
      ['empty', tensor(new Float32Array(0), [0, 3])],
      ['0', tensor([9])],
    ]);
    const { tensors, metadata } = readSafetensors(writeSafetensors(state, { format: 'pt' }));
    expect([...tensors.keys()]).toEqual(['z.weight', 'a.ids', 'scalar', 'empty', '0']);
    for (const [name, t] of state) {
      const back = tensors.get(name) as Tensor;
      expect(back.shape).toEqual(t.shape);
      expect(back.dtype).toBe(t.dtype);
      expect(back.data()).toEqual(t.data());
    }
    expect(metadata).toEqual({ format: 'pt' });
  });

  test('writeSafetensors pads the header with spaces to a multiple of 8 and lays the data out in order', () => {
    const bytes = writeSafetensors({ a: tensor([1, 2]), b: tensor([3], undefined, 'int32') }, { k: 'v' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text).toMatch(/^\{"__metadata__":\{"k":"v"\},"a":\{.*\} *$/);
    expect(text.trimEnd().length).toBeGreaterThan(n - 8);
    expect(readSafetensorsHeader(bytes).entries).toEqual([
      { name: 'a', dtype: 'F32', shape: [2], begin: 0, end: 8 },
      { name: 'b', dtype: 'I32', shape: [1], begin: 8, end: 12 },
    ]);
    expect(new Float32Array(bytes.slice(8 + n, 8 + n + 8).buffer)).toEqual(Float32Array.of(1, 2));
  });

  test('writeSafetensors(…, { int64: true }) writes int32 tensors as sign-extended I64', () => {
    const bytes = writeSafetensors({ ids: tensor([5, -1], undefined, 'int32') }, {}, { int64: true });
    const { entries, dataOffset } = readSafetensorsHeader(bytes);
    expect(entries[0]).toMatchObject({ dtype: 'I64', begin: 0, end: 16 });
    const view = new DataView(bytes.buffer, dataOffset);
    expect([view.getBigInt64(0, true), view.getBigInt64(8, true)]).toEqual([5n, -1n]);
    expect(readSafetensors(bytes).tensors.get('ids')?.toArray()).toEqual([5, -1]);
  });

  test('writeSafetensors without metadata omits __metadata__', () => {
    const bytes = writeSafetensors({ a: tensor([1]) });
    expect(new TextDecoder().decode(bytes)).not.toContain('__metadata__');
    expect(readSafetensors(bytes).metadata).toEqual({});
  });

  test.each([
    ['an empty name', { '': tensor([1]) }, {}],
    ['the name __metadata__', { __metadata__: tensor([1]) }, {}],
    ['a value that is not a tensor', { a: [1, 2] as unknown as Tensor }, {}],
    ['a metadata value that is not a string', { a: tensor([1]) }, { n: 3 as unknown as string }],
  ])('writeSafetensors rejects %s with INVALID_ARGUMENT', (_, tensors, metadata) => {
    expect(errorOf(() => writeSafetensors(tensors, metadata)).code).toBe('INVALID_ARGUMENT');
  });

  test('readSafetensors round-trips random float32 and int32 tensors (property)', () => {
    const shape = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
    const item = fc.record({
      shape,
      int: fc.boolean(),
      seed: fc.array(fc.float({ noDefaultInfinity: false }), { minLength: 64, maxLength: 64 }),
      ints: fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 64, maxLength: 64 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string({ minLength: 1 }), item), {
          selector: ([name]) => name,
          maxLength: 5,
        }),
        fc.dictionary(fc.string(), fc.string()),
        fc.boolean(),
        (items, metadata, int64) => {
          tidy(() => {
            const state = new Map<string, Tensor>();
            for (const [name, it] of items) {
              if (name === '__metadata__') continue;
              const size = it.shape.reduce((a, b) => a * b, 1);
              state.set(
                name,
                it.int
                  ? tensor(Int32Array.from(it.ints.slice(0, size)), it.shape, 'int32')
                  : tensor(Float32Array.from(it.seed.slice(0, size)), it.shape),
              );
            }
            const bytes = writeSafetensors(state, metadata, { int64 });
            const back = readSafetensors(bytes);
            expect([...back.tensors.keys()]).toEqual([...state.keys()]);
            for (const [name, t] of state) {
              const b = back.tensors.get(name) as Tensor;
              expect(b.shape).toEqual(t.shape);
              expect(b.dtype).toBe(t.dtype);
              expect(b.data()).toEqual(t.data()); // NaN equals NaN, -0 stays -0
            }
            expect(back.metadata).toEqual({ ...metadata });
          });
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  test('readSafetensors(bytes, { names }) converts only the selected tensors', () => {
    const bytes = writeSafetensors({ a: tensor([1]), b: tensor([2]), c: tensor([3]) });
    expect([...readSafetensors(bytes, { names: (n) => n !== 'b' }).tensors.keys()]).toEqual(['a', 'c']);
  });

  test('readSafetensors keeps the header order, integer-like names included', () => {
    const data = new Uint8Array(12);
    const e = (begin: number) => JSON.stringify(entry('F32', [1], begin, begin + 4));
    const bytes = file(`{"b":${e(8)}, "10" : ${e(0)},\n"a":${e(4)}}`, data); // JSON.parse would put "10" first
    expect([...readSafetensors(bytes).tensors.keys()]).toEqual(['b', '10', 'a']);
  });

  test('readSafetensors reads a subarray of a larger buffer at an unaligned offset', () => {
    const inner = writeSafetensors({ x: tensor([1.5, -3]), i: tensor([7], undefined, 'int32') });
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 1);
    const { tensors } = readSafetensors(outer.subarray(1, 1 + inner.length));
    expect(tensors.get('x')?.toArray()).toEqual([1.5, -3]);
    expect(tensors.get('i')?.toArray()).toEqual([7]);
  });

  test('readSafetensors frees nothing it did not make and leaks nothing when it throws', () => {
    const before = memory().numTensors;
    const bad = file({ a: entry('F32', [1], 0, 4), b: entry('I64', [1], 4, 12) }, [
      ...new Uint8Array(4),
      ...bytesOf([2n ** 40n], 8, (d, at, v) => d.setBigInt64(at, v, true)),
    ]);
    expect(errorOf(() => readSafetensors(bad)).code).toBe('UNSUPPORTED_DTYPE');
    expect(memory().numTensors).toBe(before);
  });
});

describe('writeSafetensors with float16', () => {
  /** The F16 bits writeSafetensors writes for each float32 value. */
  const halfBits = (values: number[]) => {
    const bytes = writeSafetensors({ x: tensor(values) }, {}, { float16: true });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const view = new DataView(bytes.buffer, 8 + headerLength);
    return values.map((_, i) => view.getUint16(2 * i, true));
  };

  test.each([
    [
      'exact values',
      [1, -2, 65504, 2 ** -24, 2 ** -14, 0.5],
      [0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x3800],
    ],
    ['signed zeros and infinities', [0, -0, Infinity, -Infinity], [0x0000, 0x8000, 0x7c00, 0xfc00]],
    ['overflow to infinity', [65520, -1e6], [0x7c00, 0xfc00]],
    ['ties to even', [1 + 2 ** -11, 1 + 3 * 2 ** -11], [0x3c00, 0x3c02]],
    ['above and below a tie', [1 + 2 ** -11 + 2 ** -20, 1 + 2 ** -11 - 2 ** -20], [0x3c01, 0x3c00]],
    [
      'subnormals and underflow',
      [3 * 2 ** -25, 2 ** -25, 2 ** -26, -(2 ** -24)],
      [0x0002, 0x0000, 0x0000, 0x8001],
    ],
    ['the carry into the exponent', [2 - 2 ** -12], [0x4000]],
  ])('writeSafetensors(..., { float16: true }) writes %s', (_, values, bits) => {
    expect(halfBits(values)).toEqual(bits);
  });

  test('writeSafetensors(..., { float16: true }) writes NaN as a NaN', () => {
    const [h] = halfBits([Number.NaN]);
    expect(h! & 0x7c00).toBe(0x7c00);
    expect(h! & 0x3ff).not.toBe(0);
  });

  test('writeSafetensors(..., { float16: true }) round-trips through readSafetensors within half precision', () => {
    const state = new Map<string, Tensor>([
      ['w', tensor([0.1, -0.3333, 12.7, 1e-3], [2, 2])],
      ['ids', tensor([1, -7], [2], 'int32')],
    ]);
    const bytes = writeSafetensors(state, {}, { float16: true });
    const { tensors } = readSafetensors(bytes);
    expect(readSafetensorsHeader(bytes).entries.map((e) => e.dtype)).toEqual(['F16', 'I32']);
    const w = [...tensors.get('w')!.data()];
    [0.1, -0.3333, 12.7, 1e-3].forEach((v, i) => {
      expect(Math.abs(w[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11);
    });
    expect([...tensors.get('ids')!.data()]).toEqual([1, -7]);
    for (const t of [...state.values(), ...tensors.values()]) t.dispose();
  });
});

describe('readSafetensors dtype conversions (hand-built files)', () => {
  test('readSafetensors converts F16 exactly: 1, -2, 65504, 2^-24, -0, ±inf, NaN, 2^-14', () => {
    const x = readX(
      'F16',
      [9],
      u16([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x0400]),
    );
    expect(x.dtype).toBe('float32');
    expect([...x.data()]).toEqual([1, -2, 65504, 2 ** -24, -0, Infinity, -Infinity, Number.NaN, 2 ** -14]);
    expect(Object.is(x.data()[4], -0)).toBe(true);
  });

  test('readSafetensors converts BF16 exactly: 1, -2, 3.140625, ±inf, NaN, the smallest subnormal', () => {
    const x = readX('BF16', [2, 3], u16([0x3f80, 0xc000, 0x4049, 0x7f80, 0xff80, 0x7fc0]));
    expect(x.shape).toEqual([2, 3]);
    expect([...x.data()]).toEqual([1, -2, 3.140625, Infinity, -Infinity, Number.NaN]);
    expect(readX('BF16', [1], u16([0x0001])).item()).toBe(2 ** -133);
  });

  test('readSafetensors converts F64 to the nearest float32', () => {
    const data = bytesOf([0.1, -1e300, 2.5], 8, (d, at, v) => d.setFloat64(at, v, true));
    expect([...readX('F64', [3], data).data()]).toEqual([Math.fround(0.1), -Infinity, 2.5]);
  });

  test('readSafetensors converts I64 (in range) to int32', () => {
    const data = bytesOf([0n, -5n, 2147483647n, -2147483648n], 8, (d, at, v) => d.setBigInt64(at, v, true));
    const x = readX('I64', [4], data);
    expect(x.dtype).toBe('int32');
    expect(x.toArray()).toEqual([0, -5, 2147483647, -2147483648]);
  });

  test.each([
    ['I64', 2147483648n],
    ['I64', -2147483649n],
    ['U64', 2n ** 63n],
  ])(
    'readSafetensors rejects %s value %s, which does not fit in int32, naming tensor and element',
    (dtype, v) => {
      const data = bytesOf([1n, v], 8, (d, at, x) => d.setBigUint64(at, BigInt.asUintN(64, x), true));
      const e = errorOf(() => readX(dtype, [2], data));
      expect(e.code).toBe('UNSUPPORTED_DTYPE');
      expect(e.message).toContain('"x"');
      expect(e.message).toContain(`${v} at element 1`);
    },
  );

  test.each([
    ['I32', [-3, 4], 4, (d: DataView, at: number, v: number) => d.setInt32(at, v, true)],
    ['U32', [3, 2147483647], 4, (d: DataView, at: number, v: number) => d.setUint32(at, v, true)],
    ['I16', [-300, 300], 2, (d: DataView, at: number, v: number) => d.setInt16(at, v, true)],
    ['U16', [65535, 0], 2, (d: DataView, at: number, v: number) => d.setUint16(at, v, true)],
    ['I8', [-128, 127], 1, (d: DataView, at: number, v: number) => d.setInt8(at, v)],
    ['U8', [255, 1], 1, (d: DataView, at: number, v: number) => d.setUint8(at, v)],
    ['BOOL', [1, 0], 1, (d: DataView, at: number, v: number) => d.setUint8(at, v)],
  ])('readSafetensors converts %s %j to int32', (dtype, values, size, set) => {
    const x = readX(dtype, [2], bytesOf(values, size, set));
    expect(x.dtype).toBe('int32');
    expect(x.toArray()).toEqual(values);
  });

  test('readSafetensors converts F32 with its bit patterns intact', () => {
    const values = [1.5, -0, Number.NaN, 3.4028234663852886e38, 2 ** -149];
    const x = readX('F32', [5], new Uint8Array(Float32Array.from(values).buffer));
    expect([...x.data()]).toEqual(values);
  });

  test.each(['F8_E4M3', 'F8_E5M2', 'C64'])(
    'readSafetensors rejects %s with UNSUPPORTED_DTYPE naming the tensor',
    (dtype) => {
      const size = dtype === 'C64' ? 8 : 1;
      const e = errorOf(() => readX(dtype, [1], new Uint8Array(size)));
      expect(e.code).toBe('UNSUPPORTED_DTYPE');
      expect(e.message).toContain('"x"');
      expect(e.message).toContain(dtype);
    },
  );

  test('readSafetensors skips an unsupported tensor the names filter leaves out', () => {
    const bytes = file({ f8: entry('F8_E4M3', [2], 0, 2), y: entry('F32', [1], 2, 6) }, new Uint8Array(6));
    expect([...readSafetensors(bytes, { names: (n) => n === 'y' }).tensors.keys()]).toEqual(['y']);
  });
});

describe('readSafetensors on the tiny-gpt2 reference file', () => {
  const bytes = new Uint8Array(
    readFileSync(new URL('./__fixtures__/tiny-gpt2-reference.safetensors', import.meta.url)),
  );

  test('readSafetensorsHeader lists a.logits F32 [1, 5, 50257] and a.greedy I64 [1, 35], in file order', () => {
    const { entries, metadata } = readSafetensorsHeader(bytes);
    expect(entries.map((e) => e.name)).toEqual([
      'a.greedy',
      'a.input_ids',
      'b.argmax',
      'b.input_ids',
      'c.input_ids',
      'a.attentions',
      'a.embeddings',
      'a.last_hidden',
      'a.logits',
      'b.last_logits',
      'b.loss',
      'c.last_logits',
    ]);
    expect(entries.find((e) => e.name === 'a.logits')).toMatchObject({ dtype: 'F32', shape: [1, 5, 50257] });
    expect(entries.find((e) => e.name === 'a.greedy')).toMatchObject({
      dtype: 'I64',
      shape: [1, 35],
      begin: 0,
      end: 280,
    });
    expect(Object.keys(metadata).sort()).toEqual(['config', 'notes', 'texts', 'torch', 'transformers']);
    expect(JSON.parse(metadata.texts as string)).toEqual({ a: 'Barack Obama, the' });
  });

  test('readSafetensors gives the shapes, dtypes and values (checked against Python struct)', () => {
    tidy(() => {
      const { tensors, metadata } = readSafetensors(bytes);
      expect(tensors.size).toBe(12);
      expect(tensors.get('a.logits')?.shape).toEqual([1, 5, 50257]);
      expect(tensors.get('a.attentions')?.shape).toEqual([3, 1, 3, 5, 5]);
      expect(tensors.get('a.greedy')?.dtype).toBe('int32');
      expect(tensors.get('a.input_ids')?.toArray()).toEqual([[10374, 441, 2486, 11, 262]]);
      expect(tensors.get('b.loss')?.item()).toBeCloseTo(11.16933536529541, 6);
      expect([...(tensors.get('a.logits') as Tensor).data().subarray(0, 3)]).toEqual(
        [-0.2564351260662079, -0.8596081137657166, -0.011904347687959671].map(Math.fround),
      );
      expect(JSON.parse(metadata.config as string).architectures).toEqual(['GPT2LMHeadModel']);
    });
  });

  test('writeSafetensors(readSafetensors(file)) reproduces the data buffer byte for byte (with int64)', () => {
    tidy(() => {
      const { tensors, metadata } = readSafetensors(bytes);
      const again = writeSafetensors(tensors, metadata, { int64: true });
      const a = readSafetensorsHeader(bytes);
      const b = readSafetensorsHeader(again);
      expect(b.entries).toEqual(a.entries);
      // Buffer.equals: a deep toEqual on 1.6 MB takes seconds.
      expect(Buffer.from(again.subarray(b.dataOffset)).equals(bytes.subarray(a.dataOffset))).toBe(true);
      expect(again.length - b.dataOffset).toBe(bytes.length - a.dataOffset);
    });
  });
});

describe('readSafetensors validation of hostile files', () => {
  const ok = { x: entry('F32', [2], 0, 8) };
  const data8 = new Uint8Array(8);
  const cases: [string, Uint8Array, string][] = [
    ['a file shorter than 8 bytes', new Uint8Array(5), '5 bytes'],
    ['a header length above maxHeaderBytes', file(ok, data8, 200_000_000), '200000000 bytes'],
    ['a header length of 2^64 - 1', file(ok, data8, 2n ** 64n - 1n), '18446744073709551615 bytes'],
    ['a header length past the end of the file', file(ok, [], 1000), '1000 bytes'],
    ['a header that is not JSON', file('{"x": {', data8), 'UTF-8 JSON'],
    ['a header that is not UTF-8', file(' ', data8).fill(0xff, 8, 9), 'UTF-8 JSON'],
    ['a header that is an array', file([1, 2]), 'not a JSON object'],
    ['a header that is null', file('null'), 'not a JSON object'],
    ['an entry that is not an object', file({ x: 3 }), '"x" is not an object'],
    [
      'an entry without dtype',
      file({ x: { shape: [2], data_offsets: [0, 8] } }, data8),
      '"x" has no string dtype',
    ],
    [
      'a dtype that is not a string',
      file({ x: entry(4 as unknown as string, [2], 0, 8) }, data8),
      'received 4',
    ],
    [
      'an entry without shape',
      file({ x: { dtype: 'F32', data_offsets: [0, 8] } }, data8),
      '"x" has no shape',
    ],
    ['a negative dim', file({ x: entry('F32', [2, -1], 0, 8) }, data8), 'axis 1'],
    ['a non-integer dim', file({ x: entry('F32', [2.5], 0, 8) }, data8), 'received 2.5'],
    ['a string dim', file({ x: entry('F32', ['2' as unknown as number], 0, 8) }, data8), 'received "2"'],
    [
      'an entry without data_offsets',
      file({ x: { dtype: 'F32', shape: [2] } }, data8),
      'invalid data_offsets',
    ],
    [
      'data_offsets of three numbers',
      file({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 4, 8] } }, data8),
      '[0,4,8]',
    ],
    ['a negative offset', file({ x: entry('F32', [2], -8, 0) }, data8), '[-8,0]'],
    ['begin > end', file({ x: entry('F32', [0], 8, 0) }, data8), 'begin 8'],
    ['an end beyond the buffer', file({ x: entry('F32', [4], 0, 16) }, data8), 'end 16'],
    ['a byte length ≠ product(shape) × 4', file({ x: entry('F32', [3], 0, 8) }, data8), '3 × 4 bytes'],
    ['a huge shape', file({ x: entry('F32', [1e9, 1e9, 1e9], 0, 8) }, data8), 'more than 8'],
    [
      'overlapping ranges',
      file({ x: entry('F32', [2], 0, 8), y: entry('F32', [1], 4, 8) }, data8),
      'overlaps tensor "x"',
    ],
    ['a hole before a tensor', file({ x: entry('F32', [1], 4, 8) }, data8), 'hole before tensor "x"'],
    ['bytes after the last tensor', file({ x: entry('F32', [1], 0, 4) }, data8), '4 extra'],
    [
      'a name given twice',
      file('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{}}', data8),
      '"x" twice',
    ],
    [
      '__metadata__ that is not an object',
      file({ __metadata__: 'pt', ...ok }, data8),
      '__metadata__ is not an object',
    ],
    [
      'a metadata value that is not a string',
      file({ __metadata__: { n: 1 }, ...ok }, data8),
      '__metadata__.n',
    ],
  ];

  test.each(cases)('readSafetensors rejects %s with INVALID_SAFETENSORS', (_, bytes, detail) => {
    const e = errorOf(() => readSafetensors(bytes));
    expect(e.code).toBe('INVALID_SAFETENSORS');
    expect(e.message).toMatch(/^\[@lxmls\/nn\] readSafetensors: /);
    expect(e.message).toContain(detail);
    expect(errorOf(() => readSafetensorsHeader(bytes)).message).toMatch(
      /^\[@lxmls\/nn\] readSafetensorsHeader: /,
    );
  });

  test('readSafetensorsHeader names a duplicate among 100,000 names (one pass, not quadratic)', () => {
    // issue 17: the duplicate check compared every name with every earlier one (over 300 s for 1M names)
    const names = Array.from({ length: 100_000 }, (_, i) => `"t${i}":{}`);
    names.push('"t99999":{}');
    const e = errorOf(() => readSafetensorsHeader(file(`{${names.join(',')}}`, data8)));
    expect(e.code).toBe('INVALID_SAFETENSORS');
    expect(e.message).toContain('the header names "t99999" twice');
  });

  test('readSafetensors names the tensor and the file offset of an end beyond the buffer', () => {
    const bytes = file({ x: entry('F32', [4], 0, 16) }, data8);
    const e = errorOf(() => readSafetensors(bytes));
    expect(e.argument).toBe('x');
    expect(e.message).toContain(`file offset ${bytes.length - 8 + 16}`);
  });

  test('readSafetensors(bytes, { maxHeaderBytes }) lowers the header limit', () => {
    const bytes = writeSafetensors({ a: tensor([1]) });
    expect(errorOf(() => readSafetensors(bytes, { maxHeaderBytes: 16 })).message).toContain('maxHeaderBytes');
  });

  test.each([
    ['NaN', Number.NaN, 'NaN at flat index 2 of 4'],
    ['+Infinity', Number.POSITIVE_INFINITY, 'Infinity at flat index 2 of 4'],
    ['-Infinity', Number.NEGATIVE_INFINITY, '-Infinity at flat index 2 of 4'],
  ])(
    'readSafetensors(bytes, { finite: true }) refuses a weight of %s, naming the tensor and the index',
    (_, bad, text) => {
      const bytes = writeSafetensors({ ok: tensor([1, 2]), w: tensor([0, 1, bad, 3]) });
      const e = errorOf(() => readSafetensors(bytes, { finite: true }));
      expect([e.code, e.argument]).toEqual(['INVALID_SAFETENSORS', 'w']);
      expect(e.message).toBe(
        `[@lxmls/nn] readSafetensors: tensor "w" holds a value that is not finite. Expected finite weights (options.finite), received ${text}.`,
      );
      expect(readSafetensors(bytes).tensors.get('w')?.toArray()).toEqual([0, 1, bad, 3]); // the default reads them
      expect(readSafetensors(bytes, { finite: true, names: (n) => n === 'ok' }).tensors.size).toBe(1);
    },
  );

  test('readSafetensors rejects a dtype outside the specification with UNSUPPORTED_DTYPE', () => {
    const e = errorOf(() => readSafetensors(file({ x: entry('F128', [1], 0, 16) }, new Uint8Array(16))));
    expect(e.code).toBe('UNSUPPORTED_DTYPE');
    expect(e.message).toContain('"F128"');
  });

  test('readSafetensors rejects something that is not a Uint8Array with INVALID_ARGUMENT', () => {
    expect(errorOf(() => readSafetensors([1, 2, 3] as unknown as Uint8Array)).code).toBe('INVALID_ARGUMENT');
  });

  test('readSafetensors accepts zero-length tensors anywhere, with begin = end', () => {
    const bytes = file(
      { e: entry('F32', [0], 0, 0), x: entry('F32', [1], 0, 4), f: entry('I64', [2, 0], 4, 4) },
      new Uint8Array(4),
    );
    const { tensors } = readSafetensors(bytes);
    expect([...tensors].map(([n, t]) => [n, t.shape])).toEqual([
      ['e', [0]],
      ['x', [1]],
      ['f', [2, 0]],
    ]);
  });
});
