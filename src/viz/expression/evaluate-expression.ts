/** Runs a parsed expression forward on tensors (recording the graph) and names every value. */
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { retainGrads } from "../retain-grads.js";
import { parseExpression, type ExpressionFunction, type ExpressionNode, type ExpressionOperator, type ParsedExpression } from "./parse-expression.js";

/** What an operation in an expression applies: an operator, "neg" (unary minus) or a function. */
export type ExpressionOperation = ExpressionOperator | "neg" | ExpressionFunction;

/** One value of an evaluated expression. */
export interface ExpressionValue {
  /**
   * "variable": given by the caller; "constant": a number in the text; "operation": an op's
   * result; "alias": a name given to an existing value (`f = x`), the same tensor.
   */
  kind: "variable" | "constant" | "operation" | "alias";
  /** The variable's name, the number as written, or the result's name (`q`, `f`, …). */
  name: string;
  tensor: Tensor;
  /** Operations and aliases: how it was made, in its operands' names ("x + y", "exp(q)"). */
  formula?: string;
  /** Operations: what was applied to the operands. */
  operation?: ExpressionOperation;
  /** Operations and aliases: the values it was made from, in order; empty for the others. */
  operands: readonly ExpressionValue[];
}

/** What {@link evaluateExpression} returns. */
export interface ExpressionEvaluation {
  /** The given variables the expression used, in the order they were given. */
  variables: ExpressionValue[];
  /** Every operation and alias, in the order they were computed. */
  intermediates: ExpressionValue[];
  /** Every value, in the order the evaluation met it (a variable at its first use). */
  values: ExpressionValue[];
  /** The last statement's value, named "f" unless that statement names it. */
  output: ExpressionValue;
}

// The lecture calls x + y "q" and the result "f"; further intermediates take the next free letters.
const AUTO_NAMES = ["q", "r", "s", "t", "u", "v", "w", "p", "a", "b", "c", "d", "e", "g", "h", "k", "m", "n"];

/**
 * softmax as the lecture writes it, e^(z − max z) / Σ e^(z − max z): the library's softmax is
 * one fused op, but an expanded expression graph shows how softmax is built.
 */
function softmaxOfPrimitives(t: Tensor): Tensor {
  const e = t.sub(t.detach().amax(-1, true)).exp();
  return e.div(e.sum(-1, true));
}

const FUNCTIONS: Record<ExpressionFunction, (t: Tensor) => Tensor> = {
  exp: (t) => t.exp(), log: (t) => t.log(), sqrt: (t) => t.sqrt(), abs: (t) => t.abs(), tanh: (t) => t.tanh(),
  sigmoid: (t) => t.sigmoid(), relu: (t) => t.relu(), softmax: softmaxOfPrimitives, sum: (t) => t.sum(), mean: (t) => t.mean(),
};

/**
 * Applies one of an expression's operations to tensors: to re-run a step of an
 * {@link evaluateExpression} result on other inputs, e.g. fresh leaves to see the gradient
 * that one op alone passes back.
 *
 * @example
 * ```ts
 * import { tensor, viz } from "nabla";
 * console.log(viz.applyExpressionOperation("**", [tensor(3), tensor(2)]).item()); // 9
 * ```
 */
export function applyExpressionOperation(operation: ExpressionOperation, operands: readonly Tensor[]): Tensor {
  const [a, b] = operands;
  const arity = operation in FUNCTIONS || operation === "neg" ? 1 : 2;
  if (operands.length !== arity || a === undefined || (arity === 2 && b === undefined)) {
    throw new Error(`applyExpressionOperation: ${operation} takes ${arity} operand(s), got ${operands.length}`);
  }
  switch (operation) {
    case "+": return a.add(b!);
    case "-": return a.sub(b!);
    case "*": return a.mul(b!);
    case "/": return a.div(b!);
    case "@": return a.matmul(b!);
    case "**": return a.pow(b!);
    case "neg": return a.neg();
    default: return FUNCTIONS[operation](a);
  }
}

class Evaluator {
  readonly values: ExpressionValue[] = [];
  private readonly known = new Map<string, ExpressionValue>();
  private readonly taken: Set<string>;

  constructor(
    private readonly given: ReadonlyMap<string, Tensor>,
    parsed: ParsedExpression,
  ) {
    this.taken = new Set([...given.keys(), ...parsed.statements.flatMap((s) => (s.name === undefined ? [] : [s.name])), "f"]);
  }

  private freshName(): string {
    const name = AUTO_NAMES.find((candidate) => !this.taken.has(candidate)) ?? `t${this.values.length + 1}`;
    this.taken.add(name);
    return name;
  }

  private add(value: ExpressionValue): ExpressionValue {
    this.values.push(value);
    return value;
  }

