// What an ONNX import knows while it walks the graph: the constants (initializers and Constant
// nodes), the one value the chain of layers has reached and its shape, and the layers built so far.
// `NodeReader` gives an op importer checked access to one node's inputs and attributes, with errors
// that name the node.
import type { TensorModule } from "../../nn/sequential.js";
import type { Tensor } from "../../tensor/tensor.js";
import { AttributeType, toSafeInteger, type AttributeProto, type NodeProto } from "./onnx-proto.js";
import { readConstant, type Constant, type FloatDType } from "./onnx-tensor.js";

/** A Linear layer still open to an Add that supplies its bias (PyTorch's MatMul + Add). */
export interface LinearDraft {
  kind: "linear";
  weight: Tensor;
  bias: Tensor | null;
  /** The value the layer produces, so a following Add knows it adds to this layer. */
  output: string;
}

/**
 * A group normalization read from its ONNX decomposition (PyTorch's: Reshape to [0, G, -1],
 * InstanceNormalization, Reshape back to the input's shape, Mul and Add by per-channel constants),
 * or a lone InstanceNormalization (GroupNorm with one channel per group). `stage` says how far the
 * pattern has come; group-norm-onnx.ts makes it a module.
 */
export interface GroupNormDraft {
  kind: "groupNorm";
  /** The node that started it (for errors). */
  where: string;
  /** The value normalised, and its shape. */
  input: string;
  inputShape: ShapeDims | null;
  channels: number;
  groups: number;
  stage: "split" | "normalized" | "merged";
  eps: number;
  /** InstanceNormalization's per-group scale and shift. */
  scale: Constant | null;
  shift: Constant | null;
  /** Per-channel factor and offset (the Mul and Add after it), each [channels]. */
  channelScale: Constant | null;
  channelShift: Constant | null;
  /** Whether a per-channel (not scalar) weight or bias was seen: the module has parameters. */
  perChannelAffine: boolean;
  /** The value the layer produces so far. */
  output: string;
}

/** Zero padding of the spatial dims, waiting for the AveragePool that takes it (pad-onnx.ts). */
export interface PadDraft {
  kind: "pad";
  where: string;
  padding: number[];
  output: string;
}

export type Layer = TensorModule | LinearDraft | GroupNormDraft | PadDraft;

/** A dim: a size, or null for the (dynamic) batch or an unknown size. */
export type ShapeDims = (number | null)[];

