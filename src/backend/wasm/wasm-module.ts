import { RELAXED_SIMD_KERNELS, RELAXED_SIMD_SHARED_KERNELS, SIMD_KERNELS, SIMD_SHARED_KERNELS } from "./generated/kernels.js";
import { BINARY_OPS, CONV_OPS, LAYER_NORM_OPS, NORM_OPS, POOL_OPS, REDUCE_OPS, SOFTMAX_OPS, UNARY_OPS } from "../op-table.js";

/** The kernel module's exports (see assembly/index.ts); pointers are byte addresses. */
export interface Kernels {
  heapBase(): number;
  matmulScratchA(): number;
  matmulScratchB(): number;
  matmulTile(): number;
  /** Rows of the packed matmul's strips for a dtype (its register tile's height: 6 or 4). */
  matmulStripRows(f64: boolean): number;
  /** Rows of the packed matmul's op(A) blocks, a multiple of every strip height. */
  matmulBlockRows(): number;
  /** Packed op counts of the build's table: unary | binary << 10 | reduce << 20. */
  opCounts(): number;
  /** The build's count of CONV_OPS. */
  convOpCount(): number;
  /** The build's count of POOL_OPS. */
  poolOpCount(): number;
  /** The build's count of NORM_OPS. */
  normOpCount(): number;
  /** The build's count of SOFTMAX_OPS. */
  softmaxOpCount(): number;
  /** The build's count of LAYER_NORM_OPS. */
  layerNormOpCount(): number;
  unaryF32(op: number, x: number, y: number, n: number, alpha: number, beta: number): void;
  unaryF64(op: number, x: number, y: number, n: number, alpha: number, beta: number): void;
  clampF32(x: number, lo: number, hi: number, y: number, n: number): void;
  clampF64(x: number, lo: number, hi: number, y: number, n: number): void;
  fillF32(out: number, value: number, n: number): void;
  fillF64(out: number, value: number, n: number): void;
  castF32F32(x: number, y: number, n: number): void;
  castF32F64(x: number, y: number, n: number): void;
  castF64F32(x: number, y: number, n: number): void;
  castF64F64(x: number, y: number, n: number): void;
  binaryF32(op: number, a: number, sa0: number, sa1: number, b: number, sb0: number, sb1: number, out: number, n0: number, n1: number): void;
  binaryF64(op: number, a: number, sa0: number, sa1: number, b: number, sb0: number, sb1: number, out: number, n0: number, n1: number): void;
  axpbyF32(alpha: number, x: number, beta: number, y: number, out: number, n: number): void;
  axpbyF64(alpha: number, x: number, beta: number, y: number, out: number, n: number): void;
  reduceF32(op: number, x: number, outer: number, axisSize: number, inner: number, out: number, row: number): void;
  reduceF64(op: number, x: number, outer: number, axisSize: number, inner: number, out: number, row: number): void;
  argmaxF32F32(x: number, outer: number, axisSize: number, inner: number, out: number): void;
  argmaxF32F64(x: number, outer: number, axisSize: number, inner: number, out: number): void;
  argmaxF64F32(x: number, outer: number, axisSize: number, inner: number, out: number): void;
  argmaxF64F64(x: number, outer: number, axisSize: number, inner: number, out: number): void;
  gatherF32(x: number, index: number, outer: number, axisSize: number, indexAxis: number, inner: number, out: number): void;
  gatherF64(x: number, index: number, outer: number, axisSize: number, indexAxis: number, inner: number, out: number): void;
  scatterAddF32(dy: number, index: number, outer: number, axisSize: number, indexAxis: number, inner: number, out: number): void;
  scatterAddF64(dy: number, index: number, outer: number, axisSize: number, indexAxis: number, inner: number, out: number): void;
  /** gather with an int32 index, checked first: −1, or the position of the first index outside [0, axisSize) (nothing written). */
  gatherIndexI32F32(x: number, index: number, outer: number, axisSize: number, indexAxis: number, inner: number, out: number): number;
  gatherIndexI32F64(x: number, index: number, outer: number, axisSize: number, indexAxis: number, inner: number, out: number): number;
  /** scatterAdd with an int32 index, checked first, as gatherIndexI32F32. */
  scatterAddIndexI32F32(dy: number, index: number, outer: number, axisSize: number, indexAxis: number, inner: number, out: number): number;
  scatterAddIndexI32F64(dy: number, index: number, outer: number, axisSize: number, indexAxis: number, inner: number, out: number): number;
  /** A strided view written into a strided region of `out` (compile's copyInto and copyStrided at plan addresses). */
  copyIntoF32(x: number, offset: number, meta: number, ndim: number, out: number, outOffset: number, size: number): void;
  copyIntoF64(x: number, offset: number, meta: number, ndim: number, out: number, outOffset: number, size: number): void;
  packPanelsF32(b: number, k: number, n: number, transB: boolean, jc: number, nc: number, panelStart: number, panelEnd: number, bp: number): void;
  packPanelsF64(b: number, k: number, n: number, transB: boolean, jc: number, nc: number, panelStart: number, panelEnd: number, bp: number): void;
  productRowsF32(a: number, bp: number, out: number, m: number, k: number, n: number, transA: boolean, jc: number, nc: number, ap: number, tile: number, rowStart: number, rowEnd: number): void;
  productRowsF64(a: number, bp: number, out: number, m: number, k: number, n: number, transA: boolean, jc: number, nc: number, ap: number, tile: number, rowStart: number, rowEnd: number): void;
  /** Whether matmulThinF32/F64 serve an [m, k]·[k, n] product: a side under 4, or where they measured faster (returns 0 or 1). */
  thinProductF32(m: number, k: number, n: number, transA: boolean, transB: boolean): number;
  thinProductF64(m: number, k: number, n: number, transA: boolean, transB: boolean): number;
  matmulThinF32(a: number, b: number, out: number, batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean, strideA: number, strideB: number): void;
  matmulThinF64(a: number, b: number, out: number, batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean, strideA: number, strideB: number): void;
  /** The small-product kernel (assembly/matmul-small.ts); `bp` holds k·n elements. */
  matmulSmallF32(a: number, b: number, out: number, batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean, strideA: number, strideB: number, bp: number): void;
  matmulSmallF64(a: number, b: number, out: number, batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean, strideA: number, strideB: number, bp: number): void;
  /** Whether matmulSmallF32/F64 serve an [m, k]·[k, n] product (returns 0 or 1). */
  smallProductF32(m: number, k: number, n: number): number;
  smallProductF64(m: number, k: number, n: number): number;
  matmulF32(a: number, b: number, out: number, batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean, strideA: number, strideB: number, ap: number, bp: number, tile: number): void;
  matmulF64(a: number, b: number, out: number, batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean, strideA: number, strideB: number, ap: number, bp: number, tile: number): void;
  conv2dF32(op: number, a: number, b: number, bias: number, spec: number, outChannels: number, out: number, cols: number, padded: number, ap: number, bp: number, tile: number): void;
  batchNormF32(op: number, x: number, dy: number, weight: number, bias: number, mean: number, variance: number, out: number, dweight: number, dbias: number, outer: number, channels: number, inner: number, eps: number): void;
  batchNormF64(op: number, x: number, dy: number, weight: number, bias: number, mean: number, variance: number, out: number, dweight: number, dbias: number, outer: number, channels: number, inner: number, eps: number): void;
  softmaxF32(op: number, x: number, dy: number, outer: number, axisSize: number, inner: number, out: number, causal: number): void;
  softmaxF64(op: number, x: number, dy: number, outer: number, axisSize: number, inner: number, out: number, causal: number): void;
  layerNormF32(op: number, x: number, dy: number, weight: number, bias: number, mean: number, variance: number, out: number, dweight: number, dbias: number, rows: number, features: number, eps: number, acc: number): void;
  layerNormF64(op: number, x: number, dy: number, weight: number, bias: number, mean: number, variance: number, out: number, dweight: number, dbias: number, rows: number, features: number, eps: number, acc: number): void;
  pool2dF32(op: number, x: number, divisors: number, spec: number, out: number): void;
  pool2dF64(op: number, x: number, divisors: number, spec: number, out: number): void;
  maxPool2dF32(x: number, spec: number, out: number, indices: number): void;
  maxPool2dF64(x: number, spec: number, out: number, indices: number): void;
  maxPool2dGradF32(dy: number, indices: number, spec: number, dx: number): void;
  maxPool2dGradF64(dy: number, indices: number, spec: number, dx: number): void;
  conv2dF64(op: number, a: number, b: number, bias: number, spec: number, outChannels: number, out: number, cols: number, padded: number, ap: number, bp: number, tile: number): void;
  /** Elements per block of the fused-program interpreter (compile's plans). */
  fusedBlock(): number;
  fusedF32(program: number, count: number, n: number, scratch: number): void;
  fusedF64(program: number, count: number, n: number, scratch: number): void;
  /** The fused program over elements [begin, end) only (a worker thread's share; begin a multiple of fusedBlock()). */
  fusedRangeF32(program: number, count: number, begin: number, end: number, scratch: number): void;
  fusedRangeF64(program: number, count: number, begin: number, end: number, scratch: number): void;
  adamF32(p: number, g: number, m: number, v: number, n: number, decoupled: boolean, decay: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, c2: number, eps: number, negStep: number): void;
  adamF64(p: number, g: number, m: number, v: number, n: number, decoupled: boolean, decay: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, c2: number, eps: number, negStep: number): void;
  /** SGD with momentum in one pass: b ← μ·b + keep·g, θ ← θ − lr·b (compile's optimizer step). */
  sgdMomentumF32(p: number, g: number, b: number, n: number, momentum: number, keep: number, negLr: number): void;
  sgdMomentumF64(p: number, g: number, b: number, n: number, momentum: number, keep: number, negLr: number): void;
}

