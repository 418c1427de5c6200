/** nabla.nn.utils: helpers around training (PyTorch's `torch.nn.utils`). */
export { clipGradNorm_, clipGradValue_ } from "./clip-grad.js";
export type { ClipGradNormOptions } from "./clip-grad.js";
