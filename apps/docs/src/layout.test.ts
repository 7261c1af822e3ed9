// The docs site's shared page parts (layout.ts), checked on the HTML sources as Vite renders them (no build, no
// browser): every page of apps/docs has the same "Guides" nav, with the same links in the same order (the exercise
// pages and the prompting page included, issue 12), its own link marked aria-current="page" and no other, and
// every link naming a page that exists; the marks and includes are filled in once each, or the page fails.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { NAV, renderPage, siteHeader } from './layout.js';

const site = join(dirname(fileURLToPath(import.meta.url)), '..');
const pages = readdirSync(site)
  .filter((file) => file.endsWith('.html'))
  .sort();
const readPartial = (path: string) => readFileSync(join(site, path), 'utf8');

/** Page `file` of apps/docs as Vite serves and builds it. */
function rendered(file: string): string {
  return renderPage(readFileSync(join(site, file), 'utf8'), file.replace(/\.html$/, ''), readPartial);
}

/** The links of a page's `<nav aria-label="Guides">`: href, text, whether it is marked as the current page. */
function guides(html: string): { href: string; text: string; current: boolean }[] {
  const navs = html.match(/<nav aria-label="Guides">([\s\S]*?)<\/nav>/g) ?? [];
  expect(navs).toHaveLength(1);
  return [...navs[0]!.matchAll(/<a\b([^>]*)>([^<]*)<\/a>/g)].map(([, attributes, text]) => ({
    href: /href="([^"]*)"/.exec(attributes!)?.[1] ?? '',
    text: text!.trim(),
    current: attributes!.includes('aria-current="page"'),
  }));
}

describe('apps/docs navigation', () => {
  const reference = guides(rendered('index.html')).map(({ href, text }) => ({ href, text }));

  test('NAV lists every page of apps/docs, once', () => {
    expect(NAV.map((entry) => `${entry.page}.html`).sort()).toEqual(pages);
  });

  test('guides(index.html) links every guide page, the exercise pages and the prompting page', () => {
    const hrefs = reference.map((link) => link.href);
    for (const page of ['./exercise-2-1.html', './exercise-2-2.html', './prompting.html']) {
      expect(hrefs).toContain(page);
    }
    for (const page of pages) expect(hrefs).toContain(`./${page}`);
  });

  test.each(pages)('guides(%s) are the same links as index.html, its own marked aria-current', (page) => {
    const links = guides(rendered(page));
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

describe('renderPage', () => {
  test.each(pages)('renderPage(%s) leaves no mark, and the head and skip link stand once', (page) => {
    const html = rendered(page);
    expect(html).not.toMatch(/<!-- (site-head|site-header|include\b)/);
    expect(html.split('<meta name="viewport"')).toHaveLength(2);
    expect(html.split('<link rel="icon" href="./favicon.ico">')).toHaveLength(2);
    expect(html.split('<a class="skip" href="#main">Skip to content</a>')).toHaveLength(2);
    expect(html.indexOf('<header class="site">')).toBeLessThan(html.indexOf('<main id="main">'));
  });

  test.each(['exercise-2-1.html', 'exercise-2-2.html'])(
    'renderPage(%s) includes the editor and the solution, indented, without their header comments',
    (page) => {
      const html = rendered(page);
      for (const id of [
        'editor',
        'check',
        'download',
        'reset',
        'show-solution',
        'confirm',
        'solution-editor',
      ]) {
        expect(html.split(`id="${id}"`)).toHaveLength(2);
      }
      expect(html).toContain('\n  <section aria-labelledby="code-h">\n    <h2 id="code-h">Your code</h2>\n');
      expect(html).not.toContain('included by');
    },
  );

  test('renderPage fills each mark of a page', () => {
    const html = renderPage(
      '<head>\n<!-- site-head -->\n</head>\n<body>\n<!-- site-header -->\n<main>\n  <!-- include src/partials/a-b.html -->\n</main>\n</body>',
      'names',
      (path) => `<!-- ${path}: a header comment -->\n<p>\n  one\n\n</p>\n`,
    );
    expect(html).toBe(
      [
        '<head>',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="./favicon.ico">',
        '</head>',
        '<body>',
        siteHeader('names'),
        '<main>',
        '  <p>',
        '    one',
        '',
        '  </p>',
        '</main>',
        '</body>',
      ].join('\n'),
    );
  });

  test.each([
    ['<!-- site-header -->', 'the <!-- site-head --> mark in index.html. Expected it once, received 0.'],
    [
      '<!-- site-head -->\n<!-- site-head -->\n<!-- site-header -->',
      'the <!-- site-head --> mark in index.html. Expected it once, received 2.',
    ],
    ['<!-- site-head -->', 'the <!-- site-header --> mark in index.html. Expected it once, received 0.'],
    [
      '<!-- site-head -->\n<!-- site-header -->\n<!-- include ../secret.html -->',
      'an include in index.html. Expected a file src/partials/<name>.html, received ../secret.html.',
    ],
  ])('renderPage(%j) throws naming what is wrong', (html, message) => {
    expect(() => renderPage(html, 'index', () => '')).toThrow(`[lxmls-docs] renderPage: ${message}`);
  });

  test('siteHeader of a page outside NAV throws naming the pages', () => {
    expect(() => siteHeader('missing')).toThrow(
      '[lxmls-docs] siteHeader: the page is not in the navigation. Expected one of index, tokenization,',
    );
  });
});
