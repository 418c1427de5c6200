import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile, manualSeed, nn, optim, randn, tensor, type Tensor } from "../../src/index.js";
import { activeBackend } from "../../src/backend/registry.js";
import { clearFallbackAudit, fallbackAudit } from "../../src/compile/wasm-audit.js";

// SGD's weight decay, Nesterov momentum and maximize, Adam's L2 weight decay, maximize and
// AMSGrad, and RMSprop in all its options, in a replayed plan: on the wasm backend the eager ops'
// WebAssembly calls at plan addresses (temporaries in the plan's memory), so no replayed step
// copies through the backend's arena, and every value is eager's bit for bit.

const onWasm = activeBackend().name === "wasm";

type Groups = { weightDecay?: number; nesterov?: boolean; maximize?: boolean; momentum?: number; dampening?: number; amsgrad?: boolean; alpha?: number; eps?: number; centered?: boolean }[];
type Kind = "SGD" | "Adam" | "AdamW" | "RMSprop";
type AnyOptimizer = optim.SGD | optim.Adam | optim.AdamW | optim.RMSprop;

function optimizerOf(kind: Kind, params: { params: Tensor[] }[]): AnyOptimizer {
  if (kind === "SGD") return new optim.SGD(params, { lr: 0.02 });
  if (kind === "RMSprop") return new optim.RMSprop(params, { lr: 0.01 });
  return kind === "Adam" ? new optim.Adam(params, { lr: 0.01 }) : new optim.AdamW(params, { lr: 0.01 });
}

/** Every state buffer an optimizer keeps for a parameter (a null one as null). */
function buffersOf(state: unknown): (Tensor | null)[] {
  if (state === undefined) return [];
  if (typeof state === "object" && state !== null && "momentumBuffer" in state && !("squareAvg" in state)) return [(state as optim.SGDState).momentumBuffer];
  if (typeof state === "object" && state !== null && "squareAvg" in state) {
    const s = state as optim.RMSpropState;
    return [s.squareAvg, s.gradAvg, s.momentumBuffer];
  }
  const s = state as optim.AdamState;
  return [s.expAvg, s.expAvgSq, s.maxExpAvgSq];
}

/** `steps` steps of a small MLP (weights of 4096 and 640 elements, biases of 64 and 10), one param group per layer. */
function train(kind: Kind, groups: Groups, useCompile: boolean, steps = 8, edit?: (optimizer: AnyOptimizer, step: number) => void) {
  manualSeed(21);
  const first = new nn.Linear(64, 64);
  const second = new nn.Linear(64, 10);
  const params = [{ params: first.parameters(), ...groups[0] }, { params: second.parameters(), ...groups[1] }];
  const optimizer = optimizerOf(kind, params);
  const x = randn([32, 64]);
  const y = tensor(Array.from({ length: 32 }, (_, i) => (i * 3) % 10));
  const step = (input: Tensor, target: Tensor): Tensor => {
    optimizer.zeroGrad();
    const loss = nn.functional.crossEntropy(second.call(first.call(input).relu()), target);
    loss.backward();
    optimizer.step();
    return loss;
  };
  const compiled = compile(step);
  const call = useCompile ? compiled : step;
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    edit?.(optimizer, i);
    if (i === 2) clearFallbackAudit();
    losses.push(call(x, y).item());
  }
  const copied = [...fallbackAudit()].filter(([, count]) => count.arenaCalls > 0).map(([name]) => name);
  const state = [...first.parameters(), ...second.parameters()].map((p) => Array.from(p.toTypedArray()));
  const buffers = [...optimizer.state.values()].map((s) => buffersOf(s).map((t) => (t === null ? null : Array.from(t.toTypedArray()))));
  const counters = [...optimizer.state.values()].map((s) => (s !== undefined && "step" in s ? s.step : 0));
  return { losses, state, buffers, counters, stats: { ...compiled.stats }, copied };
}

function assertSame(kind: Kind, groups: Groups, edit?: (optimizer: AnyOptimizer, step: number) => void): ReturnType<typeof train> {
  const eager = train(kind, groups, false, 8, edit);
  const compiled = train(kind, groups, true, 8, edit);
  assert.deepEqual(compiled.stats, { traces: 2, replays: 6, eager: 0, evictions: 0 });
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.state, eager.state);
  assert.deepEqual(compiled.buffers, eager.buffers);
  assert.deepEqual(compiled.counters, eager.counters);
  return compiled;
}

