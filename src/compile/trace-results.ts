/** What a trace leaves besides its kernels: the leaves backward reached, the returned value's shape, the modules' guards. */
import type { Backend } from "../backend/backend.js";
import type { GradFn } from "../autograd/grad-fn.js";
import { Tensor } from "../tensor/tensor.js";
import type { Module } from "../nn/module.js";
import { isParameter } from "../nn/parameter.js";
import { OutputSlot, isPlainObject, type ModuleGuard, type OutputView } from "./plan.js";
import { TraceError } from "./trace-error.js";

/** The leaves (requiring grad) that backward from `root` reaches; iterative, as backward itself. */
export function reachableLeaves(root: Tensor): Tensor[] {
  if (root.gradFn === null) return root.requiresGrad ? [root] : [];
  const leaves: Tensor[] = [];
  const seenLeaves = new Set<Tensor>();
  const seenNodes = new Set<GradFn>([root.gradFn]);
  const stack: GradFn[] = [root.gradFn];
  while (stack.length > 0) {
    for (const input of stack.pop()!.inputs) {
      if (input.gradFn !== null) {
        if (!seenNodes.has(input.gradFn)) (seenNodes.add(input.gradFn), stack.push(input.gradFn));
      } else if (input.requiresGrad && !seenLeaves.has(input)) (seenLeaves.add(input), leaves.push(input));
    }
  }
  return leaves;
}

export function outputTemplate(value: unknown, outputs: OutputView[], backend: Backend): unknown {
  if (value instanceof Tensor) {
    if (value.backend !== backend) throw new TraceError(`compile: the function returned a tensor on the ${value.backend.name} backend, its inputs are on ${backend.name}`);
    outputs.push({ ref: value.storage.ref, shape: value.shape, strides: value.strides, offset: value.offset });
    return new OutputSlot(outputs.length - 1);
  }
  if (Array.isArray(value)) return value.map((item) => outputTemplate(item, outputs, backend));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = outputTemplate(item, outputs, backend);
    return out;
  }
  if (typeof value === "object" && value !== null) {
    throw new TraceError(`compile: the function returned a ${value.constructor?.name ?? "object"}; return tensors, arrays or plain objects of tensors, or plain values`);
  }
  return value;
}

export function moduleGuards(called: Map<Module<unknown[], unknown>, boolean>, backend: Backend): ModuleGuard[] {
  // a container may run its children through forward(), not call(): guard every descendant too
  const modules = new Map(called);
  for (const module of called.keys()) for (const child of module.modules()) if (!modules.has(child)) modules.set(child, child.training);
  return [...modules].map(([module, training]) => {
    const names: string[] = [];
    const tensors: Tensor[] = [];
    const entries = Object.entries(module);
    for (const [name, value] of entries) {
      if (!isParameter(value)) continue;
      if (value.backend !== backend) throw new TraceError(`compile: ${module.constructor.name}.${name} is on the ${value.backend.name} backend and the inputs on ${backend.name}; move them to one backend`);
      names.push(name);
      tensors.push(value);
    }
    const [keys, values] = [entries.map(([key]) => key), entries.map(([, value]) => value)];
    return { module, training, names, tensors, storages: tensors.map((t) => t.storage), requiresGrad: tensors.map((t) => t.requiresGrad), keys, values };
  });
}
