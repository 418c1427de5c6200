// Before the chain of layers is read, the element-wise decompositions torch.onnx.export (and
// nabla's export before opset 20) writes for activations ONNX has no op for become one node each:
//   GELU      Div(x, √2) → Erf → Add 1 → Mul x → Mul ½           (or Mul by 1/√2 first)
//   GELU tanh Mul(x, x) → Mul x → Mul 0.044715 → Add x → Mul √(2/π) → Tanh → Add 1 → Mul x → Mul ½
//   SiLU      Sigmoid(x) → Mul x
//   LogSigmoid Sigmoid(x) → Log
//   Softplus  Mul(x, β) → Softplus → Div β
// Every intermediate value must feed only the next node of the pattern, and every constant must be
// the expected one, so nothing else is read as an activation. The fused nodes are in the domain
// FUSED_DOMAIN, which only this pass writes.
import { AttributeType, type NodeProto, type TensorProto } from "./onnx-proto.js";
import { readConstant } from "./onnx-tensor.js";

/** The domain of the nodes this pass writes (ops "Gelu", "SiLU", "LogSigmoid" and "Softplus" with a beta attribute). */
export const FUSED_DOMAIN = "nabla.fused";

interface Graph {
  nodes: NodeProto[];
  consumers: Map<string, number[]>;
  scalars: Map<string, number>;
}

/** The value of every one-element float constant (initializers and Constant nodes). */
function scalarConstants(nodes: readonly NodeProto[], initializers: readonly TensorProto[]): Map<string, number> {
  const scalars = new Map<string, number>();
  const read = (name: string, proto: TensorProto | undefined | null) => {
    if (proto === undefined || proto === null) return;
    try {
      const constant = readConstant(proto, name);
      if (constant.type !== "int64" && constant.values.length === 1) scalars.set(name, constant.values[0]!);
    } catch {
      // not a readable scalar: the chain walk reports what is wrong with it
    }
  };
  for (const initializer of initializers) read(initializer.name ?? "", initializer);
  for (const node of nodes) {
    if (node.op_type !== "Constant" || (node.domain ?? "") !== "") continue;
    const attribute = node.attribute?.find((a) => a.name === "value" && a.type === AttributeType.TENSOR);
    const output = node.output?.[0];
    if (output !== undefined) read(output, attribute?.t);
    const f = node.attribute?.find((a) => a.name === "value_float");
    if (output !== undefined && f?.f !== undefined && f.f !== null) scalars.set(output, f.f);
  }
  return scalars;
}

function near(value: number | undefined, expected: number): boolean {
  return value !== undefined && Math.abs(value - expected) <= 1e-6 * Math.abs(expected);
}

/** The one node reading `value`, when it is of `opType` (and only one node reads it). */
function next(graph: Graph, value: string | undefined, opType: string): NodeProto | null {
  const readers = value === undefined ? [] : (graph.consumers.get(value) ?? []);
  if (readers.length !== 1) return null;
  const node = graph.nodes[readers[0]!]!;
  return node.op_type === opType && (node.domain ?? "") === "" && (node.input?.length ?? 0) <= 2 ? node : null;
}

/** The other input of a two-input node, besides `value`. */
function other(node: NodeProto, value: string): string | undefined {
  const inputs = node.input ?? [];
  if (inputs.length !== 2) return undefined;
  return inputs[0] === value ? inputs[1] : inputs[1] === value ? inputs[0] : undefined;
}

/** A binary node `opType` reading `value` and a scalar near `expected`. */
function byScalar(graph: Graph, value: string | undefined, opType: string, expected: number): NodeProto | null {
  const node = next(graph, value, opType);
  if (node === null) return null;
  // Div and Sub are not commutative: the scalar must be the second input
  const operand = opType === "Div" ? (node.input?.[0] === value ? node.input?.[1] : undefined) : other(node, value!);
  return operand !== undefined && near(graph.scalars.get(operand), expected) ? node : null;
}

/** A Mul reading `value` and `x`. */
function byX(graph: Graph, value: string | undefined, x: string): NodeProto | null {
  const node = next(graph, value, "Mul");
  return node !== null && other(node, value!) === x ? node : null;
}

type Match = { nodes: NodeProto[]; opType: string; attribute: NodeProto["attribute"] };