const cases: [Kind, string, Groups][] = [
  ["SGD", "weight decay with momentum, and without", [{ weightDecay: 1e-2, momentum: 0.9 }, { weightDecay: 5e-3 }]],
  ["SGD", "Nesterov momentum, with weight decay and without", [{ nesterov: true, momentum: 0.9, weightDecay: 1e-2 }, { nesterov: true, momentum: 0.8 }]],
  ["SGD", "maximize, with weight decay and dampened momentum", [{ maximize: true, weightDecay: 1e-2, momentum: 0.5, dampening: 0.25 }, { maximize: true }]],
  ["SGD", "all three in one group, plain momentum in the other", [{ maximize: true, weightDecay: 1e-3, nesterov: true, momentum: 0.9 }, { momentum: 0.9 }]],
  ["Adam", "L2 weight decay, and maximize with it", [{ weightDecay: 1e-2 }, { maximize: true, weightDecay: 1e-3 }]],
  ["AdamW", "maximize (decoupled decay in both groups)", [{ maximize: true, weightDecay: 1e-2 }, { weightDecay: 1e-2 }]],
  ["Adam", "AMSGrad, with L2 weight decay and maximize, and without", [{ amsgrad: true, weightDecay: 1e-2, maximize: true }, { amsgrad: true }]],
  ["Adam", "AMSGrad in one group, the fused kernel in the other", [{ amsgrad: true }, {}]],
  ["AdamW", "AMSGrad (decoupled decay), with maximize and without", [{ amsgrad: true, weightDecay: 1e-2 }, { amsgrad: true, maximize: true, weightDecay: 5e-2 }]],
];

for (const [kind, label, groups] of cases) {
  test(`${kind} with ${label}: compiled steps equal eager bit for bit, no arena copies in replays`, () => {
    const compiled = assertSame(kind, groups);
    if (onWasm) assert.deepEqual(compiled.copied, []);
  });
}

test("AMSGrad's lr, betas and decay edited between compiled steps take effect as in eager mode, at plan addresses", () => {
  const edit = (optimizer: AnyOptimizer, step: number): void => {
    const [a, b] = (optimizer as optim.AdamW).paramGroups as [optim.AdamW["paramGroups"][number], optim.AdamW["paramGroups"][number]];
    if (step === 3) (a.lr = 0.002), (b.lr = 0.05);
    if (step === 5) (a.betas = [0.8, 0.99]), (b.weightDecay = 0.1);
  };
  const compiled = assertSame("AdamW", [{ amsgrad: true }, { amsgrad: true, maximize: true }], edit);
  if (onWasm) assert.deepEqual(compiled.copied, []);
});

test("SGD's lr, momentum and decay edited between compiled steps take effect as in eager mode, at plan addresses", () => {
  const edit = (optimizer: AnyOptimizer, step: number): void => {
    const [a, b] = (optimizer as optim.SGD).paramGroups as [optim.SGD["paramGroups"][number], optim.SGD["paramGroups"][number]];
    if (step === 4) (a.weightDecay = 0.05), (a.momentum = 0.7), (a.lr = 0.01);
    if (step === 5) b.nesterov = true; // fits the temporaries the plan reserved for the first group
  };
  const compiled = assertSame("SGD", [{ weightDecay: 1e-2, nesterov: true, momentum: 0.9 }, { momentum: 0.9 }], edit);
  if (onWasm) assert.deepEqual(compiled.copied, []);
});

test("a weight decay switched on after the plan was built without temporaries: the optimizer's own step, eager's values", () => {
  const edit = (optimizer: AnyOptimizer, step: number): void => {
    if (step === 4) optimizer.paramGroups[0]!.weightDecay = 1e-2;
  };
  const compiled = assertSame("SGD", [{ momentum: 0.9 }, { momentum: 0.9 }], edit);
  // the audit sees it: the steps from then on copy through the arena
  if (onWasm) assert.deepEqual(compiled.copied, ["optimizer.step()"]);
});
