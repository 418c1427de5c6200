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

/** Recursive descent over the tokens, one method per precedence level. */
class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Expression {
    const expression = this.sum();
    if (this.index < this.tokens.length) this.fail("an operator");
    return expression;
  }

  private peek(): string | undefined {
    return this.tokens[this.index]?.text;
  }

  private fail(expected: string): never {
    const token = this.tokens[this.index];
    throw new Error(token === undefined ? `expression: expected ${expected} at the end` : `expression: expected ${expected} at position ${token.position + 1}, found "${token.text}"`);
  }

  private expect(text: string): void {
    if (this.peek() !== text) this.fail(`"${text}"`);
    this.index++;
  }

  private sum(): Expression {
    let left = this.product();
    while (this.peek() === "+" || this.peek() === "-") {
      const op = this.tokens[this.index++]!.text as "+" | "-";
      left = { kind: "binary", op, left, right: this.product() };
    }
    return left;
  }

  private product(): Expression {
    let left = this.power();
    while (this.peek() === "*" || this.peek() === "/") {
      const op = this.tokens[this.index++]!.text as "*" | "/";
      left = { kind: "binary", op, left, right: this.power() };
    }
    return left;
  }

  /** `^` binds tighter than unary minus on its left and is right-associative: 2^3^x = 2^(3^x). */
  private power(): Expression {
    const base = this.unary();
    if (this.peek() !== "^") return base;
    this.index++;
    return { kind: "binary", op: "^", left: base, right: this.power() };
  }

  private unary(): Expression {
    if (this.peek() !== "-") return this.primary();
    this.index++;
    return { kind: "negate", argument: this.unary() };
  }

  private primary(): Expression {
    const token = this.peek();
    if (token === "(") {
      this.index++;
      const inner = this.sum();
      this.expect(")");
      return inner;
    }
    if (token !== undefined && /^[\d.]/.test(token)) {
      this.index++;
      return { kind: "number", value: Number(token) };
    }
    if (token !== undefined && /^[A-Za-z_]/.test(token)) return this.name(token);
    return this.fail('a number, a variable or "("');
  }

  /** A variable, or a call when a "(" follows. */
  private name(token: string): Expression {
    this.index++;
    if (this.peek() !== "(") return { kind: "variable", name: token };
    if (!(FUNCTION_NAMES as readonly string[]).includes(token)) {
      throw new Error(`expression: unknown function "${token}" (known: ${FUNCTION_NAMES.join(", ")})`);
    }
    this.index++;
    const argument = this.sum();
    this.expect(")");
    return { kind: "call", name: token as FunctionName, argument };
  }
}

/** Parses `source`; throws an error naming the position of the first thing it cannot read. */
export function parseExpression(source: string): Expression {
  return new Parser(tokenize(source)).parse();
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
