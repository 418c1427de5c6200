/** `nabla graph`: an expression's computational graph with values and gradients, or a model's layers. */
import { writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { Command } from "commander";
import { Generator, io, randn, tensor, viz, type NestedArray, type Tensor } from "../../index.js";
import { integerAtLeast } from "../option-parsers.js";
import { defaultRunDir, svgWidthPx, writePicture } from "../run-files.js";
import { fail } from "../user-error.js";

const EXAMPLES = `
Variables are given as options: --x -2 (a number), --W "[[1,2],[3,4]]" (a JSON array),
or --shape W=2,3 (standard normal values from --seed). Functions: exp log tanh sigmoid relu
softmax sum mean sqrt abs. Operators: + - * / @ ** (or ^) and parentheses; "name = …; …" names steps.

Examples:
  $ nabla graph "(x + y) * z" --x -2 --y 5 --z -4       # the lecture: q = 3, f = -12; df/dx = -4, df/dy = -4, df/dz = 3
  $ nabla graph "q = x + y; f = q * z" --x -2 --y 5 --z -4
  $ nabla graph "sum(relu(W @ x + b))" --shape W=3,2 --x "[1,-1]" --b "[0.1,0.2,0.3]"
  $ nabla graph "f = sum(softmax(W @ x))" --shape W=3,2 --x "[1,-1]" --expand   # softmax's primitives
  $ nabla graph "sigmoid(w0 * x0 + w1 * x1 + w2)" --w0 2 --x0 -1 --w1 -3 --x1 -2 --w2 -3 --json
  $ nabla graph --model runs/<run>                       # a trained network's layers`;

interface GraphFlags {
  model?: string;
  out?: string;
  json?: boolean;
  expand?: boolean;
  seed: number;
  shape: string[];
}

// Wider than this (points, about an A4 page's text width at 1.5×) and the graph is drawn top to bottom.
const PAGE_WIDTH_PT = 800;

const KNOWN = new Set(["model", "out", "json", "expand", "seed", "shape", "help"]);

/** Splits the raw arguments (after commander) into the expression, known flags and variables. */
function splitArguments(raw: readonly string[], flags: GraphFlags): { expression?: string; variables: Map<string, string> } {
  const variables = new Map<string, string>();
  let expression: string | undefined;
  for (let i = 0; i < raw.length; i++) {
    const arg = raw[i]!;
    if (!arg.startsWith("--")) {
      if (expression !== undefined) fail(`unexpected argument ${JSON.stringify(arg)}: give one expression (quote it), and variables as --name value`);
      expression = arg;
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (name === "json" || name === "expand") {
      flags[name] = true;
      continue;
    }
    const value = inline ?? raw[++i];
    if (value === undefined) fail(`--${name} needs a value`);
    if (!KNOWN.has(name)) {
      if (!/^[A-Za-z_]\w*$/.test(name)) fail(`--${name}: a variable name must be a letter followed by letters, digits or _`);
      variables.set(name, value);
    } else if (name === "shape") flags.shape.push(value);
    else if (name === "seed") flags.seed = integerAtLeast("--seed", 0)(value);
    else if (name === "model") flags.model = value;
    else if (name === "out") flags.out = value;
  }
  return expression === undefined ? { variables } : { expression, variables };
}

function variableTensors(values: Map<string, string>, shapes: readonly string[], seed: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, text] of values) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      fail(`--${name} must be a number or a JSON array of numbers, got ${JSON.stringify(text)}`);
    }
    if (typeof parsed !== "number" && !Array.isArray(parsed)) fail(`--${name} must be a number or a JSON array of numbers, got ${JSON.stringify(text)}`);
    try {
      out.set(name, tensor(parsed as NestedArray, { dtype: "float64", requiresGrad: true }));
    } catch (error) {
      fail(`--${name}: ${(error as Error).message}`);
    }
  }
  const generator = new Generator(seed);
  for (const spec of shapes) {
    const match = /^([A-Za-z_]\w*)=(\d+(?:[,x×]\d+)*)$/.exec(spec);
    if (match === null) fail(`--shape must look like W=2,3, got ${JSON.stringify(spec)}`);
    if (out.has(match[1]!)) fail(`${match[1]} is given both a value and a --shape`);
    out.set(match[1]!, randn(match[2]!.split(/[,x×]/).map(Number), { dtype: "float64", requiresGrad: true, generator }));
  }
  return out;
}

const show = (t: Tensor | null) => (t === null ? "—" : viz.formatTensor(t, { maxElements: 12 }));

/** The library's expression errors, as one-line user errors without the function's name. */
function asUserError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    return fail((error as Error).message.replace(/^(parseExpression|evaluateExpression): /, ""));
  }
}

/** Refuses a variable the expression needs but was not given, or one given but never read. */
function checkVariables(parsed: viz.ParsedExpression, given: ReadonlyMap<string, unknown>): void {
  const missing = parsed.variables.find((name) => !given.has(name));
  if (missing !== undefined) fail(`${missing} has no value: pass --${missing} <number or JSON array>, or --shape ${missing}=2,3 for random values`);
  const unused = [...given.keys()].find((name) => !parsed.variables.includes(name));
  if (unused === undefined) return;
  const assigned = parsed.statements.some((s) => s.name === unused);
  fail(`--${unused} is given but ${assigned ? `the expression assigns ${unused} before reading it` : `${unused} does not appear in the expression`}`);
}

