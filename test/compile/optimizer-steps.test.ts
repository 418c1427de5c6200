import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile, manualSeed, nn, optim, randn, tensor, type Tensor } from "../../src/index.js";
import { activeBackend } from "../../src/backend/registry.js";
import { clearFallbackAudit, fallbackAudit, fallbackAuditing } from "../../src/compile/wasm-audit.js";

// SGD's weight decay, Nesterov momentum and maximize, Adam's L2 weight decay, maximize and
// AMSGrad, and RMSprop in all its options, in a replayed plan: on the wasm backend the eager ops'
// WebAssembly calls at plan addresses (temporaries in the plan's memory), so no replayed step
// copies through the backend's arena, and every value is eager's bit for bit.

const onWasm = activeBackend().name === "wasm";
fallbackAuditing.enabled = true; // plans built in this file count their fallback calls

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
  ["RMSprop", "its defaults", [{}, {}]],
  ["RMSprop", "momentum, and centered", [{ momentum: 0.9 }, { centered: true }]],
  ["RMSprop", "centered momentum with weight decay, and maximize", [{ centered: true, momentum: 0.5, weightDecay: 1e-2 }, { maximize: true }]],
  ["RMSprop", "alpha and eps of its own per group, maximize with weight decay and momentum", [{ alpha: 0.9, eps: 1e-3, maximize: true, weightDecay: 1e-3, momentum: 0.8 }, { alpha: 0, eps: 0.5, centered: true }]],
];

for (const [kind, label, groups] of cases) {
  test(`${kind} with ${label}: compiled steps equal eager bit for bit, no arena copies in replays`, () => {
    const compiled = assertSame(kind, groups);
    if (onWasm) assert.deepEqual(compiled.copied, []);
  });
}

test("RMSprop's lr, alpha, eps, momentum and decay edited between compiled steps take effect as in eager mode, at plan addresses", () => {
  const edit = (optimizer: AnyOptimizer, step: number): void => {
    const [a, b] = (optimizer as optim.RMSprop).paramGroups as [optim.RMSprop["paramGroups"][number], optim.RMSprop["paramGroups"][number]];
    if (step === 3) (a.lr = 0.003), (b.lr = 0.02);
    if (step === 4) (a.alpha = 0.5), (a.eps = 1e-4), (a.momentum = 0.3);
    if (step === 5) (b.weightDecay = 1e-2), (b.maximize = true), (a.centered = false);
  };
  const compiled = assertSame("RMSprop", [{ momentum: 0.9, centered: true }, { momentum: 0.5 }], edit);
  if (onWasm) assert.deepEqual(compiled.copied, []);
});

test("AMSGrad's lr, betas and decay edited between compiled steps take effect as in eager mode, at plan addresses", () => {
  const edit = (optimizer: AnyOptimizer, step: number): void => {
    const [a, b] = (optimizer as optim.AdamW).paramGroups as [optim.AdamW["paramGroups"][number], optim.AdamW["paramGroups"][number]];
    if (step === 3) (a.lr = 0.002), (b.lr = 0.05);
    if (step === 5) (a.betas = [0.8, 0.99]), (b.weightDecay = 0.1);
  };
  const compiled = assertSame("AdamW", [{ amsgrad: true }, { amsgrad: true, maximize: true }], edit);
  if (onWasm) assert.deepEqual(compiled.copied, []);
});

test("RMSprop's centered average switched on after the plan was built (a buffer it does not hold): the optimizer's own step, eager's values, and the audit sees the copies", () => {
  const edit = (optimizer: AnyOptimizer, step: number): void => {
    if (step === 4) (optimizer as optim.RMSprop).paramGroups[1]!.centered = true;
  };
  const compiled = assertSame("RMSprop", [{}, { momentum: 0.9 }], edit);
  if (onWasm) assert.deepEqual(compiled.copied, ["optimizer.step()"]);
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

test("RMSprop (centered, momentum, decay) and AMSGrad on float64 parameters: compiled steps equal eager bit for bit, no arena copies in replays", () => {
  const run = (kind: "RMSprop" | "Adam", useCompile: boolean) => {
    manualSeed(5);
    const w = randn([48, 40], { dtype: "float64", requiresGrad: true });
    const b = randn([40], { dtype: "float64", requiresGrad: true });
    const x = randn([16, 48], { dtype: "float64" });
    const optimizer = kind === "RMSprop" ? new optim.RMSprop([w, b], { lr: 0.01, centered: true, momentum: 0.9, weightDecay: 1e-2 }) : new optim.Adam([w, b], { lr: 0.01, amsgrad: true, maximize: true });
    const step = (input: Tensor): Tensor => {
      optimizer.zeroGrad();
      const loss = input.matmul(w).add(b).tanh().square().mean();
      loss.backward();
      optimizer.step();
      return loss;
    };
    const compiled = compile(step);
    const losses: number[] = [];
    for (let i = 0; i < 6; i++) {
      if (i === 2) clearFallbackAudit();
      if (i === 4) optimizer.paramGroups[0]!.lr = 0.004;
      losses.push((useCompile ? compiled : step)(x).item());
    }
    const copied = [...fallbackAudit()].filter(([, count]) => count.arenaCalls > 0).map(([name]) => name);
    const buffers = [...optimizer.state.values()].map((s) => buffersOf(s).map((t) => (t === null ? null : Array.from(t.toTypedArray()))));
    return { losses, params: [w, b].map((p) => Array.from(p.toTypedArray())), buffers, stats: { ...compiled.stats }, copied };
  };
  for (const kind of ["RMSprop", "Adam"] as const) {
    const eager = run(kind, false);
    const compiled = run(kind, true);
    assert.deepEqual(compiled.stats, { traces: 2, replays: 4, eager: 0, evictions: 0 });
    assert.deepEqual(compiled.losses, eager.losses);
    assert.deepEqual(compiled.params, eager.params);
    assert.deepEqual(compiled.buffers, eager.buffers);
    if (onWasm) assert.deepEqual(compiled.copied, [], kind);
  }
});
