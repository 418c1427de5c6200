// Attention's head split: q of [16, 64, 4, 16] out of a [16, 64, 192] projection into a
// contiguous [16, 4, 64, 16] (the copy W6 makes twice per layer and step, and split's gradient
// the other way), by both copies that make it: eager mode's TypeScript stridedCopyF32 on typed
// arrays, and the kernel module's copyIntoF32 that compiled plans call at plan addresses.
// Prints the median µs per copy of a hot (reused) output, the two timed alternately; run it on
// two revisions to compare.
//
// Usage: node --import tsx bench/strided-copy.ts [--reps N]
import { stridedCopyF32 } from "../src/backend/wasm/strided-copy.js";
import { instantiateKernels } from "../src/backend/wasm/wasm-module.js";

const at = process.argv.indexOf("--reps");
const reps = at < 0 ? 31 : Number(process.argv[at + 1]);
const [B, T, H, D] = [16, 64, 4, 16];
const shape = [B, H, T, D];
const strides = [T * 3 * H * D, D, 3 * H * D, 1];
const x = new Float32Array(B * T * 3 * H * D).map((_, i) => i);
const out = new Float32Array(B * H * T * D);
const typed = (): void => stridedCopyF32(x, 0, out, 0, shape, strides, [H * T * D, T * D, D, 1]);

// the same view in the kernel module's memory: source, output, then the shape and strides
const { kernels, memory } = instantiateKernels(false);
const source = (kernels.heapBase() + 63) & ~63;
const target = source + x.byteLength;
const meta = target + out.byteLength;
if (meta + 64 > memory.buffer.byteLength) memory.grow(Math.ceil((meta + 64 - memory.buffer.byteLength) / 65536));
new Float32Array(memory.buffer, source, x.length).set(x);
new Int32Array(memory.buffer, meta, 12).set([...shape, ...strides, H * T * D, T * D, D, 1]);
const kernel = (): void => kernels.copyIntoF32(source, 0, meta, 4, target, 0, out.length);

for (let i = 0; i < 300; i++) typed(), kernel(); // past V8's tier-up
typed();
kernel();
const same = new Float32Array(memory.buffer, target, out.length).every((value, i) => value === out[i]);
const samples: [number[], number[]] = [[], []];
for (let r = 0; r < reps; r++) {
  [typed, kernel].forEach((copy, which) => {
    const start = performance.now();
    for (let i = 0; i < 20; i++) copy();
    samples[which]!.push((performance.now() - start) / 20);
  });
}
const median = (values: number[]): string => ((values.sort((a, b) => a - b)[reps >> 1]! * 1000).toFixed(1));
console.log(`[16, 4, 64, 16] from [16, 64, 192], µs per copy (median of ${reps}): stridedCopyF32 (eager, TypeScript) ${median(samples[0])}, copyIntoF32 (compiled, kernel module) ${median(samples[1])}; same values: ${same}`);
