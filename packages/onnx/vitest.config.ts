import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@lxmls/source'] },
  test: { name: 'onnx', include: ['src/**/*.test.ts'], testTimeout: 120_000 },
});
