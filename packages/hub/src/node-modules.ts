/**
 * Node's `fs/promises` and `path`, imported on first use, for the Node-only paths of @lxmls/hub (see
 * src/runtime.ts). Kept out of the modules that src/index.ts re-exports, so that the published declarations
 * name no `node:` module: a browser project's strict `tsc` (no `@types/node`, no `skipLibCheck`) checks
 * @lxmls/hub's `.d.ts` files without errors.
 */

/** `node:fs/promises`, imported on first use (Node only). */
export async function nodeFs(): Promise<typeof import('node:fs/promises')> {
  return import('node:fs/promises');
}

/** `node:path`, imported on first use (Node only). */
export async function nodePath(): Promise<typeof import('node:path')> {
  return import('node:path');
}
