import { describe, expect, test } from 'vitest';
import { safetensors } from './hostile-server.test.helpers.js';
import { fileProblem } from './validate.js';

const text = (s: string) => new TextEncoder().encode(s);

/** A safetensors file with the given header object and `data` bytes after it. */
function withHeader(header: unknown, data: number): Uint8Array {
  const h = text(JSON.stringify(header));
  const out = new Uint8Array(8 + h.byteLength + data);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.byteLength), true);
  out.set(h, 8);
  return out;
}

describe('fileProblem', () => {
  test.each([
    ['config.json', null, text('{"a": 1}')],
    ['config.json', 'it is empty', text('')],
    ['tokenizer_config.json', 'it is not JSON (it starts with "{\\"a\\":")', text('{"a": ')],
    ['config.json', 'it is not UTF-8 text', new Uint8Array([0xff, 0xfe])],
    ['vocab.txt', 'it is not UTF-8 text', new Uint8Array([0xc3])],
    ['vocab.txt', null, text('[PAD]\n')],
    ['model.safetensors', null, safetensors(10)],
    [
      'model.safetensors',
      'the tensor "w" ends at byte 40 of the data, which holds',
      safetensors(10).subarray(0, 8 + 56 + 10),
    ],
    [
      'model.safetensors',
      'its tensors cover 8 bytes of data, the file holds 12',
      withHeader({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 12),
    ],
    [
      'model.safetensors',
      'needs 12 bytes, its offsets give 8',
      withHeader({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8),
    ],
    // every dtype of the format is a valid file, those @lxmls/nn cannot convert too (nn names them at load)
    ['model.safetensors', null, withHeader({ s: { dtype: 'F8_E8M0', shape: [4], data_offsets: [0, 4] } }, 4)],
    ['model.safetensors', null, withHeader({ z: { dtype: 'C64', shape: [2], data_offsets: [0, 16] } }, 16)],
    ['model.safetensors', 'its header is not a JSON object', withHeader([1], 0)],
    ['model.safetensors', 'has no valid data_offsets', withHeader({ w: { dtype: 'F32', shape: [1] } }, 4)],
    ['model.safetensors', 'its header length', text('<html><body>sign in')],
    ['weights.bin', null, text('anything')],
  ])('fileProblem(%j, …) is %j', (name, expected, bytes) => {
    const problem = fileProblem(name, bytes);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toContain(expected);
  });
});
