/**
 * Files the reader picks with a file input (a whole folder with `webkitdirectory`, or several files), held in
 * memory by base name; nothing is uploaded. `filesFetch` serves them to code that loads checkpoints with
 * `fetch`, such as `GPT.fromPretrained`.
 */

/**
 * The source to pass to `GPT.fromPretrained` with {@link filesFetch}: an http URL (so Node and browsers both
 * take it as a URL) on the reserved `.invalid` domain, which never resolves: no request can leave.
 */
export const PICKED_FILES_URL = 'http://picked-files.invalid/folder';

/** The files of a folder by base name (`config.json`, …), as bytes. */
export type FolderFiles = ReadonlyMap<string, Uint8Array<ArrayBuffer>>;

/** What a file input's `File` offers (a `Blob` with a name). */
export interface PickedFile {
  readonly name: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * The base name of a path as a file input reports it (`webkitRelativePath` is `folder/config.json`).
 *
 * @param path - A path with `/` or `\` separators, or a bare name.
 * @returns The last part.
 * @example
 * ```ts
 * import { baseName } from './folder-files.js';
 * console.log(baseName('bert-base-uncased/vocab.txt'), baseName('config.json')); // → vocab.txt config.json
 * ```
 */
export function baseName(path: string): string {
  return path.split(/[/\\]/).pop() ?? path;
}

/**
 * Reads the files whose base names are in `wanted` (others, such as a folder's `pytorch_model.bin`, are
 * never read into memory).
 *
 * @param files - The input's `files`.
 * @param wanted - The base names to read.
 * @returns Base name → bytes (a later file of the same name wins).
 */
export async function readFolderFiles(
  files: Iterable<PickedFile>,
  wanted: readonly string[],
): Promise<Map<string, Uint8Array<ArrayBuffer>>> {
  const out = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const file of files) {
    const name = baseName(file.name);
    if (wanted.includes(name)) out.set(name, new Uint8Array(await file.arrayBuffer()));
  }
  return out;
}

/**
 * A `fetch` that answers `<anything>/<name>` with the bytes of the file `name` (HTTP 404 when absent) and
 * never touches the network: hand it to `GPT.fromPretrained(source, { fetch, cache: false })` to load a
 * checkpoint folder the reader picked (as `fromPretrained(PICKED_FILES_URL, …)`).
 *
 * @param files - Base name → bytes.
 * @returns The `fetch`.
 */
export function filesFetch(files: FolderFiles): typeof fetch {
  return async (input) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const bytes = files.get(baseName(url));
    if (bytes === undefined) return new Response(null, { status: 404, statusText: 'Not Found' });
    return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
  };
}
