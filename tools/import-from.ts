/**
 * Imports a package the way a project that depends on it would, from the folder of another package that has it
 * installed (vite from vitest's or apps/docs' dependencies, rolldown from vite's): the tests that bundle with
 * the workspace's own tools without listing them as dependencies of `tools`.
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The ES module entry (`exports['.']`, its `import` condition) of package `name` as resolved from `from` (a
 * file path, such as another package's `package.json`).
 */
export async function importFrom(name: string, from: string): Promise<Record<string, unknown>> {
  const require = createRequire(from);
  const pkgFile = require.resolve(`${name}/package.json`);
  const pkg = require(pkgFile) as { exports: { '.': string | { import?: string | { default?: string } } } };
  const entry = pkg.exports['.'];
  const file = typeof entry === 'string' ? entry : entry.import;
  const path = typeof file === 'string' ? file : file?.default;
  return import(pathToFileURL(join(dirname(pkgFile), path!)).href);
}
