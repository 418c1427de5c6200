// Pad as torch.onnx.export writes it before an AveragePool for AvgPool1d/2d with
// countIncludePad=true (the default): zeros around the spatial dims, then a pool without pads. A
// zero Pad is nothing; any other Pad must be followed by that AveragePool, which takes its padding.
import type { ImportContext, NodeReader, PadDraft } from "./import-context.js";

/** The last layer, when it is a Pad draft producing the chain's current value. */
export function openPad(context: ImportContext): PadDraft | null {
  const last = context.layers.at(-1);
  return last !== undefined && "kind" in last && last.kind === "pad" && last.output === context.current ? last : null;
}

export function importPad(node: NodeReader, context: ImportContext): void {
  node.inputCount(1, 4);
  const attributes = node.attributes({ mode: "string", pads: "ints", value: "float" });
  const rawMode = node.node.attribute?.find((a) => a.name === "mode")?.s;
  const mode = rawMode === undefined || rawMode === null ? "constant" : new TextDecoder().decode(rawMode as Uint8Array);
  if (mode !== "constant") node.fail(`mode="${mode}" is not supported (only zero padding)`);
  node.data(0);
  let pads = attributes.ints("pads");
  if (node.inputName(1) !== undefined) {
    const constant = node.constant(1, "pads");
    if (constant.type !== "int64" || constant.dims.length !== 1) node.fail(`pads must be a 1-D int64 constant`);
    pads = constant.values as number[];
  }
  if (pads === undefined) return node.fail(`pads are required`);
  let value = attributes.float("value", 0);
  if (node.inputName(2) !== undefined) {
    const constant = node.constant(2, "constant_value");
    if (constant.values.length !== 1) node.fail(`constant_value must be a scalar`);
    value = constant.values[0]!;
  }
  if (node.inputName(3) !== undefined) node.fail(`axes are not supported`);
  if (value !== 0) node.fail(`padding with ${value} is not supported (only zeros)`);
  const shape = context.shape;
  const rank = shape?.length ?? pads.length / 2;
  if (pads.length !== 2 * rank) node.fail(`pads [${pads.join(", ")}] do not have 2 values per dim of the ${rank}-D input`);
  if (pads.every((p) => p === 0)) {
    // nothing to pad: the same value under another name (an AveragePool next keeps countIncludePad)
    context.current = node.output();
    context.zeroPadded = context.current;
    return;
  }
  const begin = pads.slice(2, rank);
  const end = pads.slice(rank + 2);
  if (pads[0] !== 0 || pads[1] !== 0 || pads[rank] !== 0 || pads[rank + 1] !== 0 || begin.join() !== end.join() || begin.some((p) => p < 0)) {
    node.fail(`pads [${pads.join(", ")}] are not supported (only the same zeros on both sides of each spatial dim, before an AveragePool)`);
  }
  const padded = shape === null ? null : shape.map((d, i) => (i < 2 || d === null ? d : d + 2 * begin[i - 2]!));
  context.push({ kind: "pad", where: node.where, padding: begin, output: node.output() }, node.output(), padded);
}
