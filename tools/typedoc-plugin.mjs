// A TypeDoc plugin for the API reference (typedoc.json `plugin`), so that it reads as the front door of the
// libraries (issue 14):
// - "Defined in" of a member inherited from another package points at that package's `src/*.ts` (through the
//   `.d.ts.map` TypeScript writes beside each `dist/*.d.ts`), never into `dist/`; a member inherited from the
//   standard library (`Error.stack`) has no "Defined in";
// - a Markdown link to a package's README.md, or to its folder, opens the package's module page (its README is
//   that page), not a raw copy of the Markdown file under `media/`;
// - a guide of `docs/` (typedoc.json `projectDocuments`) is named by its first `# heading` (up to a colon),
//   not by its path; the entry modules of a package with several are named `index`, `testing`, not by path.
// Plain JavaScript: TypeDoc loads plugins with Node's `import`, before any TypeScript is compiled.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Application, Converter, ReflectionKind } from 'typedoc';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes a source map's `mappings` into, for each generated line, the first mapped source line (0-based)
 * and source index, or `undefined` for a line with no mapping.
 * @param {string} mappings
 * @returns {({ source: number, line: number } | undefined)[]}
 */
export function firstMappingPerLine(mappings) {
  const out = [];
  let source = 0;
  let line = 0;
  for (const text of mappings.split(';')) {
    let first;
    for (const segment of text.split(',')) {
      if (segment === '') continue;
      const values = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      if (values.length < 4) continue;
      source += values[1];
      line += values[2];
      first ??= { source, line };
    }
    out.push(first);
  }
  return out;
}

/** @type {Map<string, { sources: string[], lines: ReturnType<typeof firstMappingPerLine> } | null>} */
const maps = new Map();

/**
 * The TypeScript source and 1-based line of line `line` of a `.d.ts` file, or `undefined` without a map.
 * @param {string} file
 * @param {number} line
 */
export function originalPosition(file, line) {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    if (existsSync(mapFile)) {
      const map = JSON.parse(readFileSync(mapFile, 'utf8'));
      const root = resolve(dirname(file), map.sourceRoot ?? '');
      maps.set(file, {
        sources: map.sources.map((s) => resolve(root, s)),
        lines: firstMappingPerLine(map.mappings),
      });
    } else {
      maps.set(file, null);
    }
  }
  const map = maps.get(file);
  const hit = map?.lines[line - 1];
  if (!map || !hit) return undefined;
  return { file: map.sources[hit.source], line: hit.line + 1 };
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  // Before the SourcePlugin turns each source into a link (priority 0), point `.d.ts` sources at `src/`.
  app.converter.on(
    Converter.EVENT_RESOLVE_BEGIN,
    (context) => {
      for (const reflection of Object.values(context.project.reflections)) {
        // A member inherited from the standard library (`Error.stack`) has no source in this repository.
        if (reflection.sources?.some((source) => source.fullFileName.includes('/node_modules/'))) {
          reflection.sources = reflection.sources.filter((s) => !s.fullFileName.includes('/node_modules/'));
          if (reflection.sources.length === 0) reflection.sources = undefined;
        }
        for (const source of reflection.sources ?? []) {
          if (!source.fullFileName.endsWith('.d.ts')) continue;
          const original = originalPosition(source.fullFileName, source.line);
          if (!original || !existsSync(original.file)) continue;
          source.fullFileName = original.file.replaceAll('\\', '/');
          source.fileName = source.fullFileName;
          source.line = original.line;
          source.character = 0;
        }
      }
    },
    100,
  );

  app.on(Application.EVENT_PROJECT_REVIVE, (project) => {
    const files = project.files;
    // Each package's folder is registered for its module (packages mode); its README.md opens the same page.
    for (const [id, path] of [...files.mediaToPath.entries()]) {
      const reflectionId = files.mediaToReflection.get(id);
      if (reflectionId === undefined || !existsSync(join(path, 'package.json'))) continue;
      const reflection = project.getReflectionById(reflectionId);
      if (reflection) files.registerReflectionPath(join(path, 'README.md').replaceAll('\\', '/'), reflection);
    }
    // A package with several entry points (@lxmls/tensor and /testing) has one module per entry, named by its
    // path from the repository root (basePath): `packages/tensor/src` becomes `index`, `…/src/testing` `testing`.
    for (const pkg of project.children ?? []) {
      for (const module of pkg.children ?? []) {
        if (!module.kindOf(ReflectionKind.Module)) continue;
        const m = /^packages\/[^/]+\/src(?:\/(.*))?$/.exec(module.name);
        if (m) module.name = m[1] ?? 'index';
      }
    }
    for (const doc of project.documents ?? []) {
      const first = doc.content.map((part) => part.text).join('');
      const heading = /^#\s+(.+)$/m.exec(first);
      // "Course behaviour: what the Python toolkit does, …" is named "Course behaviour" (and so is its page).
      if (heading)
        doc.name = heading[1]
          .replace(/[`*]/g, '')
          .split(/: | — /)[0]
          .trim();
    }
  });
}
