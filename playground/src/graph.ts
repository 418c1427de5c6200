/**
 * Builds the computational graph the backprop view draws, computing every number with nabla:
 * forward values come from the tensors, gradients from `backward()` with `retainGrad()` on
 * each intermediate, and each edge's share of a gradient from a second, local backward.
 */
import { tensor, type Tensor } from "nabla";
import type { Expression } from "./expression.js";

export interface GraphNode {
  id: number;
  /** What the node is: a variable's name, a constant, or the operation. */
  label: string;
  kind: "input" | "constant" | "operation";
  inputs: number[];
  value: Tensor;
  /** ∂output/∂node (null for constants, which need no gradient). */
  grad: Tensor | null;
}

export interface GraphEdge {
  from: number;
  to: number;
  /** This edge's share of ∂output/∂from: ∂output/∂to · ∂to/∂from. */
  grad: Tensor | null;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  output: number;
  /** Draw every leaf right before its first use (parameters of a network) instead of first. */
  leavesNearUse?: boolean;
}

type Apply = (inputs: Tensor[]) => Tensor;

/** Records nodes as an expression (or a network) is evaluated, then runs backward over them. */
export class GraphRecorder {
  readonly nodes: GraphNode[] = [];
  private readonly applies = new Map<number, Apply>();

  /** A leaf the output is differentiated with respect to. */
  input(label: string, value: Tensor): number {
    const leaf = value.detach().requiresGrad_();
    return this.push({ label, kind: "input", inputs: [], value: leaf });
  }

  constant(label: string, value: Tensor): number {
    return this.push({ label, kind: "constant", inputs: [], value: value.detach() });
  }

  operation(label: string, inputs: number[], apply: Apply): number {
    const value = apply(inputs.map((i) => this.nodes[i]!.value));
    if (value.requiresGrad) value.retainGrad();
    const id = this.push({ label, kind: "operation", inputs, value });
    this.applies.set(id, apply);
    return id;
  }

  private push(node: Omit<GraphNode, "id" | "grad">): number {
    this.nodes.push({ ...node, id: this.nodes.length, grad: null });
    return this.nodes.length - 1;
  }

  /** Backpropagates from `output` (a scalar) and returns the finished graph. */
  finish(output: number): Graph {
    const result = this.nodes[output]!.value;
    if (result.requiresGrad) result.backward();
    for (const node of this.nodes) node.grad = node.kind === "constant" ? null : node.value.grad ?? null;
    if (!result.requiresGrad) this.nodes[output]!.grad = tensor(1, { dtype: result.dtype });
    const edges: GraphEdge[] = [];
    for (const node of this.nodes) {
      const shares = this.edgeShares(node);
      node.inputs.forEach((from, i) => edges.push({ from, to: node.id, grad: shares[i] ?? null }));
    }
    return { nodes: this.nodes, edges, output };
  }

  /** Re-runs one operation on fresh leaves and backpropagates its own gradient through it. */
  private edgeShares(node: GraphNode): (Tensor | null)[] {
    const apply = this.applies.get(node.id);
    if (apply === undefined || node.grad === null) return [];
    const inputs = node.inputs.map((i) => {
      const source = this.nodes[i]!;
      return source.kind === "constant" ? source.value : source.value.detach().requiresGrad_();
    });
    const local = apply(inputs);
    if (!local.requiresGrad) return [];
    local.backward(node.grad);
    return inputs.map((input) => (input.requiresGrad ? input.grad : null));
  }
}

const OPERATION_LABELS = { "+": "+", "-": "−", "*": "×", "/": "÷", "^": "^" } as const;

/** Evaluates an expression with float64 tensors and returns its graph with gradients. */
export function expressionGraph(expression: Expression, variables: ReadonlyMap<string, number>): Graph {
  const recorder = new GraphRecorder();
  const known = new Map<string, number>();
  const scalar = (value: number): Tensor => tensor(value, { dtype: "float64" });
  const visit = (node: Expression): number => {
    switch (node.kind) {
      case "number":
        return recorder.constant(String(node.value), scalar(node.value));
      case "variable": {
        const value = variables.get(node.name);
        if (value === undefined) throw new Error(`expression: the variable "${node.name}" has no value (add "${node.name}=…" to the values)`);
        if (!known.has(node.name)) known.set(node.name, recorder.input(node.name, scalar(value)));
        return known.get(node.name)!;
      }
      case "negate":
        return recorder.operation("−x", [visit(node.argument)], ([a]) => a!.neg());
      case "call": {
        const name = node.name;
        return recorder.operation(name, [visit(node.argument)], ([a]) => a![name]());
      }
      case "binary": {
        const left = visit(node.left);
        const right = visit(node.right);
        const apply: Apply = ([a, b]) =>
          node.op === "+" ? a!.add(b!) : node.op === "-" ? a!.sub(b!) : node.op === "*" ? a!.mul(b!) : node.op === "/" ? a!.div(b!) : a!.pow(b!);
        return recorder.operation(OPERATION_LABELS[node.op], [left, right], apply);
      }
    }
  };
  return recorder.finish(visit(expression));
}