export interface KernelInstance {
  readonly kernels: Kernels;
  readonly memory: WebAssembly.Memory;
  /** The compiled module, for worker threads to instantiate over the same (shared) memory. */
  readonly module: WebAssembly.Module;
  /** Which build was chosen: "relaxed-simd" where the engine validates it, else "simd". */
  readonly variant: "relaxed-simd" | "simd";
  readonly shared: boolean;
}

/** Maximum pages of the shared memory; must match --maximumMemory in scripts/build-wasm.mjs. */
const SHARED_MAXIMUM_PAGES = 32768;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** `NABLA_RELAXED_SIMD=0` keeps the plain SIMD build even where relaxed SIMD is available. */
function relaxedSimdWanted(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.NABLA_RELAXED_SIMD !== "0";
}

/**
 * Node 20's V8 (11.3) implements relaxed SIMD but ships it behind a flag (V8 11.4 and Node 22
 * turn it on). Its fused multiply-add makes the matmul micro-kernel about 20% faster here, so
 * on Node we set the flag through `v8.setFlagsFromString`, which only widens what
 * `WebAssembly.validate` and compilation accept; browsers have no such switch and keep their
 * own answer. Returns whether a flag was set.
 */
function enableRelaxedSimdOnNode(): boolean {
  type NodeProcess = { getBuiltinModule?: (name: string) => unknown };
  const nodeProcess = (globalThis as { process?: NodeProcess }).process;
  const v8 = nodeProcess?.getBuiltinModule?.("node:v8") as { setFlagsFromString?: (flags: string) => void } | undefined;
  if (v8?.setFlagsFromString === undefined) return false;
  v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
  return true;
}

