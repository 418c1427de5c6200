// Two models that differ in architecture, weights and normalization, so a directory that mixed
// one's config with the other's weights would not load, or would load as neither.
import { io, manualSeed, nn } from "../../src/index.js";

export interface NamedModel {
  name: "A" | "B";
  model: nn.Sequential;
  config: io.ModelConfigInput;
}

export function modelPair(): [NamedModel, NamedModel] {
  manualSeed(11);
  return [
    { name: "A", model: new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 2)), config: { normalization: { mean: [0, 0], std: [1, 1] }, classNames: ["a0", "a1"] } },
    { name: "B", model: new nn.Sequential(new nn.Linear(2, 5), new nn.Tanh(), new nn.Linear(5, 2)), config: { normalization: { mean: [1, 1], std: [2, 2] }, classNames: ["b0", "b1"] } },
  ];
}

/** Which of the pair the loaded model is ("A" or "B"), or a description of the mix it is. */
export function identify(pair: [NamedModel, NamedModel], loaded: { model: nn.Sequential; config: io.ModelConfig }): string {
  for (const candidate of pair) {
    const expected = candidate.model.stateDict();
    const actual = loaded.model.stateDict();
    const sameWeights =
      Object.keys(expected).length === Object.keys(actual).length &&
      Object.entries(expected).every(([key, t]) => key in actual && JSON.stringify(actual[key]!.toArray()) === JSON.stringify(t.toArray()));
    const sameConfig = JSON.stringify(loaded.config.normalization) === JSON.stringify(candidate.config.normalization) && JSON.stringify(loaded.config.classNames) === JSON.stringify(candidate.config.classNames);
    if (sameWeights && sameConfig) return candidate.name;
    if (sameWeights || sameConfig) return `${candidate.name}'s ${sameWeights ? "weights" : "config"} with another's ${sameWeights ? "config" : "weights"}`;
  }
  return "neither model";
}
