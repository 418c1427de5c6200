import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile, manualSeed, nn, noGrad, optim, randint, randn, tensor, type Tensor } from "../../src/index.js";
import { activeBackend } from "../../src/backend/registry.js";
import { clearFallbackAudit, fallbackAudit, fallbackAuditing } from "../../src/compile/wasm-audit.js";
import { TinyGPT } from "../../examples/tiny-gpt.js";

// A replayed plan on the wasm backend keeps every buffer in its WebAssembly memory: each
// WebAssembly kernel runs at the plan's addresses, and only TypeScript kernels (data movement,
// a loss's handful of values) go through the backend's methods, on views of that memory. A
// WebAssembly kernel left to its method would copy its operands into the backend's arena and
// its result back out on every replay; the executor's audit (wasm-audit.ts) counts those.

const onWasm = activeBackend().name === "wasm";
fallbackAuditing.enabled = true; // plans built in this file count their fallback calls

/** The node names whose replayed fallback calls copied through an arena since the audit was cleared. */
function arenaCopies(): string[] {
  return [...fallbackAudit()].filter(([, count]) => count.arenaCalls > 0).map(([name]) => name);
}

/** A model's step (or inference) and the values it leaves behind (parameters, running statistics). */
interface Case {
  step: (x: Tensor, y: Tensor) => Tensor;
  state: () => number[][];
}

/** The usual training step: zeroGrad, loss, backward, step. */
function trainStep(model: nn.Module<[Tensor], Tensor>, optimizer: { zeroGrad(): void; step(): void }, lossOf: (out: Tensor, y: Tensor) => Tensor = nn.functional.crossEntropy): Case {
  const step = (x: Tensor, y: Tensor): Tensor => {
    optimizer.zeroGrad();
    const loss = lossOf(model.call(x), y);
    loss.backward();
    optimizer.step();
    return loss;
  };
  return { step, state: () => Object.values(model.stateDict()).map((t) => Array.from(t.toTypedArray())) };
}

/**
 * Runs `steps` calls eagerly and compiled from the same seed: the losses and the state must be
 * equal bit for bit, the compiled calls after the two traces must be replays, and (on wasm)
 * none of the replays may have copied a kernel's operands through an arena.
 */
function eagerVsCompiled(setup: () => Case, x: Tensor, y: Tensor, steps = 5): void {
  const run = (useCompile: boolean) => {
    manualSeed(7);
    const { step, state } = setup();
    const compiled = compile(step);
    const call = useCompile ? compiled : step;
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) {
      if (i === 2) clearFallbackAudit(); // the first two calls trace (eagerly, through the arena)
      losses.push(call(x, y).item());
    }
    return { losses, state: state(), stats: { ...compiled.stats }, copied: arenaCopies() };
  };
  const eager = run(false);
  const compiled = run(true);
  // replays of the plan: a signature that fell back to eager mode would match trivially
  assert.deepEqual(compiled.stats, { traces: 2, replays: steps - 2, eager: 0, evictions: 0 });
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.state, eager.state);
  if (onWasm) assert.deepEqual(compiled.copied, [], "replayed kernels that copied through the backend's arena");
}

const classes = (n: number, k: number): Tensor => tensor(Array.from({ length: n }, (_, i) => (i * 7) % k));
const momentumSgd = (model: nn.Module<[Tensor], Tensor>) => new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });

/** An optimizer the plan's steps do not know (they take the exact classes only, whose update they mirror). */
class OwnRMSprop extends optim.RMSprop {}

test("the audit sees a WebAssembly kernel's arena copies in a replay: an RMSprop subclass's step runs its own eager ops", { skip: !onWasm && "the audit is the wasm executor's" }, () => {
  const model = new nn.Sequential(new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 10));
  const { step } = trainStep(model, new OwnRMSprop(model.parameters(), { lr: 1e-3 }));
  const compiled = compile(step);
  const [x, y] = [randn([32, 64]), classes(32, 10)];
  compiled(x, y), compiled(x, y);
  clearFallbackAudit();
  compiled(x, y);
  assert.deepEqual(arenaCopies(), ["optimizer.step()"]);
  assert.equal(fallbackAudit().get("optimizer.step()")?.calls, 1);
});

