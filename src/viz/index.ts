/** Pictures of graphs and training, as DOT and SVG strings (no DOM), plus PNG in Node. */
export { graph } from "./graph.js";
export type { GraphOptions } from "./graph.js";
export { graphTensors, retainGrads } from "./retain-grads.js";
export { formatNumber, formatTensor } from "./format.js";
export { PALETTE, paletteColour } from "./svg.js";
export { renderDot } from "./render-dot.js";
export { toPng } from "./to-png.js";
export type { ToPngOptions } from "./to-png.js";
export { decisionBoundary } from "./decision-boundary.js";
export type { Classifier, DecisionBoundaryOptions } from "./decision-boundary.js";
export { lossCurve } from "./loss-curve.js";
export type { LossCurveInput, EpochMetrics, LossCurveOptions } from "./loss-curve.js";
/** `fit`'s result, the same type as the top-level `History` (one type, exported in both places). */
export type { History } from "../train/fit.js";
export { moduleGraph } from "./module-graph.js";
export type { ModuleGraphOptions, LayeredModel } from "./module-graph.js";
export { parseExpression, EXPRESSION_FUNCTIONS } from "./expression/parse-expression.js";
export type { ParsedExpression, ExpressionStatement, ExpressionNode, ExpressionOperator, ExpressionFunction } from "./expression/parse-expression.js";
export { evaluateExpression, applyExpressionOperation } from "./expression/evaluate-expression.js";
export type { ExpressionEvaluation, ExpressionValue, ExpressionOperation } from "./expression/evaluate-expression.js";
export { expressionGraph } from "./expression/expression-graph.js";
export type { ExpressionGraphOptions } from "./expression/expression-graph.js";
