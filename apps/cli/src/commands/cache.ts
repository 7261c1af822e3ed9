/**
 * `lxmls cache`: the download cache that `generate`, `info`, `viz` and the libraries fill (issue 17, "a cache
 * that validates and heals"): `list` what is in it, `verify` every file (a bad one is moved aside, so the next
 * load fetches it again), `clear` it. The work is @lxmls/hub's `listCache`, `verifyCache`, `clearCache`.
 */

import { clearCache, defaultCacheDir, listCache, verifyCache } from '@lxmls/hub';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';

const SUBCOMMANDS = ['list', 'verify', 'clear'] as const;

/** Bytes as MB with one decimal, as the download progress prints them. */
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * `lxmls cache`: see its help (`lxmls help cache`).
 *
 * @example
 * ```ts
 * import { cacheCommand } from './commands/cache.js';
 * console.log(cacheCommand.name, cacheCommand.optionNames); // → cache [ 'cache-dir', 'match', 'json' ]
 * ```
 */
export const cacheCommand = defineCommand({
  name: 'cache',
  summary: 'List, verify or clear the download cache',
  usage: 'lxmls cache list|verify|clear [--cache-dir DIR] [--match TEXT] [--json]',
  description: `The files downloaded by lxmls generate, info and viz (hub ids, URLs) are kept in a cache folder:
$LXMLS_CACHE_DIR, else $XDG_CACHE_HOME/lxmls, else ~/.cache/lxmls.

  list    every cached file: size, state (complete; partial: a .part download; invalid: moved aside) and
          where it came from
  verify  checks every complete file (JSON parses, a safetensors header matches the file's size, text is
          UTF-8); a bad one is moved aside to <file>.invalid, so the next run downloads it again, and .part
          files of processes that are gone are removed
  clear   removes the cached files (with --match, only those whose source contains TEXT)

A command that downloads takes --refresh to fetch its files again (or set LXMLS_REFRESH=1).`,
  options: {
    'cache-dir': {
      type: 'string',
      value: 'DIR',
      help: 'The cache folder (default $LXMLS_CACHE_DIR, $XDG_CACHE_HOME/lxmls or ~/.cache/lxmls).',
    },
    match: {
      type: 'string',
      value: 'TEXT',
      help: 'clear: only the files whose source (host/path) contains TEXT, e.g. openai-community/gpt2.',
    },
    json: {
      type: 'flag',
      help: `Print one JSON document instead:
list    {"cacheDir","entries":[{"source","path","file","size","modified","state"}]}
verify  {"cacheDir","checked":N,"invalid":[{"source","path","reason","movedTo"}],"removedParts":[...]}
clear   {"cacheDir","files":N,"bytes":N}`,
    },
  },
  maxPositionals: 1,
  subcommands: {
    list: ['cache-dir', 'json'],
    verify: ['cache-dir', 'json'],
    clear: ['cache-dir', 'match', 'json'],
  },
  notes:
    'Exit code 2 with one line on stderr for an unknown subcommand or a cache folder that cannot be read.',
  examples: ['lxmls cache list', 'lxmls cache verify --json', 'lxmls cache clear --match gpt2-medium'],
  run: async (o, positionals, { out }) => {
    const sub = positionals[0];
    if (sub === undefined || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      const what = sub === undefined ? 'missing subcommand' : `unknown subcommand ${JSON.stringify(sub)}`;
      throw new CliError(`${what}: expected one of ${SUBCOMMANDS.join(', ')}, e.g. lxmls cache list`);
    }
    const cacheDir = o['cache-dir'] ?? defaultCacheDir() ?? undefined;
    if (cacheDir === undefined)
      throw new CliError('there is no cache folder: set LXMLS_CACHE_DIR or --cache-dir');
    if (sub === 'list') {
      const listed = await listCache({ cacheDir });
      if (o.json) await out.write(`${JSON.stringify(listed)}\n`);
      else {
        for (const e of listed.entries)
          await out.write(`${mb(e.size).padStart(10)}  ${e.state.padEnd(8)}  ${e.source}\n`);
        const total = listed.entries.reduce((sum, e) => sum + e.size, 0);
        await out.write(`${listed.entries.length} files, ${mb(total)} in ${listed.cacheDir}\n`);
      }
      return 0;
    }
    if (sub === 'verify') {
      const result = await verifyCache({ cacheDir });
      if (o.json) await out.write(`${JSON.stringify(result)}\n`);
      else {
        for (const bad of result.invalid)
          await out.write(`invalid: ${bad.path}: ${bad.reason} (moved to ${bad.movedTo})\n`);
        for (const part of result.removedParts) await out.write(`removed stale download: ${part}\n`);
        await out.write(
          `${result.checked} files checked in ${result.cacheDir}: ${result.invalid.length === 0 ? 'all valid' : `${result.invalid.length} invalid, moved aside (the next run downloads them again)`}\n`,
        );
      }
      return 0;
    }
    const cleared = await clearCache({ cacheDir, ...(o.match === undefined ? {} : { match: o.match }) });
    if (o.json) await out.write(`${JSON.stringify(cleared)}\n`);
    else await out.write(`removed ${cleared.files} files (${mb(cleared.bytes)}) from ${cleared.cacheDir}\n`);
    return 0;
  },
});
