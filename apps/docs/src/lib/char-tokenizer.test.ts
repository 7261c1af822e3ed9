import { readFileSync } from 'node:fs';
import { modelUrl } from '@lxmls/models';
import { describe, expect, test } from 'vitest';
import { charTokenizerFromJson } from './char-tokenizer.js';

const json = readFileSync(new URL('tokenizer.json', modelUrl('lxmls/shakespeare-char')), 'utf8');

describe('charTokenizerFromJson', () => {
  test('charTokenizerFromJson(shakespeare-char) has 65 characters and round-trips text', () => {
    const t = charTokenizerFromJson(json);
    expect(t.chars).toHaveLength(65);
    expect(t.startId).toBe(0); // the newline
    const ids = t.encode('ROMEO:\nO, she!');
    expect(ids.slice(0, 3)).toEqual([30, 27, 25]);
    expect(t.decode(ids)).toBe('ROMEO:\nO, she!');
  });

  test('encode names a character outside the vocabulary', () => {
    expect(() => charTokenizerFromJson(json).encode('café')).toThrow(/"é" is not in the model's vocabulary/);
  });

  test.each([
    [{ model: { type: 'BPE', vocab: {} } }, /Expected model\.type "WordLevel"/],
    [{ model: { type: 'WordLevel', vocab: { ab: 0 } } }, /received "ab": 0/],
    [{ model: { type: 'WordLevel', vocab: { a: 3 } } }, /received "a": 3/],
  ])('charTokenizerFromJson(%j) throws', (bad, message) => {
    expect(() => charTokenizerFromJson(bad)).toThrow(message);
  });
});
