/**
 * The little expression language of `nabla graph` and the playground's backprop view:
 * statements `name = expression` separated by `;`, with numbers, variables, `+ - * / @ **`
 * (`^` is another spelling of `**`), unary minus, parentheses and the functions below.
 * Precedence as in Python: `**` (right-associative, binds tighter than unary minus on its
 * left, so `-x ** 2` is `-(x²)`) > unary minus > `* / @` > `+ -`.
 */

/** The functions an expression may call, each on one argument. */
export const EXPRESSION_FUNCTIONS = ["exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "softmax", "sum", "mean"] as const;
/** The name of a function an expression may call (one of {@link EXPRESSION_FUNCTIONS}). */
export type ExpressionFunction = (typeof EXPRESSION_FUNCTIONS)[number];
/** A binary operator: + − × ÷, `@` for the matrix product, `**` for the power. */
export type ExpressionOperator = "+" | "-" | "*" | "/" | "@" | "**";

/** The syntax tree of one expression. */
export type ExpressionNode =
  | { kind: "number"; value: number; /** As written, e.g. "1.5e-3". */ text: string }
  | { kind: "variable"; name: string }
  | { kind: "negate"; operand: ExpressionNode }
  | { kind: "binary"; operator: ExpressionOperator; left: ExpressionNode; right: ExpressionNode }
  | { kind: "call"; name: ExpressionFunction; argument: ExpressionNode };

/** One statement of an expression: `name = expression`, or an expression alone. */
export interface ExpressionStatement {
  /** The name given with `name = …`, if any. */
  name?: string;
  /** The syntax tree of the right-hand side. */
  expression: ExpressionNode;
}

/** What {@link parseExpression} returns. */
export interface ParsedExpression {
  source: string;
  statements: ExpressionStatement[];
  /** Names read before any statement assigns them, in order of first use: the caller's to give. */
  variables: string[];
}

interface Token {
  kind: "number" | "name" | "symbol" | "end";
  text: string;
  column: number;
}

const isFunction = (name: string): name is ExpressionFunction => (EXPRESSION_FUNCTIONS as readonly string[]).includes(name);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([A-Za-z_]\w*)|(\*\*|[-+*/@^()=;]))/y;
  let position = 0;
  while (position < source.length) {
    if (/^\s*$/.test(source.slice(position))) break;
    pattern.lastIndex = position;
    const match = pattern.exec(source);
    if (match === null) {
      const column = position + source.slice(position).search(/\S/) + 1;
      throw new Error(`parseExpression: unexpected character ${JSON.stringify(source[column - 1])} at column ${column} of ${JSON.stringify(source)}`);
    }
    const text = match[1] ?? match[2] ?? match[3]!;
    const kind = match[1] !== undefined ? "number" : match[2] !== undefined ? "name" : "symbol";
    tokens.push({ kind, text: text === "^" ? "**" : text, column: pattern.lastIndex - text.length + 1 });
    position = pattern.lastIndex;
  }
  tokens.push({ kind: "end", text: "end of input", column: source.length + 1 });
  return tokens;
}

/** Recursive descent, one method per precedence level (typed expressions are shallow). */
class Parser {
  private index = 0;
  /** Names read so far that no earlier statement assigned. */
  readonly free = new Set<string>();
  private readonly assigned = new Set<string>();

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
  private fail(message: string): never {
    throw new Error(`parseExpression: ${message}`);
  }
  private unexpected(token: Token, wanted: string): never {
    const found = token.kind === "end" ? "the end" : JSON.stringify(token.text);
    return this.fail(`expected ${wanted} but found ${found} at column ${token.column} of ${JSON.stringify(this.source)}`);
  }
  private accept(text: string): boolean {
    if (this.peek().kind === "symbol" && this.peek().text === text) return (this.index++, true);
    return false;
  }

  statements(): ExpressionStatement[] {
    const out: ExpressionStatement[] = [];
    do {
      if (this.peek().kind === "end") break;
      const [first, second] = [this.tokens[this.index]!, this.tokens[this.index + 1]];
      let name: string | undefined;
      if (first.kind === "name" && second?.text === "=") {
        if (isFunction(first.text)) this.fail(`cannot assign to ${first.text} at column ${first.column}: it is a function name`);
        name = first.text;
        this.index += 2;
      }
      const expression = this.sum();
      out.push(name === undefined ? { expression } : { name, expression });
      if (name !== undefined) this.assigned.add(name);
    } while (this.accept(";"));
    if (this.peek().kind !== "end") this.unexpected(this.peek(), `an operator or ";"`);
    if (out.length === 0) this.fail("the expression is empty");
    return out;
  }

  private sum(): ExpressionNode {
    let left = this.product();
    for (let op = this.peek().text; this.peek().kind === "symbol" && (op === "+" || op === "-"); op = this.peek().text) {
      this.next();
      left = { kind: "binary", operator: op, left, right: this.product() };
    }
    return left;
  }

  private product(): ExpressionNode {
    let left = this.unary();
    for (let op = this.peek().text; this.peek().kind === "symbol" && (op === "*" || op === "/" || op === "@"); op = this.peek().text) {
      this.next();
      left = { kind: "binary", operator: op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): ExpressionNode {
    if (this.accept("-")) return { kind: "negate", operand: this.unary() };
    if (this.accept("+")) return this.unary();
    return this.power();
  }

  private power(): ExpressionNode {
    const base = this.primary();
    if (this.accept("**")) return { kind: "binary", operator: "**", left: base, right: this.unary() };
    return base;
  }

  private primary(): ExpressionNode {
    const token = this.next();
    if (token.kind === "number") return { kind: "number", value: Number(token.text), text: token.text };
    if (token.kind === "name") return this.name(token);
    if (token.text === "(") {
      const inner = this.sum();
      if (!this.accept(")")) this.unexpected(this.peek(), `")"`);
      return inner;
    }
    return this.unexpected(token, `a number, a variable, a function or "("`);
  }

  /** A variable, or a function call. */
  private name(token: Token): ExpressionNode {
    if (!isFunction(token.text)) {
      if (this.peek().text === "(") this.fail(`unknown function ${token.text}() at column ${token.column}; the functions are ${EXPRESSION_FUNCTIONS.join(", ")}`);
      if (!this.assigned.has(token.text)) this.free.add(token.text);
      return { kind: "variable", name: token.text };
    }
    if (!this.accept("(")) this.unexpected(this.peek(), `"(" after ${token.text}`);
    const argument = this.sum();
    if (!this.accept(")")) this.unexpected(this.peek(), `")"`);
    return { kind: "call", name: token.text, argument };
  }
}

/**
 * Parses expression text into statements, and lists the variables it needs; a syntax error
 * throws, naming the column and what was expected there.
 *
 * @example
 * ```ts
 * import { viz } from "nabla";
 * const parsed = viz.parseExpression("q = x + y; f = q * z");
 * console.log(parsed.statements.map((s) => s.name), parsed.variables); // [ 'q', 'f' ] [ 'x', 'y', 'z' ]
 * ```
 */
export function parseExpression(source: string): ParsedExpression {
  const parser = new Parser(tokenize(source), source);
  const statements = parser.statements();
  return { source, statements, variables: [...parser.free] };
}
