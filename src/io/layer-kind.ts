// What a model directory knows about one kind of layer: how to read its config.json entry (checked,
// with PyTorch's defaults), build the module, describe a module back as an entry, which state-dict
// entries of which shapes it has (checked against model.safetensors before anything is allocated),
// and the shape it makes of a sample's shape (checked against inputShape).
import type { TensorModule } from "../nn/sequential.js";
import type { LayerFields } from "./layer-fields.js";

/** A sample's shape (without the batch dim); `fail` throws naming the layer. */
export type ShapeRule<S> = (spec: S, input: readonly number[], fail: (why: string) => never) => number[];

export interface LayerKind<S extends { type: string }> {
  type: S["type"];
  /** The module class described as this kind (matched exactly: a subclass may compute something else). */
  module: Function;
  read(fields: LayerFields): S;
  build(spec: S): TensorModule;
  describe(module: TensorModule): S;
  /** State-dict entries (parameters and buffers) relative to the layer, with their shapes. */
  state(spec: S): Record<string, number[]>;
  output: ShapeRule<S>;
  /** How errors name it: "Linear(2, 3)". */
  label(spec: S): string;
}

/** Erases a kind's spec type, for the registry. */
export function kind<S extends { type: string }>(definition: LayerKind<S>): LayerKind<{ type: string }> {
  return definition as unknown as LayerKind<{ type: string }>;
}

/** A layer whose output has its input's shape, without fields or state. */
export function plainKind<T extends string>(type: T, module: new () => TensorModule, label: string): LayerKind<{ type: T }> {
  return {
    type,
    module,
    read: () => ({ type }),
    build: () => new module(),
    describe: () => ({ type }),
    state: () => ({}),
    output: (_spec, input) => [...input],
    label: () => `${label}()`,
  };
}

/** A dim index of a tensor of `rank` dims (batch included) made non-negative, or a failure. */
export function resolveDim(dim: number, rank: number, what: string, fail: (why: string) => never): number {
  if (dim < -rank || dim >= rank) fail(`${what} ${dim} is out of range for ${rank} dims (with the batch dim)`);
  return dim < 0 ? dim + rank : dim;
}
