// The cache folder and the cache paths (moved here from @lxmls/gpt's source.test.ts, issue 13).
import { describe, expect, test } from 'vitest';
import { cacheKey, cachePathForUrl, defaultCacheDir } from './cache.js';

describe('the cache folder', () => {
  test.each([
    [{ LXMLS_CACHE_DIR: '/a/', XDG_CACHE_HOME: '/b', HOME: '/c' }, '/a'],
    [{ LXMLS_CACHE_DIR: '', XDG_CACHE_HOME: '/b', HOME: '/c' }, '/b/lxmls'],
    [{ HOME: '/c' }, '/c/.cache/lxmls'],
    [{ USERPROFILE: 'C:\\Users\\ana' }, 'C:\\Users\\ana/.cache/lxmls'],
    [{}, null],
  ])('defaultCacheDir(%j) is %j', (env, expected) => {
    expect(defaultCacheDir(env)).toBe(expected);
  });

  test('cachePathForUrl keeps every URL inside the cache folder', () => {
    for (const url of ['http://h/../../etc/passwd', 'http://h/a/%2e%2e/b', 'https://h/./x', 'http://h/']) {
      const path = cachePathForUrl('/cache', url);
      expect(path.startsWith('/cache/downloads/h')).toBe(true);
      expect(path.split('/').some((s) => s === '..' || s === '.')).toBe(false);
    }
  });

  test('cachePathForUrl and cacheKey leave credentials out', () => {
    expect(cacheKey('https://ana:pw@h/x')).toBe('https://h/x');
    expect(cachePathForUrl('/c', 'https://ana:pw@h/x')).toBe('/c/downloads/h/x');
  });
});
