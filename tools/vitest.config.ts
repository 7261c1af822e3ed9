import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@lxmls/source'] },
  test: { name: 'tools', include: ['**/*.test.ts'], exclude: ['**/node_modules/**'] },
});
