// The module's exports: every kernel instantiated for f32 and f64. The JS side owns the memory
// (imported as env.memory) and hands out every buffer, so nothing here allocates.
import { unary, clamp, fill, cast, binary, axpby } from "./elementwise";
import { reduce, argmax, gather, scatterAdd } from "./reduce";
import { copyInto } from "./copy-strided";
import { UNARY_OP_COUNT, BINARY_OP_COUNT, REDUCE_OP_COUNT, CONV_OP_COUNT, POOL_OP_COUNT, NORM_OP_COUNT, SOFTMAX_OP_COUNT, LAYER_NORM_OP_COUNT } from "./opcodes";
import { conv2d } from "./conv";
import { maxPool2d, maxPool2dGrad, pool2d } from "./pool";
import { batchNorm } from "./norm";
import { softmax } from "./softmax";
import { gatherIndexI32, scatterAddIndexI32 } from "./indexed";
import { layerNorm } from "./layer-norm";
import { layerNormLanesF32 } from "./layer-norm-f32";
import { matmul, packPanels, productRows, MC, KC, NC } from "./matmul";
import { matmulThin, thinProduct } from "./matmul-thin";
import { mr, nr } from "./matmul-micro";
import { matmulSmall, smallProduct } from "./matmul-small";
import { fused, adam, sgdMomentum, FUSED_BLOCK } from "./fused";

/** First byte past the module's static data: the JS allocator starts here. */
export function heapBase(): usize { return __heap_base; }
/** Scratch the matmul needs, in elements: packed A, packed B, one tile. */
export function matmulScratchA(): i32 { return MC * KC; }
export function matmulScratchB(): i32 { return KC * NC; }
export function matmulTile(): i32 { return max(mr<f32>() * nr<f32>(), mr<f64>() * nr<f64>()); }
/** Rows of the packed kernel's strips (its tile's height) and of its op(A) blocks: the threaded split's row chunks are whole strips, at most one block. */
export function matmulStripRows(f64: bool): i32 { return f64 ? mr<f64>() : mr<f32>(); }
export function matmulBlockRows(): i32 { return MC; }
/** How many ops of each kind this build knows, for the JS side to check against its table. */
export function opCounts(): i32 { return UNARY_OP_COUNT | (BINARY_OP_COUNT << 10) | (REDUCE_OP_COUNT << 20); }
export function convOpCount(): i32 { return CONV_OP_COUNT; }
export function poolOpCount(): i32 { return POOL_OP_COUNT; }
export function normOpCount(): i32 { return NORM_OP_COUNT; }
export function softmaxOpCount(): i32 { return SOFTMAX_OP_COUNT; }
export function layerNormOpCount(): i32 { return LAYER_NORM_OP_COUNT; }