/** A shape as the importers' errors write it, a dynamic dim as "batch": "[batch, 3, 28, 28]". */
export function formatShapeDims(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => d ?? "batch").join(", ")}]`;
}

export class ImportContext {
  readonly constants = new Map<string, Constant>();
  readonly layers: Layer[] = [];
  /** Which node produced each value (for errors about values read out of turn). */
  readonly producers = new Map<string, string>();
  /** The values the chain has passed through, with their shapes (what a Shape node may read). */
  readonly chain = new Map<string, ShapeDims | null>();
  /** Shape nodes' outputs → the chain value whose shape they hold. */
  readonly shapeOf = new Map<string, string>();
  /** Shapes computed in the graph (Shape, Slice, Concat) → their dims (null: the batch). */
  readonly shapeDims = new Map<string, ShapeDims>();
  /** The output of a Pad of zero width (PyTorch's AvgPool with countIncludePad and no padding writes one). */
  zeroPadded: string | null = null;
  /** Whether the graph input holds integer indices (read by an Embedding's Gather). */
  indexInput = false;
  /** Whether a Gather (an Embedding) has read those indices. */
  indicesRead = false;

  constructor(
    readonly opset: number,
    readonly dtype: FloatDType,
    /** The value the chain has reached (the graph input at first). */
    public current: string,
    /** Its shape, or null when the file does not say. */
    public shape: ShapeDims | null,
  ) {
    this.chain.set(current, shape);
  }

  /** Appends a layer: `output` becomes the chain's value, with `shape`. */
  push(layer: Layer, output: string, shape: ShapeDims | null): void {
    this.layers.push(layer);
    this.current = output;
    this.shape = shape;
  }
}

type AttributeKind = "int" | "float" | "ints" | "tensor" | "string";
const KIND_CODES: Record<AttributeKind, number> = { int: AttributeType.INT, float: AttributeType.FLOAT, ints: AttributeType.INTS, tensor: AttributeType.TENSOR, string: AttributeType.STRING };

/** The attributes an op accepts, each with its kind. */
export type AttributeSpec = Record<string, AttributeKind>;

export interface AttributeValues {
  int(name: string, fallback: number): number;
  float(name: string, fallback: number): number;
  ints(name: string): number[] | undefined;
  tensor(name: string): Constant | undefined;
  has(name: string): boolean;
}

export class NodeReader {
  readonly where: string;

  constructor(
    readonly node: NodeProto,
    readonly context: ImportContext,
  ) {
    this.where = `importOnnx: node "${node.name || "(unnamed)"}" (${node.op_type || "no op_type"})`;
  }

  fail(why: string): never {
    throw new Error(`${this.where}: ${why}`);
  }

  /** Input `index` by name, or undefined when absent (ONNX leaves optional inputs empty). */
  inputName(index: number): string | undefined {
    const name = this.node.input?.[index];
    return name === undefined || name === "" ? undefined : name;
  }

  /** Throws unless the node has between `min` and `max` inputs. */
  inputCount(min: number, max: number): void {
    const count = this.node.input?.length ?? 0;
    if (count < min || count > max) this.fail(`expected ${min === max ? min : `${min} to ${max}`} inputs, got ${count}`);
  }

  /** Whether input `index` is the chain's current value. */
  isData(index: number): boolean {
    return this.inputName(index) === this.context.current;
  }

  /** Input `index`, which must be the value the chain has reached (the layer before). */
  data(index = 0): string {
    const name = this.inputName(index);
    if (name !== this.context.current) this.notInChain(name, index);
    return name!;
  }

  /** Input `index` as a constant (an initializer or a Constant node's value). */
  constant(index: number, what: string): Constant {
    const name = this.inputName(index);
    const value = name === undefined ? undefined : this.context.constants.get(name);
    if (value === undefined) {
      if (name === this.context.current) this.fail(`${what} (input ${index}) must be a constant (an initializer), but it is the layer's data`);
      this.notInChain(name, index);
    }
    return value;
  }

  /** The one output the chain continues with. */
  output(): string {
    const name = this.node.output?.[0];
    if (name === undefined || name === "") this.fail("has no output");
    return name;
  }

  /** Reads the attributes, failing on one the op does not accept or of the wrong type. */
  attributes(spec: AttributeSpec): AttributeValues {
    const found = new Map<string, AttributeProto>();
    for (const attribute of this.node.attribute ?? []) {
      const name = attribute.name ?? "";
      const kind = spec[name];
      if (kind === undefined) this.fail(`attribute "${name}" is not supported${Object.keys(spec).length > 0 ? ` (nabla reads ${Object.keys(spec).join(", ")})` : ""}`);
      if (attribute.ref_attr_name) this.fail(`attribute "${name}" refers to a function attribute, which is not supported`);
      if (attribute.type !== undefined && attribute.type !== 0 && attribute.type !== KIND_CODES[kind]) this.fail(`attribute "${name}" has type ${attribute.type}, expected ${kind}`);
      found.set(name, attribute);
    }
    const where = (name: string) => `${this.where}: attribute "${name}"`;
    return {
      has: (name) => found.has(name),
      int: (name, fallback) => (found.has(name) ? toSafeInteger(found.get(name)!.i, where(name)) : fallback),
      float: (name, fallback) => (found.has(name) ? (found.get(name)!.f ?? 0) : fallback),
      ints: (name) => found.get(name)?.ints?.map((v, i) => toSafeInteger(v, `${where(name)} value ${i}`)),
      tensor: (name) => {
        const t = found.get(name)?.t;
        return t === undefined ? undefined : readConstant(t, where(name));
      },
    };
  }

  private notInChain(name: string | undefined, index: number): never {
    if (name === undefined) this.fail(`input ${index} is missing`);
    const producer = this.context.producers.get(name);
    const origin = producer === undefined ? "is not produced by any earlier node, nor an initializer" : `comes from node "${producer}", not from the layer just before`;
    return this.fail(`input ${index} "${name}" ${origin}: importOnnx reads graphs that are one chain of layers (a Sequential)`);
  }
}
