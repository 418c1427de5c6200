// Eager element-wise ops over 262,144 float32 elements on the wasm backend (two in place), in ms per call
// (median of 7 rounds of 20, under noGrad), and an LSTM(64→256) training step on 64×32
// inputs (median of 10 steps): the ops whose kernels run in vector lanes or per element
// (src/backend/wasm/assembly/elementwise.ts, transcendental.ts), and a recurrent net's step, which uses tanh and
// sigmoid at every time step and accumulates its weights' gradients over them
// (src/autograd/backward.ts). Compare checkouts by running it in each.
//
// Usage: node --import tsx bench/unary-ops.ts
import { nn, noGrad, optim, randn, setBackend, type Tensor } from "../src/index.js";
import { activeBackend } from "../src/backend/registry.js";

setBackend("wasm");
const x = randn([262144]);
const positive = noGrad(() => x.abs().add(0.5));
const wide = noGrad(() => x.mul(2)); // N(0, 2²): 7% below −3, where gelu's lanes hand over to the scalar path
const target = randn([262144]); // written in place by add_ and mul_

function median(samples: number[]): number {
  return samples.sort((a, b) => a - b)[samples.length >> 1]!;
}

function msPerCall(op: () => unknown): number {
  const rounds: number[] = [];
  for (let round = 0; round < 8; round++) {
    const start = performance.now();
    for (let i = 0; i < 20; i++) op();
    if (round > 0) rounds.push((performance.now() - start) / 20); // the first warms up
  }
  return median(rounds);
}

const F = nn.functional;
/** silu's derivative, which only backward calls: the backend's kernel into a buffer of its own. */
const siluGradOut = activeBackend().allocate(262144, "float32");
function siluGrad(): Tensor {
  activeBackend().unary("siluGrad", x.storage.ref, siluGradOut);
  return x;
}
const ops: [string, () => Tensor][] = [
  ["relu", () => x.relu()],
  ["exp", () => x.exp()],
  ["sigmoid", () => x.sigmoid()],
  ["tanh", () => x.tanh()],
  ["gelu", () => F.gelu(x)],
  ["gelu N(0,4)", () => F.gelu(wide)],
  ["clamp(0, 1)", () => x.clamp(0, 1)],
  ["leakyRelu", () => F.leakyRelu(x)],
  ["sign", () => x.sign()],
  ["rsqrt", () => positive.rsqrt()],
  ["elu", () => F.elu(x)],
  ["silu", () => F.silu(x)],
  ["siluGrad", () => siluGrad()],
  ["softplus", () => F.softplus(x)],
  ["erf", () => x.erf()],
  ["sin", () => x.sin()],
  ["add_", () => target.add_(x)],
  ["mul_(0.999)", () => target.mul_(0.999)],
];
noGrad(() => {
  for (const [name, op] of ops) console.log(`${name.padEnd(12)} ${msPerCall(op).toFixed(2).padStart(6)} ms`);
});

const lstm = new nn.LSTM(64, 256, { batchFirst: true });
const optimizer = new optim.SGD(lstm.parameters(), { lr: 0.01 });
const input = randn([64, 32, 64]);
const step = (): void => {
  optimizer.zeroGrad();
  const [output] = lstm.call(input);
  output.square().mean().backward();
  optimizer.step();
};
for (let i = 0; i < 3; i++) step();
const steps: number[] = [];
for (let i = 0; i < 10; i++) {
  const start = performance.now();
  step();
  steps.push(performance.now() - start);
}
console.log(`LSTM(64→256), 64 × 32 steps, a training step: ${median(steps).toFixed(1)} ms`);
