/**
 * Crawls a built API reference (the TypeDoc site `pnpm run docs` writes) the way a reader clicks through it,
 * and lists what a reader would trip on (issue 14, "the API reference as the front door of the libraries"):
 * a link to a page or an anchor that does not exist, a raw Markdown file, a "Defined in" that points into
 * `dist/` or at a file or line that the commit does not have, a link whose host is a file name
 * (`http://<name>.md`, markdown-it's linkify at work).
 *
 * Used by tools/api-docs.test.ts; plain functions over the output folder, so a failure names the page and link.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The prefix of every source link (typedoc.base.json `sourceLinkTemplate`, before `{gitRevision}`). */
export const SOURCE_LINK_PREFIX = 'https://github.com/lxmls-ts/lxmls-ts/blob/';

/** One HTML page of the reference. */
export interface Page {
  /** Path relative to the output folder, with `/`. */
  path: string;
  html: string;
}

/** What {@link crawlReference} found. */
export interface CrawlReport {
  /** Pages read. */
  pages: number;
  /** Links followed (internal and source links). */
  links: number;
  /** Source links ("Defined in"), checked against the commit. */
  sourceLinks: number;
  /** One line per problem: `page: link: what is wrong`. */
  problems: string[];
}

/** Every `.html` file under `dir`, path relative to `dir`. */
export function readPages(dir: string, sub = ''): Page[] {
  const out: Page[] = [];
  for (const name of readdirSync(join(dir, sub)).sort()) {
    const path = sub ? `${sub}/${name}` : name;
    if (statSync(join(dir, path)).isDirectory()) out.push(...readPages(dir, path));
    else if (name.endsWith('.html')) out.push({ path, html: readFileSync(join(dir, path), 'utf8') });
  }
  return out;
}

/** The `href` and `src` values of a page, entities decoded. */
export function pageLinks(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) =>
    m[1]!
      .replaceAll('&amp;', '&')
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>'),
  );
}

/** The ids (and `name`s) of a page's elements: the anchors a `#fragment` may target. */
export function pageIds(html: string): Set<string> {
  return new Set([...html.matchAll(/\s(?:id|name)="([^"]*)"/g)].map((m) => m[1]!));
}

/** A page's visible text: tags dropped, entities decoded, whitespace folded. */
export function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The `<title>` of a page. */
export function pageTitle(html: string): string {
  return pageText(/<title>([\s\S]*?)<\/title>/.exec(html)?.[1] ?? '');
}

/** Answers "does `path` exist at `rev`, and how many lines has it" from git, one call per file. */
function gitFiles(repo: string) {
  const trees = new Map<string, Set<string>>();
  const lines = new Map<string, number>();
  return {
    has(rev: string, path: string): boolean {
      let tree = trees.get(rev);
      if (!tree) {
        const listing = execFileSync('git', ['-C', repo, 'ls-tree', '-r', '--name-only', rev], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        tree = new Set(listing.split('\n').filter(Boolean));
        trees.set(rev, tree);
      }
      return tree.has(path);
    },
    lineCount(rev: string, path: string): number {
      const key = `${rev}:${path}`;
      let count = lines.get(key);
      if (count === undefined) {
        const text = execFileSync('git', ['-C', repo, 'show', key], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        count = text.split('\n').length;
        lines.set(key, count);
      }
      return count;
    },
  };
}

/**
 * Follows every link of every page of the reference in `outDir` (built from the repository at `repo`).
 */
export function crawlReference(outDir: string, repo: string): CrawlReport {
  const pages = readPages(outDir);
  const byPath = new Map(pages.map((p) => [p.path, p]));
  const ids = new Map<string, Set<string>>();
  const idsOf = (path: string) => {
    let set = ids.get(path);
    if (!set) {
      set = pageIds(byPath.get(path)?.html ?? '');
      ids.set(path, set);
    }
    return set;
  };
  const git = gitFiles(repo);
  const problems: string[] = [];
  let links = 0;
  let sourceLinks = 0;
  for (const page of pages) {
    const report = (link: string, what: string) => problems.push(`${page.path}: ${link}: ${what}`);
    for (const link of pageLinks(page.html)) {
      if (link === '' || link === '#' || link.startsWith('javascript:')) continue;
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) {
        if (link.startsWith('mailto:')) continue;
        const url = new URL(link);
        if (/\.(md|ts|js|json|html?)$/i.test(url.hostname)) report(link, 'a host that is a file name');
        if (link.includes('/dist/')) report(link, 'a link into dist/');
        if (!link.startsWith(SOURCE_LINK_PREFIX)) continue;
        links++;
        sourceLinks++;
        const m = /^([0-9a-f]{40})\/([^#]+)#L(\d+)$/.exec(link.slice(SOURCE_LINK_PREFIX.length));
        if (!m) {
          report(link, 'a source link that does not name a commit, a path and a line');
          continue;
        }
        const [, rev, path, line] = m as unknown as [string, string, string, string];
        if (!git.has(rev, path)) report(link, `no ${path} at commit ${rev.slice(0, 8)}`);
        else if (Number(line) > git.lineCount(rev, path)) report(link, `${path} has no line ${line}`);
        continue;
      }
      links++;
      const [pathPart, fragment] = link.split('#', 2) as [string, string | undefined];
      const target = pathPart
        ? relative(outDir, resolve(outDir, dirname(page.path), decodeURIComponent(pathPart))).replaceAll(
            '\\',
            '/',
          )
        : page.path;
      if (target.startsWith('..')) {
        report(link, 'a link out of the reference');
        continue;
      }
      if (/\.(md|markdown)$/i.test(target)) report(link, 'a raw Markdown file');
      if (target.includes('dist/')) report(link, 'a link into dist/');
      if (!existsSync(join(outDir, target))) {
        report(link, 'no such file');
        continue;
      }
      if (fragment && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(fragment))) {
        report(link, `no anchor #${fragment} in ${target}`);
      }
    }
    // "Defined in" as text, linked or not: never a built file.
    for (const m of page.html.matchAll(/<aside class="tsd-sources">([\s\S]*?)<\/aside>/g)) {
      const text = pageText(m[1]!);
      if (/\bdist\/|\.d\.ts\b/.test(text)) report(text, '"Defined in" a built file');
    }
  }
  return { pages: pages.length, links, sourceLinks, problems };
}

/**
 * The headings (`#` to `###`) of a Markdown file as a reader sees them: markup and link targets dropped.
 * Headings inside fenced code blocks are skipped.
 */
export function markdownHeadings(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const m = /^#{1,3}\s+(.+?)\s*#*\s*$/.exec(line);
    if (m) out.push(markdownText(m[1]!));
  }
  return out;
}

/** Inline Markdown as text: `[a](b)` → `a`, code ticks, bold and HTML tags dropped, whitespace folded. */
export function markdownText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`|\*\*/g, '') // code ticks and bold; a lone `*` stays (`@lxmls/*`)
    .replace(/\s+/g, ' ')
    .trim();
}
