import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@lxmls/source'] },
  test: {
    name: 'tools',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // one build of apps/docs per run, shared by the docs browser tests (tools/docs-site.ts)
    globalSetup: ['./docs-site-setup.ts'],
  },
});
