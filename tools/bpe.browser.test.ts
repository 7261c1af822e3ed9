// @lxmls/bpe in a real browser: headless Chromium loads the built package as plain ES modules from a local
// server and encodes the reference strings, so the package is proven to need no Node API and no bundler.
import { describe, expect, test } from 'vitest';
import { chromiumForTests, REPO_ROOT, workspaceImportMap } from './browser.js';
import { browserPages } from './browser-pages.js';

const root = REPO_ROOT;
// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
const chromiumPath = chromiumForTests();

describe.skipIf(chromiumPath === undefined)('@lxmls/bpe in headless Chromium', () => {
  const pages = browserPages(root, { '/bpe.html': PAGE }, [], chromiumPath!);

  test('encode/decode give the tiktoken ids of the 40 reference strings', async () => {
    const result = await pages.open<PageResult>('/bpe.html', 30_000);
    expect(result.error).toBeUndefined();
    expect(result.userAgent).toMatch(/HeadlessChrome|Chrome/);
    expect(result.count).toBe(40);
    expect(result.failures).toEqual([]);
    // the notebook's merged tokens of "Your drawing is charmingly anachronistic."
    expect(result.merged).toEqual('Your Ġdrawing Ġis Ġcharming ly Ġan ach ron istic .'.split(' '));
    // the package and its one dependency, @lxmls/base (through the page's import map), and nothing else
    const foreign = pages.server.requests.filter(
      (path) => !/^\/(packages\/(bpe|base)\/|bpe\.html$|favicon\.ico$)/.test(path),
    );
    expect(foreign).toEqual([]);
  });
});

interface PageResult {
  count: number;
  failures: string[];
  merged: string[];
  userAgent: string;
  error?: string;
}

/** The test page: imports the built package as a browser would and checks it against the fixture. */
const PAGE = `<!doctype html>
<title>@lxmls/bpe</title>
${workspaceImportMap()}
<script type="module">
try {
  const bpe = await import('/packages/bpe/dist/index.js');
  const cases = await (await fetch('/packages/bpe/src/__fixtures__/bpe-reference.json')).json();
  const failures = [];
  for (const c of cases) {
    const ids = bpe.encode(c.text);
    if (JSON.stringify(ids) !== JSON.stringify(c.tiktoken)) failures.push('encode ' + JSON.stringify(c.text));
    if (bpe.decode(ids) !== c.text) failures.push('decode ' + JSON.stringify(c.text));
  }
  const work = bpe.getEncoder().encodeAndShowWork('Your drawing is charmingly anachronistic.');
  window.result = {
    count: cases.length,
    failures,
    merged: work.parts.flatMap((part) => part.tokenMerged),
    userAgent: navigator.userAgent,
  };
} catch (error) {
  window.result = { error: String(error), failures: [], merged: [], count: 0, userAgent: navigator.userAgent };
}
</script>
`;
