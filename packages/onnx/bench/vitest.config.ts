import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@lxmls/source'] },
  test: { name: 'onnx-bench', include: ['bench/**/*.bench.ts'], testTimeout: 1_200_000 },
});
