/**
 * The little language of `nabla graph`: statements `name = expression` separated by `;`, with
 * numbers, variables, `+ - * / @ **`, unary minus, parentheses and the functions below.
 * Precedence as in Python: `**` (right-associative, binds tighter than unary minus on its
 * left) > unary minus > `* / @` > `+ -`.
 */
import { fail } from "../user-error.js";

export const FUNCTIONS = ["exp", "log", "tanh", "sigmoid", "relu", "softmax", "sum", "mean", "sqrt", "abs"] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
export type BinaryOperator = "+" | "-" | "*" | "/" | "@" | "**";

export type Expression =
  | { kind: "number"; value: number; text: string }
  | { kind: "variable"; name: string }
  | { kind: "negate"; operand: Expression }
  | { kind: "binary"; operator: BinaryOperator; left: Expression; right: Expression }
  | { kind: "call"; name: FunctionName; argument: Expression };

export interface Statement {
  /** The name given with `name = …`, if any. */
  name?: string;
  expression: Expression;
}

interface Token {
  kind: "number" | "name" | "symbol" | "end";
  text: string;
  column: number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([A-Za-z_]\w*)|(\*\*|[-+*/@()=;]))/y;
  let position = 0;
  while (position < source.length) {
    if (/^\s*$/.test(source.slice(position))) break;
    pattern.lastIndex = position;
    const match = pattern.exec(source);
    if (match === null) {
      const column = position + source.slice(position).search(/\S/) + 1;
      fail(`unexpected character ${JSON.stringify(source[column - 1])} at column ${column} of ${JSON.stringify(source)}`);
    }
    const text = match[1] ?? match[2] ?? match[3]!;
    tokens.push({ kind: match[1] !== undefined ? "number" : match[2] !== undefined ? "name" : "symbol", text, column: pattern.lastIndex - text.length + 1 });
    position = pattern.lastIndex;
  }
  tokens.push({ kind: "end", text: "end of input", column: source.length + 1 });
  return tokens;
}

/** A recursive-descent parser (expressions typed by a person are shallow; the graph walk is iterative). */
class Parser {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  private peek(): Token {
    return this.tokens[this.index]!;
  }
  private next(): Token {
    return this.tokens[this.index++]!;
  }
  private unexpected(token: Token, wanted: string): never {
    return fail(`expected ${wanted} but found ${token.kind === "end" ? "the end" : JSON.stringify(token.text)} at column ${token.column} of ${JSON.stringify(this.source)}`);
  }
  private accept(text: string): boolean {
    if (this.peek().kind === "symbol" && this.peek().text === text) return (this.index++, true);
    return false;
  }

  statements(): Statement[] {
    const out: Statement[] = [];
    do {
      if (this.peek().kind === "end") break;
      const [first, second] = [this.tokens[this.index]!, this.tokens[this.index + 1]];
      let name: string | undefined;
      if (first.kind === "name" && second?.text === "=") {
        if ((FUNCTIONS as readonly string[]).includes(first.text)) fail(`cannot assign to ${first.text}: it is a function name`);
        name = first.text;
        this.index += 2;
      }
      out.push(name === undefined ? { expression: this.sum() } : { name, expression: this.sum() });
    } while (this.accept(";"));
    if (this.peek().kind !== "end") this.unexpected(this.peek(), `an operator or ";"`);
    if (out.length === 0) fail("the expression is empty");
    return out;
  }

  private sum(): Expression {
    let left = this.product();
    for (let op = this.peek().text; this.peek().kind === "symbol" && (op === "+" || op === "-"); op = this.peek().text) {
      this.next();
      left = { kind: "binary", operator: op, left, right: this.product() };
    }
    return left;
  }

  private product(): Expression {
    let left = this.unary();
    for (let op = this.peek().text; this.peek().kind === "symbol" && (op === "*" || op === "/" || op === "@"); op = this.peek().text) {
      this.next();
      left = { kind: "binary", operator: op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expression {
    if (this.accept("-")) return { kind: "negate", operand: this.unary() };
    if (this.accept("+")) return this.unary();
    return this.power();
  }

  private power(): Expression {
    const base = this.primary();
    if (this.accept("**")) return { kind: "binary", operator: "**", left: base, right: this.unary() };
    return base;
  }

  private primary(): Expression {
    const token = this.next();
    if (token.kind === "number") return { kind: "number", value: Number(token.text), text: token.text };
    if (token.kind === "name") {
      if (!(FUNCTIONS as readonly string[]).includes(token.text)) {
        if (this.peek().text === "(") fail(`unknown function ${token.text}() at column ${token.column}; the functions are ${FUNCTIONS.join(", ")}`);
        return { kind: "variable", name: token.text };
      }
      if (!this.accept("(")) this.unexpected(this.peek(), `"(" after ${token.text}`);
      const argument = this.sum();
      if (!this.accept(")")) this.unexpected(this.peek(), `")"`);
      return { kind: "call", name: token.text as FunctionName, argument };
    }
    if (token.text === "(") {
      const inner = this.sum();
      if (!this.accept(")")) this.unexpected(this.peek(), `")"`);
      return inner;
    }
    return this.unexpected(token, "a number, a variable, a function or \"(\"");
  }
}

/**
 * Parses `nabla graph`'s expression text into statements; a syntax error names the column.
 *
 * @example
 * ```ts
 * parseExpression("q = x + y; f = q * z").map((s) => s.name); // ["q", "f"]
 * ```
 */
export function parseExpression(source: string): Statement[] {
  return new Parser(tokenize(source), source).statements();
}
