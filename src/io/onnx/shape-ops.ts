// Shape arithmetic torch.onnx.export writes when a shape is only known at run time: Shape of a value
// of the chain, Slice and Concat of such shapes (with int64 constants), read by a Reshape, e.g.
// Flatten(2) as Reshape(x, Concat(Slice(Shape(x), 0, 2), [-1])). The values are tracked as dims,
// null for the (dynamic) batch, and a Reshape reads them as its target with the batch copied (0).
import type { Constant } from "./onnx-tensor.js";
import type { ImportContext, NodeReader } from "./import-context.js";

type OpImporter = (node: NodeReader, context: ImportContext) => void;

// Shape of a value on the chain: read by a Reshape (a group normalization's end, or a target).
export const importShape: OpImporter = (node, context) => {
  node.inputCount(1, 1);
  const attributes = node.attributes({ start: "int", end: "int" });
  if (attributes.has("start") || attributes.has("end")) node.fail(`start and end (a slice of the shape) are not supported`);
  const source = node.inputName(0)!;
  const shape = context.chain.get(source);
  if (shape === undefined) return node.fail(`input 0 "${source}" is not a value of the chain of layers`);
  context.shapeOf.set(node.output(), source);
  if (shape !== null) context.shapeDims.set(node.output(), shape);
};

/** Input `index` as dims: a tracked shape, or a 1-D int64 constant. */
function dimsInput(node: NodeReader, context: ImportContext, index: number): (number | null)[] {
  const name = node.inputName(index);
  const tracked = name === undefined ? undefined : context.shapeDims.get(name);
  if (tracked !== undefined) return tracked;
  const constant = node.constant(index, `input ${index}`);
  if (constant.type !== "int64" || constant.dims.length !== 1) node.fail(`input ${index} must be a shape or a 1-D int64 constant`);
  return constant.values as number[];
}

function intScalars(node: NodeReader, index: number, what: string): number[] | undefined {
  if (node.inputName(index) === undefined) return undefined;
  const constant = node.constant(index, what);
  if (constant.type !== "int64" || constant.dims.length !== 1) node.fail(`${what} must be a 1-D int64 constant`);
  return constant.values as number[];
}

// Slice of a shape (opset 10 and later: starts, ends, axes, steps as inputs).
export const importSlice: OpImporter = (node, context) => {
  node.inputCount(3, 5);
  node.attributes({});
  const source = node.inputName(0)!;
  const dims = context.shapeDims.get(source);
  if (dims === undefined) return node.fail(`only a Slice of a Shape is supported (input 0 "${source}" is not one)`);
  const [starts, ends, axes, steps] = [intScalars(node, 1, "starts")!, intScalars(node, 2, "ends")!, intScalars(node, 3, "axes"), intScalars(node, 4, "steps")];
  if (starts.length !== 1 || ends.length !== 1 || (axes !== undefined && (axes.length !== 1 || axes[0] !== 0)) || (steps !== undefined && (steps.length !== 1 || steps[0] !== 1))) {
    node.fail(`only a slice along axis 0 with step 1 is supported`);
  }
  const clamp = (i: number) => Math.max(0, Math.min(dims.length, i < 0 ? i + dims.length : i));
  context.shapeDims.set(node.output(), dims.slice(clamp(starts[0]!), clamp(ends[0]!)));
};

// Concat of shapes and 1-D int64 constants along axis 0.
export const importConcat: OpImporter = (node, context) => {
  const axis = node.attributes({ axis: "int" }).int("axis", 0);
  if (axis !== 0 && axis !== -1) node.fail(`only the concatenation of shapes (axis 0) is supported`);
  const count = node.node.input?.length ?? 0;
  if (count < 1) node.fail(`has no inputs`);
  const parts = Array.from({ length: count }, (_, i) => dimsInput(node, context, i));
  context.shapeDims.set(node.output(), parts.flat());
};

/** A Reshape's target from a tracked shape: the batch (null first) becomes 0 (copy); other unknown dims fail. */
export function trackedTarget(node: NodeReader, context: ImportContext): Constant | undefined {
  const dims = context.shapeDims.get(node.inputName(1) ?? "");
  if (dims === undefined) return undefined;
  if (dims.slice(1).some((d) => d === null)) node.fail(`the target shape [${dims.map((d) => d ?? "?").join(", ")}] has dims known only at run time`);
  return { dims: [dims.length], type: "int64", values: dims.map((d, i) => (i === 0 && d === null ? 0 : d!)) };
}
