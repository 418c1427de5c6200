/**
 * Builds the computational graph the backprop view draws, computing every number with nabla:
 * an expression is parsed and evaluated by `viz.evaluateExpression` (the same language as
 * `nabla graph`), gradients come from `backward()` with `retainGrad()` on each intermediate,
 * and each edge's share of a gradient from a second, local backward.
 */
import { noGrad, tensor, viz, type Tensor } from "nabla";

export interface GraphNode {
  id: number;
  /** What the node is: a variable's name, a constant, or the operation's symbol. */
  label: string;
  /** What the lecture calls the value: x, q, f, … (the label for variables and constants). */
  name: string;
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
    return this.push({ label, name: label, kind: "input", inputs: [], value: leaf });
  }

  constant(label: string, value: Tensor): number {
    return this.push({ label, name: label, kind: "constant", inputs: [], value: value.detach() });
  }

  /** A leaf the caller made with `requiresGrad`, used as is: its gradient lands in its own `.grad`. */
  leaf(label: string, value: Tensor): number {
    return this.push({ label, name: label, kind: "input", inputs: [], value });
  }

  /** An operation `label` (its symbol) whose result the lecture calls `name`. */
  operation(label: string, name: string, inputs: number[], apply: Apply): number {
    const value = apply(inputs.map((i) => this.nodes[i]!.value));
    if (value.requiresGrad) value.retainGrad();
    return this.computed(label, name, inputs, value, apply);
  }

  /** An operation whose value was computed elsewhere; `apply` re-runs it for the edge shares. */
  computed(label: string, name: string, inputs: number[], value: Tensor, apply: Apply): number {
    const id = this.push({ label, name, kind: "operation", inputs, value });
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

const OPERATION_LABELS: Partial<Record<viz.ExpressionOperation, string>> = { "+": "+", "-": "−", "*": "×", "/": "÷", "@": "@", "**": "^", neg: "−x" };

/** Adds one value of an evaluated expression; an alias (`f = x`) is the node it names. */
function addValue(recorder: GraphRecorder, value: viz.ExpressionValue, ids: ReadonlyMap<viz.ExpressionValue, number>): number {
  const inputs = value.operands.map((operand) => ids.get(operand)!);
  switch (value.kind) {
    case "variable":
      return recorder.leaf(value.name, value.tensor);
    case "constant":
      return recorder.constant(String(value.tensor.item()), value.tensor);
    case "alias": {
      // `f = q`: the node q, called by both names
      const node = recorder.nodes[inputs[0]!]!;
      node.name = `${node.name} = ${value.name}`;
      return inputs[0]!;
    }
    case "operation": {
      const operation = value.operation!;
      return recorder.computed(OPERATION_LABELS[operation] ?? operation, value.name, inputs, value.tensor, (tensors) => viz.applyExpressionOperation(operation, tensors));
    }
  }
}

/** Evaluates expression text on float64 scalars and returns its graph with gradients. */
export function expressionGraph(source: string, variables: ReadonlyMap<string, number>): Graph {
  const parsed = viz.parseExpression(source);
  const missing = parsed.variables.find((name) => !variables.has(name));
  if (missing !== undefined) throw new Error(`expression: the variable "${missing}" has no value (add "${missing}=…" to the values)`);
  const evaluation = viz.evaluateExpression(parsed, variables);
  const recorder = new GraphRecorder();
  const ids = new Map<viz.ExpressionValue, number>();
  for (const value of evaluation.values) ids.set(value, addValue(recorder, value, ids));
  return recorder.finish(ids.get(evaluation.output)!);
}

const PRIMITIVE_LABELS: Record<string, string> = { add: "+", sub: "−", mul: "×", div: "÷", matmul: "@", pow: "^", neg: "−x" };

/**
 * The same expression drawn as the library's primitive ops (how softmax is built from exp, sum,
 * …): nodes from the autograd graph, each edge's share from its op's backward rule, kept by
 * `backward({ retainGraph: true })`.
 */
export function primitiveGraph(source: string, variables: ReadonlyMap<string, number>): Graph {
  const parsed = viz.parseExpression(source);
  const missing = parsed.variables.find((name) => !variables.has(name));
  if (missing !== undefined) throw new Error(`expression: the variable "${missing}" has no value (add "${missing}=…" to the values)`);
  const evaluation = viz.evaluateExpression(parsed, variables);
  const root = viz.retainGrads(evaluation.output.tensor);
  const names = new Map<Tensor, string>([...evaluation.variables, ...evaluation.intermediates].map((v) => [v.tensor, v.name]));
  // inputs before the ops that use them
  const order: Tensor[] = [];
  const placed = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [t, done] = stack.pop()!;
    if (done) order.push(t);
    else if (!placed.has(t)) {
      placed.add(t);
      stack.push([t, true]);
      for (const input of [...(t.gradFn?.inputs ?? [])].reverse()) stack.push([input, false]);
    }
  }
  if (root.requiresGrad) root.backward({ retainGraph: true });
  const ids = new Map(order.map((t, i) => [t, i]));
  const nodes: GraphNode[] = order.map((t, id) => {
    const op = t.gradFn;
    const kind = op !== null ? "operation" : t.requiresGrad ? "input" : "constant";
    const label = op !== null ? (PRIMITIVE_LABELS[op.name] ?? op.name) : (names.get(t) ?? String(t.size === 1 ? t.item() : `[${t.shape.join("×")}]`));
    const name = names.get(t) ?? (op !== null ? op.name : label);
    return { id, label, name, kind, inputs: (op?.inputs ?? []).map((input) => ids.get(input)!), value: t, grad: kind === "constant" ? null : (t === root && t.grad === null ? null : t.grad) };
  });
  const edges: GraphEdge[] = [];
  for (const t of order) {
    const op = t.gradFn;
    if (op === null) continue;
    const shares = op.rule !== null && t.grad !== null ? noGrad(() => op.rule!(t.grad!)) : [];
    op.inputs.forEach((input, i) => edges.push({ from: ids.get(input)!, to: ids.get(t)!, grad: input.requiresGrad ? (shares[i] ?? null) : null }));
  }
  return { nodes, edges, output: ids.get(root)! };
}
