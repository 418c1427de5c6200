import "../helpers.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeState, DEFAULT_STATE, encodeState, type State } from "../../playground/src/state.js";

test("playground state: every field survives the URL hash round trip", () => {
  const state: State = {
    ...DEFAULT_STATE,
    view: "backprop",
    data: "kclouds",
    classes: 4,
    noise: 0.35,
    points: 300,
    trainRatio: 0.7,
    seed: 42,
    extra: [{ x: 1.25, y: -3.5, label: 3 }, { x: 0, y: 0, label: 0 }],
    features: ["x1", "x2", "x1x2", "sinx2"],
    layers: [16, 1, 3],
    activation: "relu",
    optimizer: "momentum",
    learningRate: 0.003,
    batchSize: 25,
    regularization: "l1",
    regularizationRate: 0.01,
    discretize: true,
    speed: 10,
    backend: "js",
    paintClass: 2,
    graphSource: "network",
    graphPoint: 17,
    expression: "exp(a) / (1 + b^2) & c",
    variables: "a=1, b=-2.5",
    logits: "3, 1, -2",
  };
  assert.deepEqual(decodeState(`#${encodeState(state)}`), state);
});

test("playground state: an empty hash gives the defaults; an empty layer list means no hidden layer", () => {
  assert.deepEqual(decodeState(""), DEFAULT_STATE);
  assert.deepEqual(decodeState("layers=").layers, []);
});

test("playground state: malformed values fall back to defaults or are clamped, never break the page", () => {
  const state = decodeState("view=nope&data=zzz&classes=9&noise=abc&lr=-1&layers=40,0,3,3,3,3,3,3&features=bogus&pts=1,2,0;bad;3,4,7&act=&batch=1e9");
  assert.equal(state.view, DEFAULT_STATE.view);
  assert.equal(state.data, DEFAULT_STATE.data);
  assert.equal(state.classes, 5);
  assert.equal(state.noise, DEFAULT_STATE.noise);
  assert.equal(state.learningRate, 1e-5);
  assert.deepEqual(state.layers, [16, 1, 3, 3, 3, 3], "at most 6 layers of 1–16 neurons");
  assert.deepEqual(state.features, DEFAULT_STATE.features);
  assert.deepEqual(state.extra, [{ x: 1, y: 2, label: 0 }], "bad points and labels ≥ 5 are dropped");
  assert.equal(state.activation, DEFAULT_STATE.activation);
  assert.equal(state.batchSize, 1000);
});

test("playground state: backend=webgpu round-trips; an unknown backend falls back to auto", () => {
  const state: State = { ...DEFAULT_STATE, backend: "webgpu", speed: 5 };
  assert.deepEqual(decodeState(encodeState(state)), state);
  assert.equal(decodeState("backend=webgpu").backend, "webgpu");
  assert.equal(decodeState("backend=cuda").backend, "auto");
});
