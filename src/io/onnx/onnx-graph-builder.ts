// The graph an export writes: nodes, initializers and unique names, plus the symbolic shapes the
// module exporters pass along (a dim is a number, or a name such as "batch" when the export leaves
// it dynamic).
import type { Module } from "../../nn/module.js";
import { full, ones, zeros } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { AttributeType, type AttributeProto, type NodeProto, type TensorProto } from "./onnx-proto.js";
import { tensorProto, type FloatDType } from "./onnx-tensor.js";

/** A dim of a value in the graph: a size, or the name of a dynamic dim. */
export type Dim = number | string;

/** A value flowing between modules: its name in the graph and its shape. */
export interface Value {
  name: string;
  shape: Dim[];
}

/** An attribute value: an integer, a float (written `{ float: x }`), a string (`{ string: s }`) or a list of integers. */
export type AttributeValue = number | { float: number } | { string: string } | readonly number[];

/** Any nabla module, as the exporters receive it. */
export type AnyModule = Module<unknown[], unknown>;

/**
 * Writes one module into the graph: reads `input`, adds nodes and initializers, and returns the
 * value the module produces. `path` is the module's dotted path in the model ("" for the model).
 */
export type ModuleExporter = (module: AnyModule, input: Value, graph: GraphBuilder, path: string) => Value;

export function formatDims(shape: readonly Dim[]): string {
  return `[${shape.join(", ")}]`;
}

/** The path as errors show it. */
export function describePath(path: string): string {
  return path === "" ? "the model itself" : `"${path}"`;
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly names = new Set<string>();
  /** Whether the graph input holds integer indices (an Embedding reads it), not floats. */
  indexInput = false;

  constructor(
    /** The dtype of the model's parameters, and so of every float value in the graph. */
    readonly dtype: FloatDType,
    /** The graph input's name (an Embedding must read it directly). */
    readonly inputName: string,
    /** The opset written (GELU is one op from opset 20 on). */
    readonly opset: number,
    /** Exports a module (the table lookup), so container exporters can recurse. */
    readonly exportModule: (module: AnyModule, input: Value, path: string) => Value,
  ) {}

  /** Reserves `name` (the graph's input and output names), failing if it is taken. */
  reserve(name: string): string {
    if (this.names.has(name)) throw new Error(`exportOnnx: the name "${name}" is used twice in the graph`);
    this.names.add(name);
    return name;
  }

  /** A fresh name starting with `base` ("base", "base_1", …). */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** A parameter as an initializer, named by its state-dict name (as PyTorch's exporter does). */
  parameter(path: string, field: string, value: Tensor): string {
    const name = this.unique(path === "" ? field : `${path}.${field}`);
    this.initializers.push(tensorProto(name, value.detach()));
    return name;
  }

  /** Adds a constant initializer (a shape, a ratio …) under a fresh name. */
  constant(base: string, proto: Omit<TensorProto, "name">): string {
    const name = this.unique(base);
    this.initializers.push({ ...proto, name });
    return name;
  }

  /**
   * Adds a node `opType` for the module at `path`, named as PyTorch names them ("/0/Gemm"), and
   * returns its output's name (`output`, when given, is a name reserved earlier).
   */
  node(opType: string, path: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, output?: string): string {
    const prefix = path === "" ? "" : `/${path.split(".").join("/")}`;
    const name = this.unique(`${prefix}/${opType}`);
    const out = output ?? this.unique(`${name}_output_0`);
    this.nodes.push({ name, op_type: opType, input: inputs, output: [out], attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)) });
    return out;
  }
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === "number") return { name, type: AttributeType.INT, i: value };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: [...value] };
  if ("string" in value) return { name, type: AttributeType.STRING, s: new TextEncoder().encode((value as { string: string }).string) };
  return { name, type: AttributeType.FLOAT, f: (value as { float: number }).float };
}

/** A constant of `size` ones or zeros in the graph's dtype (for a normalization without affine parameters). */
export function filled(graph: GraphBuilder, path: string, field: string, size: readonly number[], value: 0 | 1): string {
  const t = value === 1 ? ones(size, { dtype: graph.dtype }) : zeros(size, { dtype: graph.dtype });
  return graph.constant(`${path === "" ? "" : `${path}.`}${field}`, tensorProto("", t));
}

/** A scalar constant in the graph's dtype (the 0.5, 1 and √2 of a GELU …). */
export function scalar(graph: GraphBuilder, path: string, field: string, value: number): string {
  return graph.constant(`${path === "" ? "" : `${path}.`}${field}`, tensorProto("", full([], value, { dtype: graph.dtype })));
}
