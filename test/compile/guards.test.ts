import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile, nn, noGrad, tensor, zeros, type Tensor } from "../../src/index.js";

// A replay checks that the modules the function called still have the parameters it was traced
// with (plan.ts, guardsHold): a field that now holds a parameter, under a name it had or a new
// one, traces again; a field holding anything else may change from call to call without a trace.
// And a call with the same tensors as the last still checks that none of them requires grad.

type Fields = Record<string, unknown>;
const x = tensor([[1, 2], [3, -1]]);

/** A compiled forward of a bias-free Linear, and the layer. */
function compiledLayer(): { layer: nn.Linear; forward: ((input: Tensor) => Tensor) & { stats: { traces: number; replays: number } } } {
  const layer = new nn.Linear(2, 2, { bias: false });
  const forward = compile((input: Tensor) => layer.call(input).sum());
  noGrad(() => [0, 1, 2].forEach(() => forward(x))); // two traces, one replay
  assert.deepEqual([forward.stats.traces, forward.stats.replays], [2, 1]);
  return { layer, forward };
}

test("a parameter put in a field that held none (a bias added) traces again, and the value has the bias", () => {
  const { layer, forward } = compiledLayer();
  (layer as unknown as Fields).bias = new nn.Parameter(tensor([10, 20]));
  const value = noGrad(() => forward(x).item());
  assert.equal(forward.stats.traces, 3);
  assert.equal(value, noGrad(() => layer.call(x).sum().item()));
  assert.ok(value > 55, `the bias (60 over the output) counted: ${value}`);
});

test("a parameter under a new field name traces again, and one taking a deleted field's place too", () => {
  const first = compiledLayer();
  (first.layer as unknown as Fields).extra = new nn.Parameter(zeros([1]));
  noGrad(() => first.forward(x));
  assert.equal(first.forward.stats.traces, 3);

  // as many keys as traced, but not the same ones: the parameters are counted
  const second = compiledLayer();
  const fields = second.layer as unknown as Fields;
  delete fields.inFeatures;
  fields.extra = new nn.Parameter(zeros([1]));
  noGrad(() => second.forward(x));
  assert.equal(second.forward.stats.traces, 3);
});

test("fields that hold no parameter may change on every call, be added or removed, without a trace", () => {
  const { layer, forward } = compiledLayer();
  const fields = layer as unknown as Fields;
  for (let i = 0; i < 5; i++) {
    fields.calls = i; // a new key at first, then a changing value
    fields.note = i % 2 === 0 ? "even" : tensor([i]); // a tensor that is not a parameter
    noGrad(() => forward(x));
  }
  delete fields.note;
  noGrad(() => forward(x));
  assert.deepEqual([forward.stats.traces, forward.stats.replays], [2, 7]);
});

test("an argument that requires grad is an error on a call with the same tensors as the last, too", () => {
  const { forward } = compiledLayer();
  x.requiresGrad = true;
  try {
    assert.throws(() => noGrad(() => forward(x)), /compile: argument 0 requires grad/);
  } finally {
    x.requiresGrad = false;
  }
  noGrad(() => forward(x));
  assert.equal(forward.stats.replays, 2);
});
