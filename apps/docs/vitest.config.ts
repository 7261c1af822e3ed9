// The docs site's unit tests (its DOM-free helpers, in Node), with the same `@lxmls/*` resolution as the site.
import { defineProject, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.js';

export default mergeConfig(
  viteConfig,
  defineProject({ test: { name: 'docs', include: ['src/**/*.test.ts'], testTimeout: 60_000 } }),
);
