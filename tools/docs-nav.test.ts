// The docs site's navigation, checked on the HTML sources (no build, no browser): every page of apps/docs has
// the same "Guides" nav, with the same links in the same order (the exercise pages and the prompting page
// included, issue 12), its own link marked aria-current="page" and no other, and every link naming a page that
// exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const site = join(dirname(fileURLToPath(import.meta.url)), '..', 'apps', 'docs');
const pages = readdirSync(site)
  .filter((file) => file.endsWith('.html'))
  .sort();

/** The links of a page's `<nav aria-label="Guides">`: href, text, whether it is marked as the current page. */
function guides(page: string): { href: string; text: string; current: boolean }[] {
  const html = readFileSync(join(site, page), 'utf8');
  const navs = html.match(/<nav aria-label="Guides">([\s\S]*?)<\/nav>/g) ?? [];
  expect(navs, `${page}: one Guides nav`).toHaveLength(1);
  return [...navs[0]!.matchAll(/<a\b([^>]*)>([^<]*)<\/a>/g)].map(([, attributes, text]) => ({
    href: /href="([^"]*)"/.exec(attributes!)?.[1] ?? '',
    text: text!.trim(),
    current: attributes!.includes('aria-current="page"'),
  }));
}

describe('apps/docs navigation', () => {
  const reference = guides('index.html').map(({ href, text }) => ({ href, text }));

  test('guides(index.html) links every guide page, the exercise pages and the prompting page', () => {
    const hrefs = reference.map((link) => link.href);
    for (const page of ['./exercise-2-1.html', './exercise-2-2.html', './prompting.html']) {
      expect(hrefs).toContain(page);
    }
    for (const page of pages) expect(hrefs).toContain(`./${page}`);
  });

  test.each(pages)('guides(%s) are the same links as index.html, its own marked aria-current', (page) => {
    const links = guides(page);
    expect(links.map(({ href, text }) => ({ href, text }))).toEqual(reference);
    expect(links.filter((link) => link.current).map((link) => link.href)).toEqual([`./${page}`]);
  });

  test('guides(index.html) link only pages of the site (api/ is built by pnpm run docs)', () => {
    const missing = reference
      .map((link) => link.href.replace(/^\.\//, ''))
      .filter((href) => !href.startsWith('api/') && !existsSync(join(site, href)));
    expect(missing).toEqual([]);
  });
});
