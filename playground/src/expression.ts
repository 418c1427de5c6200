/**
 * A tiny parser for the expressions the backprop view draws: numbers, variables, + − * / ^,
 * unary minus, parentheses and the functions exp, log, sqrt, abs, tanh, sigmoid, relu.
 */
export type Expression =
  | { kind: "number"; value: number }
  | { kind: "variable"; name: string }
  | { kind: "binary"; op: "+" | "-" | "*" | "/" | "^"; left: Expression; right: Expression }
  | { kind: "call"; name: FunctionName; argument: Expression }
  | { kind: "negate"; argument: Expression };

export const FUNCTION_NAMES = ["exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu"] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

type Token = { text: string; position: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+\.?\d*(?:e[+-]?\d+)?|\.\d+)|([A-Za-z_]\w*)|(\S))/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < source.length && (match = pattern.exec(source)) !== null) {
    const text = match[1] ?? match[2] ?? match[3];
    if (text === undefined) break;
    tokens.push({ text, position: match.index + match[0].length - text.length });
  }
  return tokens;
}

/** Parses `source`; throws an error naming the position of the first thing it cannot read. */
export function parseExpression(source: string): Expression {
  const tokens = tokenize(source);
  let index = 0;
  const peek = (): string | undefined => tokens[index]?.text;
  const fail = (expected: string): never => {
    const token = tokens[index];
    throw new Error(token === undefined ? `expression: expected ${expected} at the end` : `expression: expected ${expected} at position ${token.position + 1}, found "${token.text}"`);
  };
  const expect = (text: string): void => {
    if (peek() !== text) fail(`"${text}"`);
    index++;
  };
  const sum = (): Expression => {
    let left = product();
    while (peek() === "+" || peek() === "-") {
      const op = tokens[index++]!.text as "+" | "-";
      left = { kind: "binary", op, left, right: product() };
    }
    return left;
  };
  const product = (): Expression => {
    let left = power();
    while (peek() === "*" || peek() === "/") {
      const op = tokens[index++]!.text as "*" | "/";
      left = { kind: "binary", op, left, right: power() };
    }
    return left;
  };
  const power = (): Expression => {
    const base = unary();
    if (peek() !== "^") return base;
    index++;
    return { kind: "binary", op: "^", left: base, right: power() };
  };
  const unary = (): Expression => {
    if (peek() === "-") {
      index++;
      return { kind: "negate", argument: unary() };
    }
    return primary();
  };
  const primary = (): Expression => {
    const token = peek();
    if (token === undefined) return fail("a number, a variable or \"(\"");
    if (token === "(") {
      index++;
      const inner = sum();
      expect(")");
      return inner;
    }
    if (/^[\d.]/.test(token)) {
      index++;
      return { kind: "number", value: Number(token) };
    }
    if (/^[A-Za-z_]/.test(token)) {
      index++;
      if (peek() !== "(") return { kind: "variable", name: token };
      if (!(FUNCTION_NAMES as readonly string[]).includes(token)) {
        throw new Error(`expression: unknown function "${token}" (known: ${FUNCTION_NAMES.join(", ")})`);
      }
      index++;
      const argument = sum();
      expect(")");
      return { kind: "call", name: token as FunctionName, argument };
    }
    return fail("a number, a variable or \"(\"");
  };
  const expression = sum();
  if (index < tokens.length) fail("an operator");
  return expression;
}

/** Parses `x=-2, y=5` into a map; throws on a malformed entry. */
export function parseVariables(source: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const entry of source.split(/[,;]/).map((e) => e.trim()).filter((e) => e !== "")) {
    const match = /^([A-Za-z_]\w*)\s*=\s*(\S+)$/.exec(entry);
    const value = match === null ? NaN : Number(match[2]);
    if (match === null || !Number.isFinite(value)) throw new Error(`variables: expected "name=number", got "${entry}"`);
    values.set(match[1]!, value);
  }
  return values;
}