/** Imports every build of the kernels expects. */
export function kernelImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      memory,
      abort: () => {
        throw new Error("wasm backend: kernel aborted");
      },
    },
  };
}

/**
 * Compiles and instantiates the kernels synchronously (tensor creation is synchronous). Throws
 * when the engine lacks WebAssembly SIMD, so the registry can fall back to the TS backend.
 * `shared` asks for the build over a shared memory, which worker threads can run on too.
 */
export function instantiateKernels(shared = false): KernelInstance {
  if (typeof WebAssembly !== "object") throw new Error("wasm backend: this engine has no WebAssembly");
  const { module, variant } = compiledKernels(shared, relaxedSimdWanted());
  const memory = shared ? new WebAssembly.Memory({ initial: 32, maximum: SHARED_MAXIMUM_PAGES, shared: true }) : new WebAssembly.Memory({ initial: 32 });
  const instance = new WebAssembly.Instance(module, kernelImports(memory));
  return { kernels: instance.exports as unknown as Kernels, memory, module, variant, shared };
}

/**
 * Each build decoded, validated and compiled once per process (one WebAssembly.Module, an
 * instance over a fresh memory per call): those are the costly part of an instance, and a
 * training run makes three (the backend's, the worker threads' shared one, and compile's
 * plans'), the last two inside its first steps.
 */
