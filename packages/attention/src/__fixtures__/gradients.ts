// The tests' forward/backward of one attention module (packages/attention/src/fused-causal-self-attention.test.ts
// and tools/fused-attention.test.ts compare the fused module with the exercise form through it). Not packed.
import { RandomGenerator, randn } from '@lxmls/tensor';
import type { CausalSelfAttention } from '../causal-self-attention.js';

/**
 * Output, input gradient and every parameter gradient of one training forward/backward of `attn` on a seeded
 * `(B, T, C)` input, the loss weighing every output element differently.
 */
export function attentionGradients(attn: CausalSelfAttention, [B, T, C]: readonly number[]): Map<string, Float32Array> {
  const g = new RandomGenerator(7);
  const x = randn([B!, T!, C!], g); // (B, T, C)
  x.requiresGrad = true;
  const w = randn([B!, T!, C!], g); // (B, T, C): a loss that weighs every output element differently
  const { output } = attn.forward(x); // (B, T, C)
  output.mul(w).sum().backward();
  const out = new Map<string, Float32Array>([
    ['output', Float32Array.from(output.data())],
    ['x.grad', Float32Array.from(x.grad!.data())],
  ]);
  for (const [name, p] of attn.namedParameters()) out.set(`${name}.grad`, Float32Array.from(p.grad!.data()));
  return out;
}
