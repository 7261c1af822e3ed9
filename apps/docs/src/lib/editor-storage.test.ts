import { describe, expect, test } from 'vitest';
import { codeKey, forgetCode, type KeyValueStore, loadCode, saveCode } from './editor-storage.js';

/** A store backed by a Map, or one that throws like a denied or full localStorage. */
function mapStore(failing = false): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  const fail = () => {
    throw new DOMException('denied', 'SecurityError');
  };
  return {
    map,
    getItem: (k) => (failing ? fail() : (map.get(k) ?? null)),
    setItem: (k, v) => (failing ? fail() : void map.set(k, v)),
    removeItem: (k) => (failing ? fail() : void map.delete(k)),
  };
}

describe('saveCode / loadCode / forgetCode', () => {
  test('saveCode keeps one entry per exercise; loadCode reads it back; forgetCode removes it', () => {
    const store = mapStore();
    expect(loadCode(store, '2.1')).toBeNull();
    expect(saveCode(store, '2.1', 'one')).toBe(true);
    expect(saveCode(store, '2.2', 'two')).toBe(true);
    expect(loadCode(store, '2.1')).toBe('one');
    expect(loadCode(store, '2.2')).toBe('two');
    expect([...store.map.keys()]).toEqual([codeKey('2.1'), codeKey('2.2')]);
    forgetCode(store, '2.1');
    expect(loadCode(store, '2.1')).toBeNull();
    expect(loadCode(store, '2.2')).toBe('two');
  });

  test.each([
    ['no storage', null],
    ['storage that throws', mapStore(true)],
  ])('with %s: saveCode returns false, loadCode null, forgetCode does not throw', (_, store) => {
    expect(saveCode(store, '2.1', 'x')).toBe(false);
    expect(loadCode(store, '2.1')).toBeNull();
    expect(() => forgetCode(store, '2.1')).not.toThrow();
  });
});