function geluErf(graph: Graph, start: NodeProto, x: string): Match | null {
  const scaled = start.op_type === "Div" ? (near(graph.scalars.get(start.input?.[1] ?? ""), Math.SQRT2) && start.input?.[0] === x ? start : null)
    : start.op_type === "Mul" && near(graph.scalars.get(other(start, x) ?? ""), Math.SQRT1_2) ? start : null;
  if (scaled === null) return null;
  const erf = next(graph, scaled.output?.[0], "Erf");
  const plusOne = byScalar(graph, erf?.output?.[0], "Add", 1);
  const timesX = byX(graph, plusOne?.output?.[0], x);
  const half = byScalar(graph, timesX?.output?.[0], "Mul", 0.5);
  if (erf === null || plusOne === null || timesX === null || half === null) return null;
  return { nodes: [scaled, erf, plusOne, timesX, half], opType: "Gelu", attribute: [] };
}

function geluTanh(graph: Graph, start: NodeProto, x: string): Match | null {
  if (start.op_type !== "Mul" || start.input?.[0] !== x || start.input?.[1] !== x) return null;
  const cube = byX(graph, start.output?.[0], x);
  const scaled = byScalar(graph, cube?.output?.[0], "Mul", 0.044715);
  const sum = next(graph, scaled?.output?.[0], "Add");
  if (cube === null || scaled === null || sum === null || other(sum, scaled.output![0]!) !== x) return null;
  const inner = byScalar(graph, sum.output?.[0], "Mul", Math.sqrt(2 / Math.PI));
  const tanh = next(graph, inner?.output?.[0], "Tanh");
  const plusOne = byScalar(graph, tanh?.output?.[0], "Add", 1);
  const timesX = byX(graph, plusOne?.output?.[0], x);
  const half = byScalar(graph, timesX?.output?.[0], "Mul", 0.5);
  if (inner === null || tanh === null || plusOne === null || timesX === null || half === null) return null;
  const attribute = [{ name: "approximate", type: AttributeType.STRING, s: new TextEncoder().encode("tanh") }];
  return { nodes: [start, cube, scaled, sum, inner, tanh, plusOne, timesX, half], opType: "Gelu", attribute };
}

function silu(graph: Graph, start: NodeProto, x: string): Match | null {
  if (start.op_type !== "Sigmoid") return null;
  const product = byX(graph, start.output?.[0], x);
  return product === null ? null : { nodes: [start, product], opType: "SiLU", attribute: [] };
}

function logSigmoid(graph: Graph, start: NodeProto): Match | null {
  if (start.op_type !== "Sigmoid") return null;
  const log = next(graph, start.output?.[0], "Log");
  return log === null ? null : { nodes: [start, log], opType: "LogSigmoid", attribute: [] };
}

function softplusBeta(graph: Graph, start: NodeProto, x: string): Match | null {
  if (start.op_type !== "Mul") return null;
  const beta = graph.scalars.get(other(start, x) ?? "");
  if (beta === undefined || !(beta > 0)) return null;
  const softplus = next(graph, start.output?.[0], "Softplus");
  const divided = byScalar(graph, softplus?.output?.[0], "Div", beta);
  if (softplus === null || divided === null) return null;
  return { nodes: [start, softplus, divided], opType: "Softplus", attribute: [{ name: "beta", type: AttributeType.FLOAT, f: beta }] };
}

const PATTERNS = [geluErf, geluTanh, silu, logSigmoid, softplusBeta];

/**
 * The graph's nodes with each activation decomposition replaced by one FUSED_DOMAIN node (at the
 * place of the pattern's last node, reading the pattern's input, writing its output).
 */
export function fuseActivations(nodes: readonly NodeProto[], initializers: readonly TensorProto[]): NodeProto[] {
  const consumers = new Map<string, number[]>();
  nodes.forEach((node, i) => {
    for (const input of new Set(node.input ?? [])) if (input !== "") consumers.set(input, [...(consumers.get(input) ?? []), i]);
  });
  const graph: Graph = { nodes: [...nodes], consumers, scalars: scalarConstants(nodes, initializers) };
  const removed = new Set<NodeProto>();
  const replacements = new Map<NodeProto, NodeProto>();
  for (const start of nodes) {
    if (removed.has(start) || (start.domain ?? "") !== "") continue;
    const x = start.input?.[0];
    if (x === undefined || x === "" || graph.scalars.has(x)) continue;
    for (const pattern of PATTERNS) {
      const match = pattern(graph, start, x);
      if (match === null || match.nodes.some((n) => removed.has(n))) continue;
      const last = match.nodes.at(-1)!;
      match.nodes.forEach((n) => removed.add(n));
      replacements.set(last, { name: start.name ?? "", op_type: match.opType, domain: FUSED_DOMAIN, input: [x], output: [last.output![0]!], attribute: match.attribute });
      break;
    }
  }
  return nodes.flatMap((node) => (replacements.has(node) ? [replacements.get(node)!] : removed.has(node) ? [] : [node]));
}
