// Root test configuration: one vitest run over every workspace project.
// The `@lxmls/source` condition makes imports of `@lxmls/*` resolve to `src/index.ts`, so tests need no build.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@lxmls/source'] },
  ssr: { resolve: { conditions: ['@lxmls/source'] } },
  test: {
    projects: ['packages/*', 'apps/*', 'benchmarks', 'tools'],
  },
});
