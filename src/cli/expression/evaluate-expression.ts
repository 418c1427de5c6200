/** Runs parsed `nabla graph` statements forward (recording the graph) and names every result. */
import { tensor, viz, type Tensor } from "../../index.js";
import { fail } from "../user-error.js";
import type { Expression, Statement } from "./parse-expression.js";

/** One computed value: a variable, or an op result with the formula that made it. */
export interface NamedValue {
  name: string;
  tensor: Tensor;
  /** e.g. "x + y" in terms of the names of its operands; absent for variables. */
  formula?: string;
}

export interface Evaluation {
  variables: NamedValue[];
  intermediates: NamedValue[];
  output: NamedValue;
}

// The lecture calls x + y "q" and the result "f"; further intermediates take the next free letters.
const AUTO_NAMES = ["q", "r", "s", "t", "u", "v", "w", "p", "a", "b", "c", "d", "e", "g", "h", "k", "m", "n"];

const METHODS: Record<string, (t: Tensor) => Tensor> = {
  exp: (t) => t.exp(), log: (t) => t.log(), tanh: (t) => t.tanh(), sigmoid: (t) => t.sigmoid(), relu: (t) => t.relu(),
  softmax: (t) => t.softmax(-1), sum: (t) => t.sum(), mean: (t) => t.mean(), sqrt: (t) => t.sqrt(), abs: (t) => t.abs(),
};

function applyBinary(operator: string, left: Tensor, right: Tensor, formula: string): Tensor {
  try {
    switch (operator) {
      case "+": return left.add(right);
      case "-": return left.sub(right);
      case "*": return left.mul(right);
      case "/": return left.div(right);
      case "@": return left.matmul(right);
      default: return left.pow(right);
    }
  } catch (error) {
    return fail(`${formula}: ${(error as Error).message}`);
  }
}

class Evaluator {
  readonly intermediates: NamedValue[] = [];
  private readonly used: Set<string>;
  private readonly usedVariables = new Set<string>();

  constructor(
    private readonly values: Map<string, Tensor>,
    statements: readonly Statement[],
  ) {
    this.used = new Set([...values.keys(), ...statements.flatMap((s) => (s.name === undefined ? [] : [s.name])), "f"]);
  }

  private freshName(): string {
    const name = AUTO_NAMES.find((candidate) => !this.used.has(candidate)) ?? `t${this.intermediates.length + 1}`;
    this.used.add(name);
    return name;
  }

  /** Evaluates `expression`; returns its tensor and how to refer to it in formulas. */
  run(expression: Expression, name?: string): { tensor: Tensor; label: string } {
    switch (expression.kind) {
      case "number":
        return { tensor: tensor(expression.value, { dtype: "float64" }), label: expression.text };
      case "variable": {
        const value = this.values.get(expression.name);
        if (value === undefined) fail(`${expression.name} has no value: pass --${expression.name} <number or JSON array>, or --shape ${expression.name}=2,3 for random values`);
        this.usedVariables.add(expression.name);
        return { tensor: value, label: expression.name };
      }
      case "negate": {
        const operand = this.run(expression.operand);
        return this.record(operand.tensor.neg(), `-${operand.label}`, name);
      }
      case "call": {
        const argument = this.run(expression.argument);
        return this.record(METHODS[expression.name]!(argument.tensor), `${expression.name}(${argument.label})`, name);
      }
      case "binary": {
        const left = this.run(expression.left);
        const right = this.run(expression.right);
        const formula = `${left.label} ${expression.operator} ${right.label}`;
        return this.record(applyBinary(expression.operator, left.tensor, right.tensor, formula), formula, name);
      }
    }
  }

  private record(result: Tensor, formula: string, name?: string): { tensor: Tensor; label: string } {
    const label = name ?? this.freshName();
    this.intermediates.push({ name: label, tensor: result, formula });
    return { tensor: result, label };
  }

  unusedVariables(): string[] {
    return [...this.values.keys()].filter((name) => !this.usedVariables.has(name));
  }
}

/**
 * Evaluates the statements in order (a named statement's value is a variable for the later
 * ones), keeping every intermediate's gradient for the backward pass; the last statement's
 * value is the output, named "f" unless it was named.
 */
export function evaluateStatements(statements: readonly Statement[], variables: Map<string, Tensor>): Evaluation {
  const values = new Map(variables);
  const evaluator = new Evaluator(values, statements);
  let output: NamedValue | null = null;
  statements.forEach((statement, index) => {
    const last = index === statements.length - 1;
    const name = statement.name ?? (last ? "f" : undefined);
    const before = evaluator.intermediates.length;
    const result = evaluator.run(statement.expression, name);
    if (name !== undefined && evaluator.intermediates.length === before) {
      // `f = x` names a variable or number itself: record it as its own value.
      evaluator.intermediates.push({ name, tensor: result.tensor, formula: result.label });
    }
    if (statement.name !== undefined) values.set(statement.name, result.tensor);
    if (last) output = evaluator.intermediates.at(-1)!;
  });
  const unused = evaluator.unusedVariables().filter((name) => !statements.some((s) => s.name === name));
  if (unused.length > 0) fail(`--${unused[0]} is given but ${unused[0]} does not appear in the expression`);
  viz.retainGrads(output!.tensor);
  const inputs = [...variables].map(([name, t]) => ({ name, tensor: t }));
  return { variables: inputs, intermediates: evaluator.intermediates, output: output! };
}
