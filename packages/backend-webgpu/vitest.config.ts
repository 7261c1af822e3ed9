import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@lxmls/source'] },
  test: { name: 'backend-webgpu', include: ['src/**/*.test.ts'], testTimeout: 60_000 },
});