const compiledBuilds = new Map<string, { module: WebAssembly.Module; variant: KernelInstance["variant"] }>();

function compiledKernels(shared: boolean, relaxedWanted: boolean): { module: WebAssembly.Module; variant: KernelInstance["variant"] } {
  const key = `${shared} ${relaxedWanted}`;
  let build = compiledBuilds.get(key);
  if (build !== undefined) return build;
  let bytes: Uint8Array<ArrayBuffer> | null = null;
  if (relaxedWanted) {
    const relaxed = decode(shared ? RELAXED_SIMD_SHARED_KERNELS : RELAXED_SIMD_KERNELS);
    if (WebAssembly.validate(relaxed) || (enableRelaxedSimdOnNode() && WebAssembly.validate(relaxed))) bytes = relaxed;
  }
  const variant = bytes === null ? "simd" : "relaxed-simd";
  if (bytes === null) {
    bytes = decode(shared ? SIMD_SHARED_KERNELS : SIMD_KERNELS);
    if (!WebAssembly.validate(bytes)) throw new Error("wasm backend: this engine lacks WebAssembly SIMD");
  }
  build = { module: new WebAssembly.Module(bytes), variant };
  compiledBuilds.set(key, build);
  return build;
}

/** Fails on a generated/kernels.ts built from another table (a stale build). */
export function checkOpCounts(kernels: Kernels): void {
  const counts = kernels.opCounts();
  const built: number[] = [counts & 1023, (counts >> 10) & 1023, counts >> 20];
  const table: number[] = [UNARY_OPS.length, BINARY_OPS.length, REDUCE_OPS.length];
  built.push(kernels.convOpCount(), kernels.poolOpCount(), kernels.normOpCount(), kernels.softmaxOpCount(), kernels.layerNormOpCount());
  table.push(CONV_OPS.length, POOL_OPS.length, NORM_OPS.length, SOFTMAX_OPS.length, LAYER_NORM_OPS.length);
  if (built.join() !== table.join()) {
    throw new Error(`wasm backend: the kernels were built for ${built.join("/")} unary/binary/reduce/conv/pool/norm/softmax/layerNorm ops, the op table has ${table.join("/")}; run npm run build:wasm`);
  }
}

let plainSimdBytes: Uint8Array<ArrayBuffer> | null = null;

/**
 * The bytes of the plain SIMD build over ordinary memory (decoded once): every build exports
 * the same functions with the same types, so these tell a generated module how to import them.
 */
export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  plainSimdBytes ??= decode(SIMD_KERNELS);
  return plainSimdBytes;
}