export function unaryF32(op: i32, x: usize, y: usize, n: i32, alpha: f64, beta: f64): void { unary<f32>(op, x, y, n, alpha, beta); }
export function unaryF64(op: i32, x: usize, y: usize, n: i32, alpha: f64, beta: f64): void { unary<f64>(op, x, y, n, alpha, beta); }
export function clampF32(x: usize, lo: f64, hi: f64, y: usize, n: i32): void { clamp<f32>(x, <f32>lo, <f32>hi, y, n); }
export function clampF64(x: usize, lo: f64, hi: f64, y: usize, n: i32): void { clamp<f64>(x, lo, hi, y, n); }
export function fillF32(out: usize, value: f64, n: i32): void { fill<f32>(out, <f32>value, n); }
export function fillF64(out: usize, value: f64, n: i32): void { fill<f64>(out, value, n); }
export function castF32F32(x: usize, y: usize, n: i32): void { cast<f32, f32>(x, y, n); }
export function castF32F64(x: usize, y: usize, n: i32): void { cast<f32, f64>(x, y, n); }
export function castF64F32(x: usize, y: usize, n: i32): void { cast<f64, f32>(x, y, n); }
export function castF64F64(x: usize, y: usize, n: i32): void { cast<f64, f64>(x, y, n); }
export function binaryF32(op: i32, a: usize, sa0: i32, sa1: i32, b: usize, sb0: i32, sb1: i32, out: usize, n0: i32, n1: i32): void { binary<f32>(op, a, sa0, sa1, b, sb0, sb1, out, n0, n1); }
export function binaryF64(op: i32, a: usize, sa0: i32, sa1: i32, b: usize, sb0: i32, sb1: i32, out: usize, n0: i32, n1: i32): void { binary<f64>(op, a, sa0, sa1, b, sb0, sb1, out, n0, n1); }
export function axpbyF32(alpha: f64, x: usize, beta: f64, y: usize, out: usize, n: i32): void { axpby<f32>(<f32>alpha, x, <f32>beta, y, out, n); }
export function axpbyF64(alpha: f64, x: usize, beta: f64, y: usize, out: usize, n: i32): void { axpby<f64>(alpha, x, beta, y, out, n); }
export function reduceF32(op: i32, x: usize, outer: i32, axisSize: i32, inner: i32, out: usize, row: usize): void { reduce<f32>(op, x, outer, axisSize, inner, out, row); }
export function reduceF64(op: i32, x: usize, outer: i32, axisSize: i32, inner: i32, out: usize, row: usize): void { reduce<f64>(op, x, outer, axisSize, inner, out, row); }
export function argmaxF32F32(x: usize, outer: i32, axisSize: i32, inner: i32, out: usize): void { argmax<f32, f32>(x, outer, axisSize, inner, out); }
export function argmaxF32F64(x: usize, outer: i32, axisSize: i32, inner: i32, out: usize): void { argmax<f32, f64>(x, outer, axisSize, inner, out); }
export function argmaxF64F32(x: usize, outer: i32, axisSize: i32, inner: i32, out: usize): void { argmax<f64, f32>(x, outer, axisSize, inner, out); }
export function argmaxF64F64(x: usize, outer: i32, axisSize: i32, inner: i32, out: usize): void { argmax<f64, f64>(x, outer, axisSize, inner, out); }
export function gatherF32(x: usize, index: usize, outer: i32, axisSize: i32, indexAxis: i32, inner: i32, out: usize): void { gather<f32>(x, index, outer, axisSize, indexAxis, inner, out); }
export function gatherF64(x: usize, index: usize, outer: i32, axisSize: i32, indexAxis: i32, inner: i32, out: usize): void { gather<f64>(x, index, outer, axisSize, indexAxis, inner, out); }
export function scatterAddF32(dy: usize, index: usize, outer: i32, axisSize: i32, indexAxis: i32, inner: i32, out: usize): void { scatterAdd<f32>(dy, index, outer, axisSize, indexAxis, inner, out); }
export function scatterAddF64(dy: usize, index: usize, outer: i32, axisSize: i32, indexAxis: i32, inner: i32, out: usize): void { scatterAdd<f64>(dy, index, outer, axisSize, indexAxis, inner, out); }
/** gather and scatterAdd with an int32 index, checked first: −1, or the first bad position (nothing written). */
export function gatherIndexI32F32(x: usize, index: usize, outer: i32, axisSize: i32, indexAxis: i32, inner: i32, out: usize): i32 { return gatherIndexI32<f32>(x, index, outer, axisSize, indexAxis, inner, out); }
export function gatherIndexI32F64(x: usize, index: usize, outer: i32, axisSize: i32, indexAxis: i32, inner: i32, out: usize): i32 { return gatherIndexI32<f64>(x, index, outer, axisSize, indexAxis, inner, out); }
export function scatterAddIndexI32F32(dy: usize, index: usize, outer: i32, axisSize: i32, indexAxis: i32, inner: i32, out: usize): i32 { return scatterAddIndexI32<f32>(dy, index, outer, axisSize, indexAxis, inner, out); }
export function scatterAddIndexI32F64(dy: usize, index: usize, outer: i32, axisSize: i32, indexAxis: i32, inner: i32, out: usize): i32 { return scatterAddIndexI32<f64>(dy, index, outer, axisSize, indexAxis, inner, out); }
export function copyIntoF32(x: usize, offset: i32, meta: usize, ndim: i32, out: usize, outOffset: i32, size: i32): void { copyInto<f32>(x, offset, meta, ndim, out, outOffset, size); }
export function copyIntoF64(x: usize, offset: i32, meta: usize, ndim: i32, out: usize, outOffset: i32, size: i32): void { copyInto<f64>(x, offset, meta, ndim, out, outOffset, size); }
export function matmulF32(a: usize, b: usize, out: usize, batch: i32, m: i32, k: i32, n: i32, transA: bool, transB: bool, strideA: i32, strideB: i32, ap: usize, bp: usize, tile: usize): void { matmul<f32>(a, b, out, batch, m, k, n, transA, transB, strideA, strideB, ap, bp, tile); }
export function matmulF64(a: usize, b: usize, out: usize, batch: i32, m: i32, k: i32, n: i32, transA: bool, transB: bool, strideA: i32, strideB: i32, ap: usize, bp: usize, tile: usize): void { matmul<f64>(a, b, out, batch, m, k, n, transA, transB, strideA, strideB, ap, bp, tile); }
export function packPanelsF32(b: usize, k: i32, n: i32, transB: bool, jc: i32, nc: i32, panelStart: i32, panelEnd: i32, bp: usize): void { packPanels<f32>(b, k, n, transB, jc, nc, panelStart, panelEnd, bp); }
export function packPanelsF64(b: usize, k: i32, n: i32, transB: bool, jc: i32, nc: i32, panelStart: i32, panelEnd: i32, bp: usize): void { packPanels<f64>(b, k, n, transB, jc, nc, panelStart, panelEnd, bp); }
export function productRowsF32(a: usize, bp: usize, out: usize, m: i32, k: i32, n: i32, transA: bool, jc: i32, nc: i32, ap: usize, tile: usize, rowStart: i32, rowEnd: i32): void { productRows<f32>(a, bp, out, m, k, n, transA, jc, nc, ap, tile, rowStart, rowEnd); }
export function productRowsF64(a: usize, bp: usize, out: usize, m: i32, k: i32, n: i32, transA: bool, jc: i32, nc: i32, ap: usize, tile: usize, rowStart: i32, rowEnd: i32): void { productRows<f64>(a, bp, out, m, k, n, transA, jc, nc, ap, tile, rowStart, rowEnd); }
export function matmulSmallF32(a: usize, b: usize, out: usize, batch: i32, m: i32, k: i32, n: i32, transA: bool, transB: bool, strideA: i32, strideB: i32, bp: usize): void { matmulSmall<f32>(a, b, out, batch, m, k, n, transA, transB, strideA, strideB, bp); }
export function matmulSmallF64(a: usize, b: usize, out: usize, batch: i32, m: i32, k: i32, n: i32, transA: bool, transB: bool, strideA: i32, strideB: i32, bp: usize): void { matmulSmall<f64>(a, b, out, batch, m, k, n, transA, transB, strideA, strideB, bp); }
/** Whether matmulSmallF32/F64 serve an [m, k]·[k, n] product (whole tiles, small operands). */
export function smallProductF32(m: i32, k: i32, n: i32): bool { return smallProduct<f32>(m, k, n); }
export function smallProductF64(m: i32, k: i32, n: i32): bool { return smallProduct<f64>(m, k, n); }
/** Whether matmulThinF32/F64 serve an [m, k]·[k, n] product (a side under 4, and shapes where they measured faster). */
export function thinProductF32(m: i32, k: i32, n: i32, transA: bool, transB: bool): bool { return thinProduct<f32>(m, k, n, transA, transB); }
export function thinProductF64(m: i32, k: i32, n: i32, transA: bool, transB: bool): bool { return thinProduct<f64>(m, k, n, transA, transB); }
export function matmulThinF32(a: usize, b: usize, out: usize, batch: i32, m: i32, k: i32, n: i32, transA: bool, transB: bool, strideA: i32, strideB: i32): void { matmulThin<f32>(a, b, out, batch, m, k, n, transA, transB, strideA, strideB); }
export function matmulThinF64(a: usize, b: usize, out: usize, batch: i32, m: i32, k: i32, n: i32, transA: bool, transB: bool, strideA: i32, strideB: i32): void { matmulThin<f64>(a, b, out, batch, m, k, n, transA, transB, strideA, strideB); }
export function conv2dF32(op: i32, a: usize, b: usize, bias: usize, spec: usize, outChannels: i32, out: usize, cols: usize, padded: usize, ap: usize, bp: usize, tile: usize): void { conv2d<f32>(op, a, b, bias, spec, outChannels, out, cols, padded, ap, bp, tile); }
export function conv2dF64(op: i32, a: usize, b: usize, bias: usize, spec: usize, outChannels: i32, out: usize, cols: usize, padded: usize, ap: usize, bp: usize, tile: usize): void { conv2d<f64>(op, a, b, bias, spec, outChannels, out, cols, padded, ap, bp, tile); }
export function maxPool2dF32(x: usize, spec: usize, out: usize, indices: usize): void { maxPool2d<f32>(x, spec, out, indices); }
export function maxPool2dF64(x: usize, spec: usize, out: usize, indices: usize): void { maxPool2d<f64>(x, spec, out, indices); }
export function maxPool2dGradF32(dy: usize, indices: usize, spec: usize, dx: usize): void { maxPool2dGrad<f32>(dy, indices, spec, dx); }
export function maxPool2dGradF64(dy: usize, indices: usize, spec: usize, dx: usize): void { maxPool2dGrad<f64>(dy, indices, spec, dx); }
export function pool2dF32(op: i32, x: usize, divisors: usize, spec: usize, out: usize): void { pool2d<f32>(op, x, divisors, spec, out); }
export function pool2dF64(op: i32, x: usize, divisors: usize, spec: usize, out: usize): void { pool2d<f64>(op, x, divisors, spec, out); }
export function batchNormF32(op: i32, x: usize, dy: usize, weight: usize, bias: usize, mean: usize, variance: usize, out: usize, dweight: usize, dbias: usize, outer: i32, channels: i32, inner: i32, eps: f64): void { batchNorm<f32>(op, x, dy, weight, bias, mean, variance, out, dweight, dbias, outer, channels, inner, eps); }
export function batchNormF64(op: i32, x: usize, dy: usize, weight: usize, bias: usize, mean: usize, variance: usize, out: usize, dweight: usize, dbias: usize, outer: i32, channels: i32, inner: i32, eps: f64): void { batchNorm<f64>(op, x, dy, weight, bias, mean, variance, out, dweight, dbias, outer, channels, inner, eps); }
// compile()'s plans (fused.ts)
export function fusedBlock(): i32 { return FUSED_BLOCK; }
export function fusedF32(program: usize, count: i32, n: i32, scratch: usize): void { fused<f32>(program, count, 0, n, scratch); }
export function fusedF64(program: usize, count: i32, n: i32, scratch: usize): void { fused<f64>(program, count, 0, n, scratch); }
export function fusedRangeF32(program: usize, count: i32, begin: i32, end: i32, scratch: usize): void { fused<f32>(program, count, begin, end, scratch); }
export function fusedRangeF64(program: usize, count: i32, begin: i32, end: i32, scratch: usize): void { fused<f64>(program, count, begin, end, scratch); }
export function adamF32(p: usize, g: usize, m: usize, v: usize, n: i32, decoupled: bool, decay: f64, beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, c2: f64, eps: f64, negStep: f64): void { adam<f32>(p, g, m, v, n, decoupled, <f32>decay, <f32>beta1, <f32>oneMinusBeta1, <f32>beta2, <f32>oneMinusBeta2, <f32>c2, <f32>eps, <f32>negStep); }
export function adamF64(p: usize, g: usize, m: usize, v: usize, n: i32, decoupled: bool, decay: f64, beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, c2: f64, eps: f64, negStep: f64): void { adam<f64>(p, g, m, v, n, decoupled, decay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, c2, eps, negStep); }
export function sgdMomentumF32(p: usize, g: usize, b: usize, n: i32, momentum: f64, keep: f64, negLr: f64): void { sgdMomentum<f32>(p, g, b, n, <f32>momentum, <f32>keep, <f32>negLr); }
export function sgdMomentumF64(p: usize, g: usize, b: usize, n: i32, momentum: f64, keep: f64, negLr: f64): void { sgdMomentum<f64>(p, g, b, n, momentum, keep, negLr); }
export function softmaxF32(op: i32, x: usize, dy: usize, outer: i32, axisSize: i32, inner: i32, out: usize, causal: i32): void { softmax<f32>(op, x, dy, outer, axisSize, inner, out, causal); }
export function softmaxF64(op: i32, x: usize, dy: usize, outer: i32, axisSize: i32, inner: i32, out: usize, causal: i32): void { softmax<f64>(op, x, dy, outer, axisSize, inner, out, causal); }
export function layerNormF32(op: i32, x: usize, dy: usize, weight: usize, bias: usize, mean: usize, variance: usize, out: usize, dweight: usize, dbias: usize, rows: i32, features: i32, eps: f64, acc: usize): void { layerNormLanesF32(op, x, dy, weight, bias, mean, variance, out, dweight, dbias, rows, features, eps, acc); }
export function layerNormF64(op: i32, x: usize, dy: usize, weight: usize, bias: usize, mean: usize, variance: usize, out: usize, dweight: usize, dbias: usize, rows: i32, features: i32, eps: f64, acc: usize): void { layerNorm<f64>(op, x, dy, weight, bias, mean, variance, out, dweight, dbias, rows, features, eps, acc); }
