import { instantiateKernels, type KernelInstance } from "../../src/backend/wasm/wasm-module.js";

/**
 * The kernel builds a kernel test checks: the one this engine selects (relaxed SIMD where it
 * validates) and the plain SIMD one (NABLA_RELAXED_SIMD=0 selects it), since the relaxed build
 * fuses multiply-adds that the plain one rounds twice; each over ordinary memory of its own.
 */
export function bothBuilds(): [KernelInstance, KernelInstance] {
  const saved = process.env.NABLA_RELAXED_SIMD;
  const selected = instantiateKernels(false);
  process.env.NABLA_RELAXED_SIMD = "0";
  try {
    return [selected, instantiateKernels(false)];
  } finally {
    if (saved === undefined) delete process.env.NABLA_RELAXED_SIMD;
    else process.env.NABLA_RELAXED_SIMD = saved;
  }
}
