import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile, manualSeed, nn, optim, randn, tensor, type Tensor } from "../../src/index.js";
import { activeBackend } from "../../src/backend/registry.js";
import { clearFallbackAudit, fallbackAudit } from "../../src/compile/wasm-audit.js";

// SGD's weight decay, Nesterov momentum and maximize, Adam's L2 weight decay and maximize in a
// replayed plan: on the wasm backend the eager ops' WebAssembly calls at plan addresses (two
// temporaries in the plan's memory), so no replayed step copies through the backend's arena,
// and every value is eager's bit for bit.

const onWasm = activeBackend().name === "wasm";

type Groups = { weightDecay?: number; nesterov?: boolean; maximize?: boolean; momentum?: number; dampening?: number; amsgrad?: boolean }[];
type Kind = "SGD" | "Adam" | "AdamW";
type AnyOptimizer = optim.SGD | optim.Adam | optim.AdamW;

/** `steps` steps of a small MLP (weights of 4096 and 640 elements, biases of 64 and 10), one param group per layer. */
function train(kind: Kind, groups: Groups, useCompile: boolean, steps = 8, edit?: (optimizer: AnyOptimizer, step: number) => void) {
  manualSeed(21);
  const first = new nn.Linear(64, 64);
  const second = new nn.Linear(64, 10);
  const params = [{ params: first.parameters(), ...groups[0] }, { params: second.parameters(), ...groups[1] }];
  const optimizer = kind === "SGD" ? new optim.SGD(params, { lr: 0.02 }) : kind === "Adam" ? new optim.Adam(params, { lr: 0.01 }) : new optim.AdamW(params, { lr: 0.01 });
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
  const buffers = [...optimizer.state.values()].map((s) => (s === undefined ? [] : "momentumBuffer" in s ? [s.momentumBuffer] : [s.expAvg, s.expAvgSq])).map((ts) => ts.map((t) => Array.from(t.toTypedArray())));
  return { losses, state, buffers, stats: { ...compiled.stats }, copied };
}

function assertSame(kind: Kind, groups: Groups, edit?: (optimizer: AnyOptimizer, step: number) => void): ReturnType<typeof train> {
  const eager = train(kind, groups, false, 8, edit);
  const compiled = train(kind, groups, true, 8, edit);
  assert.deepEqual(compiled.stats, { traces: 2, replays: 6, eager: 0, evictions: 0 });
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.state, eager.state);
  assert.deepEqual(compiled.buffers, eager.buffers);
  return compiled;
}

const cases: [Kind, string, Groups][] = [
  ["SGD", "weight decay with momentum, and without", [{ weightDecay: 1e-2, momentum: 0.9 }, { weightDecay: 5e-3 }]],
  ["SGD", "Nesterov momentum, with weight decay and without", [{ nesterov: true, momentum: 0.9, weightDecay: 1e-2 }, { nesterov: true, momentum: 0.8 }]],
  ["SGD", "maximize, with weight decay and dampened momentum", [{ maximize: true, weightDecay: 1e-2, momentum: 0.5, dampening: 0.25 }, { maximize: true }]],
  ["SGD", "all three in one group, plain momentum in the other", [{ maximize: true, weightDecay: 1e-3, nesterov: true, momentum: 0.9 }, { momentum: 0.9 }]],
  ["Adam", "L2 weight decay, and maximize with it", [{ weightDecay: 1e-2 }, { maximize: true, weightDecay: 1e-3 }]],
  ["AdamW", "maximize (decoupled decay in both groups)", [{ maximize: true, weightDecay: 1e-2 }, { weightDecay: 1e-2 }]],
];

for (const [kind, label, groups] of cases) {
  test(`${kind} with ${label}: compiled steps equal eager bit for bit, no arena copies in replays`, () => {
    const compiled = assertSame(kind, groups);
    if (onWasm) assert.deepEqual(compiled.copied, []);
  });
}

test("Adam with AMSGrad (its own update per parameter, eager's ops): compiled steps equal eager bit for bit, and the audit sees the copies", () => {
  const compiled = assertSame("Adam", [{ amsgrad: true }, {}]);
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
