// The harness of the tests that train a model for a few steps eagerly and again through
// compile(), from the same seed, and compare what the two leave (losses, parameters, state).
// Each test builds its own model and step; this runs the steps and reads the losses.
import { compile, nn, type CompileOptions, type CompileStats, type Tensor } from "../../src/index.js";

/** A training (or any) step over an input and a target that returns the loss. */
export type Step = (input: Tensor, target: Tensor) => Tensor;

/** What a step needs of an optimizer. */
export interface StepOptimizer {
  zeroGrad(): void;
  step(): void;
}

/**
 * The usual training step: zero the gradients, the loss of `model`'s output against the
 * target (cross-entropy unless `lossOf` is given), backward, `optimizer.step()`, then `after`
 * (a scheduler's step).
 */
export function trainingStep(
  model: nn.Module<[Tensor], Tensor>, optimizer: StepOptimizer,
  lossOf: (output: Tensor, target: Tensor) => Tensor = nn.functional.crossEntropy, after?: () => void,
): Step {
  return (input, target) => {
    optimizer.zeroGrad();
    const loss = lossOf(model.call(input), target);
    loss.backward();
    optimizer.step();
    after?.();
    return loss;
  };
}

/** How {@link runSteps} calls the step. */
export interface RunOptions {
  /** Through compile() (with `options`) or as it is. */
  compiled: boolean;
  options?: CompileOptions;
  /** Runs before call `i` (a learning-rate change, a counter reset). */
  beforeStep?: (i: number) => void;
}

/** The losses of the calls, and the compiled function's counters (null when run eagerly). */
export interface StepsRun {
  losses: number[];
  stats: CompileStats | null;
}

/** Calls `step(x, y)` `steps` times, eagerly or compiled, reading each loss with item(). */
export function runSteps(step: Step, x: Tensor, y: Tensor, steps: number, run: RunOptions): StepsRun {
  const compiled = run.compiled ? compile(step, run.options) : null;
  const call = compiled ?? step;
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    run.beforeStep?.(i);
    losses.push(call(x, y).item());
  }
  return { losses, stats: compiled === null ? null : { ...compiled.stats } };
}

/**
 * {@link runSteps} for a backend whose reads are asynchronous (webgpu): each loss is read with
 * `data()` before the next call, and `submits[i]` counts the command buffers call `i` submitted
 * (`submitted` reads the backend's running count).
 */
export async function runStepsAsync(
  step: Step, x: Tensor, y: Tensor, steps: number, compiled: boolean, submitted: () => number,
): Promise<StepsRun & { submits: number[] }> {
  const compiledStep = compiled ? compile(step) : null;
  const call = compiledStep ?? step;
  const losses: number[] = [];
  const submits: number[] = [];
  for (let i = 0; i < steps; i++) {
    const before = submitted();
    const loss = call(x, y);
    submits.push(submitted() - before);
    losses.push((await loss.data())[0]!);
  }
  return { losses, submits, stats: compiledStep === null ? null : { ...compiledStep.stats } };
}

/** The values of `tensors` (a model's parameters), as plain arrays for deepEqual. */
export function valuesOf(tensors: readonly Tensor[]): number[][] {
  return tensors.map((t) => Array.from(t.toTypedArray()));
}

/** A module's state dict (parameters and buffers: running statistics, batch counters) as [name, values] pairs. */
export function stateOf(model: nn.Module<[Tensor], Tensor>): [string, number[]][] {
  return Object.entries(model.stateDict()).map(([name, value]) => [name, Array.from(value.toTypedArray())]);
}