test("RMSprop (centered, momentum) and Adam with AMSGrad on an MLP: compiled steps equal eager bit for bit, no arena copies in replays", () => {
  const [x, y] = [randn([32, 64]), classes(32, 10)];
  const mlp = () => new nn.Sequential(new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 10));
  eagerVsCompiled(() => {
    const model = mlp();
    return trainStep(model, new optim.RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9, centered: true }));
  }, x, y);
  eagerVsCompiled(() => {
    const model = mlp();
    return trainStep(model, new optim.Adam(model.parameters(), { lr: 1e-3, amsgrad: true }));
  }, x, y);
});

test("W3's MLP (784-256-128-10, momentum SGD): compiled steps equal eager bit for bit, no arena copies in replays", () => {
  const setup = () => {
    const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
    return trainStep(model, momentumSgd(model));
  };
  eagerVsCompiled(setup, randn([128, 784]), classes(128, 10));
});

test("W5's CNN (conv2d, relu, maxPool2d, linear, cross-entropy): compiled steps equal eager bit for bit, no arena copies in replays", () => {
  const setup = () => {
    const model = new nn.Sequential(
      new nn.Conv2d(1, 16, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(16, 32, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(32 * 7 * 7, 10),
    );
    return trainStep(model, momentumSgd(model));
  };
  eagerVsCompiled(setup, randn([8, 1, 28, 28]), classes(8, 10));
});

test("W6's tiny GPT (embeddings, layer norms, causal attention, GELU, AdamW): compiled steps equal eager bit for bit, no arena copies in replays", () => {
  const setup = () => {
    const model = new TinyGPT();
    const lossOf = (logits: Tensor, target: Tensor) => nn.functional.crossEntropy(logits.reshape([4 * 64, 65]), target.reshape([4 * 64]));
    return trainStep(model, new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 }), lossOf);
  };
  eagerVsCompiled(setup, randint(0, 65, [4, 64]), randint(0, 65, [4, 64]), 4);
});

/** Convolution, BatchNorm2d, then a linear layer and BatchNorm1d: both batch-norm kernels, both ways. */
function batchNormModel(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(),
    new nn.Flatten(), new nn.Linear(8 * 64, 32), new nn.BatchNorm1d(32), new nn.ReLU(), new nn.Linear(32, 4),
  );
}

test("BatchNorm1d and BatchNorm2d in training mode (batch statistics, running statistics, their gradients): compiled steps equal eager bit for bit, no arena copies in replays", () => {
  const setup = () => {
    const model = batchNormModel();
    return trainStep(model, momentumSgd(model));
  };
  eagerVsCompiled(setup, randn([16, 3, 8, 8]), classes(16, 4));
});

test("BatchNorm1d and BatchNorm2d in eval mode (running statistics), trained and for inference: compiled equals eager bit for bit, no arena copies in replays", () => {
  const [x, y] = [randn([16, 3, 8, 8]), classes(16, 4)];
  /** A model whose running statistics moved (three eager training steps), then in eval mode. */
  const trained = () => {
    const model = batchNormModel();
    const warmup = trainStep(model, momentumSgd(model));
    for (let i = 0; i < 3; i++) warmup.step(x, y);
    model.eval();
    return model;
  };
  eagerVsCompiled(() => {
    const model = trained();
    return trainStep(model, momentumSgd(model));
  }, x, y);
  eagerVsCompiled(() => {
    const model = trained();
    const state = trainStep(model, momentumSgd(model)).state;
    return { step: (input, target) => noGrad(() => nn.functional.crossEntropy(model.call(input), target)), state };
  }, x, y);
});

