/**
 * The optimizer steps a replayed plan runs at its own addresses on the wasm backend, in one
 * place for the executor: SGD (sgd-step.ts), Adam/AdamW (adam-step.ts), RMSprop
 * (rmsprop-step.ts). Each reads its hyper-parameters on every call and falls back to the
 * optimizer's own step where it cannot give eager's values at plan addresses.
 */
import type { DataRef } from "../backend/backend.js";
import type { WasmBackend } from "../backend/wasm/wasm-backend.js";
import type { Plan } from "./plan.js";
import type { StepContext } from "./wasm-executor.js";
import { adamBuffers, adamStep, adamTemporaries } from "./adam-step.js";
import { optimizerBuffers, sgdStep, sgdTemporaries } from "./sgd-step.js";
import { rmspropBuffers, rmspropStep, rmspropTemporaries } from "./rmsprop-step.js";
import { NO_TEMPORARIES, temporariesScratch } from "./step-temporaries.js";

/** The optimizers' state buffers of the steps in `plan` (they join its memory). */
export function optimizerStateBuffers(plan: Plan): DataRef[] {
  return [...optimizerBuffers(plan), ...adamBuffers(plan), ...rmspropBuffers(plan)];
}

/** Bytes the plan's optimizer steps reserve for their temporaries. */
export function optimizerTemporariesScratch(plan: Plan): number {
  return temporariesScratch(plan, (optimizer) => {
    for (const need of [sgdTemporaries(optimizer), adamTemporaries(optimizer), rmspropTemporaries(optimizer)]) if (need.bytes > 0) return need;
    return NO_TEMPORARIES;
  });
}

/** `target`'s step at plan addresses, `fallback` (its own step) where no plan step knows the optimizer. */
export function optimizerStep(target: unknown, fallback: () => void, context: StepContext, backend: WasmBackend): () => void {
  return sgdStep(target, fallback, context, backend) ?? adamStep(target, fallback, context) ?? rmspropStep(target, fallback, context) ?? fallback;
}