function report(evaluation: viz.ExpressionEvaluation, files: string[]): string {
  const { variables, intermediates, output } = evaluation;
  const lines = ["forward"];
  for (const v of variables) lines.push(`  ${v.name} = ${show(v.tensor)}`);
  for (const v of intermediates) lines.push(`  ${v.name} = ${v.formula} = ${show(v.tensor)}`);
  lines.push("", `backward (gradients of ${output.name}${output.tensor.size === 1 ? "" : `, summed: ${output.name} is not a scalar`})`);
  for (const v of [...intermediates.filter((i) => i !== output).reverse(), ...variables]) lines.push(`  d${output.name}/d${v.name} = ${show(v.tensor.grad)}`);
  lines.push("", `graph: ${files.join(", ")}`);
  return lines.join("\n") + "\n";
}

function asJson(value: viz.ExpressionValue): Record<string, unknown> {
  return { name: value.name, ...(value.formula === undefined ? {} : { formula: value.formula }), value: value.tensor.toArray(), grad: value.tensor.grad?.toArray() ?? null };
}

async function drawExpression(expression: string, variables: Map<string, string>, flags: GraphFlags): Promise<void> {
  const parsed = asUserError(() => viz.parseExpression(expression));
  const given = variableTensors(variables, flags.shape, flags.seed);
  checkVariables(parsed, given);
  const evaluation = asUserError(() => viz.evaluateExpression(parsed, given));
  const { output } = evaluation;
  // retainGraph: the expanded graph re-applies each primitive's rule to show the gradient on every edge.
  output.tensor.backward(output.tensor.size === 1 ? undefined : output.tensor.mul(0).add(1), { retainGraph: flags.expand === true });
  let dot = viz.expressionGraph(evaluation, { expand: flags.expand === true });
  let svg = await viz.renderDot(dot);
  // a long chain drawn left to right outgrows a page: top to bottom fits it better
  if (svgWidthPx(svg) > PAGE_WIDTH_PT * 4 / 3) {
    const tall = viz.expressionGraph(evaluation, { expand: flags.expand === true, rankdir: "TB" });
    const tallSvg = await viz.renderDot(tall);
    if (svgWidthPx(tallSvg) < svgWidthPx(svg)) [dot, svg] = [tall, tallSvg];
  }
  const out = flags.out ?? defaultRunDir("graph-");
  const files = await writePicture(out, "graph", svg);
  writeFileSync(join(out, "graph.dot"), dot);
  files.push(join(out, "graph.dot"));
  if (flags.json) {
    process.stdout.write(JSON.stringify({ variables: evaluation.variables.map(asJson), intermediates: evaluation.intermediates.map(asJson), output: asJson(output), files }, null, 2) + "\n");
  } else process.stdout.write(report(evaluation, files));
}

async function drawModel(dir: string, flags: GraphFlags): Promise<void> {
  const { model, config } = await io.load(dir);
  const options: viz.ModuleGraphOptions = { inputShape: config.inputShape, title: basename(resolve(dir)) };
  if (config.classNames !== undefined) options.classNames = config.classNames;
  const dot = viz.moduleGraph(model, options);
  const out = flags.out ?? dir;
  const files = await writePicture(out, "model-graph", await viz.renderDot(dot));
  writeFileSync(join(out, "model-graph.dot"), dot);
  files.push(join(out, "model-graph.dot"));
  if (flags.json) process.stdout.write(JSON.stringify({ model: dir, files }, null, 2) + "\n");
  else process.stdout.write(`${model.toString()}\n\ngraph: ${files.join(", ")}\n`);
}

export function graphCommand(): Command {
  return new Command("graph")
    .description("draw the computational graph of an expression (values on nodes, gradients on edges), or a model's layers")
    .usage('"<expression>" [--name value ...] [options] | --model <dir>')
    .option("--model <dir>", "draw this model directory's network instead of an expression")
    .option("--shape <name=dims>", "a variable of random values with this shape, e.g. W=2,3 (repeatable)", (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option("--seed <n>", "seed for --shape values", integerAtLeast("--seed", 0), 0)
    .option("--out <dir>", "where to write graph.dot/.svg/.png (default runs/graph-<date>_<time>; with --model, the model directory)")
    .option("--json", "print values and gradients as JSON")
    .option("--expand", "draw the library's primitive ops (how softmax is built from exp, sum, …) instead of one node per operation of the expression")
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText("after", EXAMPLES)
    .action(async function (this: Command) {
      const parsed = this.opts<{ model?: string; shape: string[]; seed: number; out?: string; json?: boolean; expand?: boolean }>();
      const flags: GraphFlags = { seed: parsed.seed, shape: [...parsed.shape] };
      if (parsed.model !== undefined) flags.model = parsed.model;
      if (parsed.out !== undefined) flags.out = parsed.out;
      if (parsed.json) flags.json = true;
      if (parsed.expand) flags.expand = true;
      const { expression, variables } = splitArguments(this.args, flags);
      if (flags.model !== undefined) {
        if (expression !== undefined || variables.size > 0) fail("give either an expression or --model, not both");
        return drawModel(flags.model, flags);
      }
      if (expression === undefined) fail(`give an expression, e.g. nabla graph "(x + y) * z" --x -2 --y 5 --z -4 (see --help)`);
      return drawExpression(expression, variables, flags);
    });
}