  /** Evaluates `node`, naming its result `name` if it is computed here. */
  run(node: ExpressionNode, name?: string): ExpressionValue {
    switch (node.kind) {
      case "number":
        return this.add({ kind: "constant", name: node.text, tensor: tensor(node.value, { dtype: "float64" }), operands: [] });
      case "variable":
        return this.variable(node.name);
      case "negate": {
        const operand = this.run(node.operand);
        return this.operation("neg", [operand], `-${operand.name}`, name);
      }
      case "call": {
        const argument = this.run(node.argument);
        return this.operation(node.name, [argument], `${node.name}(${argument.name})`, name);
      }
      case "binary": {
        const left = this.run(node.left);
        const right = this.run(node.right);
        return this.operation(node.operator, [left, right], `${left.name} ${node.operator} ${right.name}`, name);
      }
    }
  }

  /** Gives an already computed value a second name (`f = x`). */
  alias(target: ExpressionValue, name: string): ExpressionValue {
    return this.add({ kind: "alias", name, tensor: target.tensor, formula: target.name, operands: [target] });
  }

  assign(name: string, value: ExpressionValue): void {
    this.known.set(name, value);
  }

  private variable(name: string): ExpressionValue {
    const known = this.known.get(name);
    if (known !== undefined) return known;
    const value = this.given.get(name);
    if (value === undefined) {
      const given = this.given.size === 0 ? "none" : [...this.given.keys()].join(", ");
      throw new Error(`evaluateExpression: ${name} has no value (variables given: ${given})`);
    }
    const variable = this.add({ kind: "variable", name, tensor: value, operands: [] });
    this.known.set(name, variable);
    return variable;
  }

  private operation(operation: ExpressionOperation, operands: ExpressionValue[], formula: string, name?: string): ExpressionValue {
    let result: Tensor;
    try {
      result = applyExpressionOperation(operation, operands.map((o) => o.tensor));
    } catch (error) {
      throw new Error(`evaluateExpression: ${formula}: ${(error as Error).message}`);
    }
    return this.add({ kind: "operation", name: name ?? this.freshName(), tensor: result, formula, operation, operands });
  }
}

function toTensors(variables: ReadonlyMap<string, Tensor | number> | Record<string, Tensor | number>): Map<string, Tensor> {
  const entries = variables instanceof Map ? [...variables] : Object.entries(variables);
  return new Map(entries.map(([name, value]) => [name, typeof value === "number" ? tensor(value, { dtype: "float64", requiresGrad: true }) : value]));
}

/**
 * Evaluates an expression (text or {@link parseExpression}'s result) on the given variables,
 * statement by statement (a named statement's value is a variable for the later ones). Every
 * op result gets a name — the lecture's q for the first, then r, s, …; the last statement's
 * value is the output, named "f" unless the statement names it — and keeps its gradient
 * (`retainGrad`), so after `output.tensor.backward()` each value's `.grad` is df/d(value).
 * A number given as a variable becomes a float64 scalar that requires grad. Variables the
 * expression does not use are ignored; one it uses but lacks is an error.
 *
 * @example
 * ```ts
 * import { viz } from "nabla";
 * const { intermediates, output, variables } = viz.evaluateExpression("(x + y) * z", { x: -2, y: 5, z: -4 });
 * console.log(intermediates.map((v) => `${v.name} = ${v.formula} = ${v.tensor.item()}`)); // [ 'q = x + y = 3', 'f = q * z = -12' ]
 * output.tensor.backward();
 * console.log(variables.map((v) => v.tensor.grad!.item())); // [ -4, -4, 3 ]
 * ```
 */
export function evaluateExpression(
  expression: string | ParsedExpression,
  variables: ReadonlyMap<string, Tensor | number> | Record<string, Tensor | number>,
): ExpressionEvaluation {
  const parsed = typeof expression === "string" ? parseExpression(expression) : expression;
  const given = toTensors(variables);
  const evaluator = new Evaluator(given, parsed);
  let output: ExpressionValue | undefined;
  parsed.statements.forEach((statement, index) => {
    const last = index === parsed.statements.length - 1;
    const name = statement.name ?? (last ? "f" : undefined);
    const before = evaluator.values.length;
    let result = evaluator.run(statement.expression, name);
    const computedHere = evaluator.values.length > before && result === evaluator.values.at(-1) && result.kind === "operation";
    if (name !== undefined && !computedHere) result = evaluator.alias(result, name);
    if (statement.name !== undefined) evaluator.assign(statement.name, result);
    if (last) output = result;
  });
  retainGrads(output!.tensor);
  const used = new Map(evaluator.values.filter((v) => v.kind === "variable").map((v) => [v.name, v]));
  return {
    variables: [...given.keys()].flatMap((name) => used.get(name) ?? []),
    intermediates: evaluator.values.filter((v) => v.kind === "operation" || v.kind === "alias"),
    values: evaluator.values,
    output: output!,
  };
}
