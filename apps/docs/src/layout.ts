/**
 * The docs site's shared page parts, written once here instead of in every HTML page: Vite applies
 * {@link renderPage} to each page before it reads the page's scripts (vite.config.ts `siteLayout`, a
 * `transformIndexHtml` hook), in `vite dev` and in `vite build` alike.
 *
 * A page marks where the parts go with HTML comments, each on its own line:
 * - `<!-- site-head -->`: the `<meta name="viewport">` and the favicon link every page has in its `<head>`;
 * - `<!-- site-header -->`: the skip link and the "Guides" navigation ({@link NAV}), the page's own link marked
 *   `aria-current="page"`: the same links in the same order on every page;
 * - `<!-- include src/partials/<name>.html -->`: that file of apps/docs (a block that several pages share, such
 *   as the exercise pages' editor and its buttons), without the comment it opens with, indented as the mark.
 */

/** The pages of the site in the order of the navigation, each with its link text there. */
export const NAV = [
  { page: 'index', text: 'lxmls-ts' },
  { page: 'tokenization', text: '1 · Tokenization' },
  { page: 'attention', text: '2 · Attention' },
  { page: 'exercise-2-1', text: '2.1 · Your code' },
  { page: 'exercise-2-2', text: '2.2 · Your code' },
  { page: 'bert', text: '2.4 · BERT' },
  { page: 'training', text: '3 · Training' },
  { page: 'prompting', text: '3.2 · Prompting' },
  { page: 'generate', text: 'Generate' },
  { page: 'names', text: 'Python → TS' },
] as const;

/** The lines {@link renderPage} puts at `<!-- site-head -->`. */
const SITE_HEAD = [
  '<meta name="viewport" content="width=device-width, initial-scale=1">',
  '<link rel="icon" href="./favicon.ico">',
];

/**
 * The skip link and the site's header for `page`: a "Guides" nav linking every page of {@link NAV} (the first
 * as the brand) and the API reference, `page`'s own link marked `aria-current="page"`.
 *
 * @example
 * ```ts
 * console.log(siteHeader('names').split('\n').filter((line) => line.includes('aria-current')));
 * // → [ '    <a href="./names.html" aria-current="page">Python → TS</a>' ]
 * ```
 */
export function siteHeader(page: string): string {
  if (!NAV.some((entry) => entry.page === page)) {
    throw new Error(
      `[lxmls-docs] siteHeader: the page is not in the navigation. Expected one of ${NAV.map((entry) => entry.page).join(', ')}, received ${JSON.stringify(page)}.`,
    );
  }
  const links = NAV.map(({ page: target, text }, i) => {
    const brand = i === 0 ? ' class="brand"' : '';
    const current = target === page ? ' aria-current="page"' : '';
    return `    <a${brand} href="./${target}.html"${current}>${text}</a>`;
  });
  return [
    '<a class="skip" href="#main">Skip to content</a>',
    '<header class="site">',
    '  <nav aria-label="Guides">',
    ...links,
    '    <a href="./api/index.html">API reference</a>',
    '  </nav>',
    '</header>',
  ].join('\n');
}

/**
 * The page `html` of `page` with its marked parts filled in (see the file's header): the `site-head` and
 * `site-header` marks (each exactly once) and every `include` mark, whose file `readPartial` returns (a path
 * relative to apps/docs, under `src/partials/`).
 *
 * @example
 * ```ts
 * const html = renderPage('<head>\n<!-- site-head -->\n</head>\n<body>\n<!-- site-header -->\n<!-- include src/partials/hi.html -->\n</body>', 'index', () => '<p>hi</p>\n');
 * console.log(html.includes('<link rel="icon" href="./favicon.ico">'), html.includes('<p>hi</p>'));
 * // → true true
 * ```
 */
export function renderPage(html: string, page: string, readPartial: (path: string) => string): string {
  const fail = (what: string, expected: string, received: string): never => {
    throw new Error(
      `[lxmls-docs] renderPage: ${what} in ${page}.html. Expected ${expected}, received ${received}.`,
    );
  };
  for (const mark of ['site-head', 'site-header']) {
    const count = html.split(`<!-- ${mark} -->`).length - 1;
    if (count !== 1) fail(`the <!-- ${mark} --> mark`, 'it once', `${count}`);
  }
  return html
    .replace('<!-- site-head -->', SITE_HEAD.join('\n'))
    .replace('<!-- site-header -->', () => siteHeader(page))
    .replace(/^([ \t]*)<!-- include (\S+) -->$/gm, (_, indent: string, path: string) => {
      if (!/^src\/partials\/[\w-]+\.html$/.test(path))
        fail('an include', 'a file src/partials/<name>.html', path);
      return readPartial(path)
        .replace(/^<!--[\s\S]*?-->\n/, '') // the partial's header comment
        .replace(/\n$/, '')
        .split('\n')
        .map((line) => (line === '' ? line : indent + line))
        .join('\n');
    });
}