test("LayerNorm, GELU and dropout under Adam: compiled steps equal eager bit for bit (the same masks), no arena copies in replays", () => {
  const setup = () => {
    const model = new nn.Sequential(new nn.Linear(20, 48), new nn.LayerNorm(48), new nn.GELU(), new nn.Dropout(0.2), new nn.Linear(48, 5));
    return trainStep(model, new optim.Adam(model.parameters(), { lr: 1e-3 }));
  };
  eagerVsCompiled(setup, randn([32, 20]), classes(32, 5));
});

test("GroupNorm and Dropout2d after a convolution: compiled steps equal eager bit for bit, no arena copies in replays", () => {
  const setup = () => {
    const model = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.GroupNorm(2, 8), new nn.ReLU(), new nn.Dropout2d(0.1), new nn.Flatten(), new nn.Linear(8 * 64, 4));
    return trainStep(model, momentumSgd(model));
  };
  eagerVsCompiled(setup, randn([16, 3, 8, 8]), classes(16, 4));
});

for (const kind of ["LSTM", "GRU"] as const) {
  test(`${kind === "LSTM" ? "an" : "a"} ${kind} over 6 steps and a linear head under Adam: compiled steps equal eager bit for bit, no arena copies in replays`, () => {
    const setup = (): Case => {
      const rnn = kind === "LSTM" ? new nn.LSTM(12, 24, { batchFirst: true }) : new nn.GRU(12, 24, { batchFirst: true });
      const head = new nn.Linear(24, 3);
      const optimizer = new optim.Adam([...rnn.parameters(), ...head.parameters()], { lr: 1e-2 });
      const step = (x: Tensor, y: Tensor): Tensor => {
        optimizer.zeroGrad();
        const [output] = rnn.call(x);
        const loss = nn.functional.crossEntropy(head.call(output.select(1, -1)), y);
        loss.backward();
        optimizer.step();
        return loss;
      };
      const state = () => [...rnn.parameters(), ...head.parameters()].map((p) => Array.from(p.toTypedArray()));
      return { step, state };
    };
    eagerVsCompiled(setup, randn([8, 6, 12]), classes(8, 3));
  });
}

test("logsumexp over the last axis, a middle axis (three axes that do not merge) and a float64 tensor, in a training step: compiled steps equal eager bit for bit, no arena copies in replays", () => {
  const setup = (): Case => {
    const w = randn([6, 7, 5], { requiresGrad: true });
    const v = randn([6, 7, 5], { dtype: "float64", requiresGrad: true });
    const optimizer = new optim.SGD([w, v], { lr: 0.1, momentum: 0.5 });
    const step = (x: Tensor): Tensor => {
      optimizer.zeroGrad();
      const h = x.mul(w);
      const loss = h.logsumexp(2).mean().add(h.logsumexp(1).square().mean()).add(x.to("float64").mul(v).logsumexp([0, 2]).mean().to("float32"));
      loss.backward();
      optimizer.step();
      return loss;
    };
    return { step, state: () => [w, v].map((p) => Array.from(p.toTypedArray())) };
  };
  eagerVsCompiled(setup, randn([6, 7, 5]), tensor([0]));
});

test("logsumexp of rows with −∞, +∞ and NaN, compiled for inference, equals eager bit for bit", () => {
  const values = Array.from({ length: 8 * 9 }, (_, i) => Math.sin(i) * 30);
  values.splice(0, 9, ...new Array<number>(9).fill(-Infinity)); // a row of −∞: −∞
  values[11] = Infinity; // row 1: +∞
  values[21] = NaN; // row 2: NaN
  const x = tensor(values, { shape: [8, 9] });
  const f = (input: Tensor) => input.logsumexp(1);
  const compiled = compile(f);
  const eager = Array.from(f(x).toTypedArray());
  for (let i = 0; i < 2; i++) compiled(x);
  clearFallbackAudit();
  assert.deepEqual(Array.from(compiled(x).toTypedArray()), eager);
  assert.deepEqual(compiled.stats, { traces: 2, replays: 1, eager: 0, evictions: 0 });
  if (onWasm) assert.deepEqual(arenaCopies(), []);
  assert.deepEqual(eager.slice(0, 3).map(Number.isFinite), [false, false, false]); // −∞, +∞, NaN
});
