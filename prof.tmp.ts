import { compile, nn, optim, tensor, setBackend, type Tensor } from "./src/index.js";
import { moons } from "./bench/data.js";
setBackend("wasm");
const data = moons();
for (const executor of ["auto"] as const) {
const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 2));
const x = tensor(data.x, { shape: [data.n, 2] }); const target = tensor(data.y);
const lossFn = new nn.CrossEntropyLoss(); const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
const step = compile((input: Tensor, labels: Tensor) => { optimizer.zeroGrad(); const l = lossFn.call(model.call(input), labels); l.backward(); optimizer.step(); return l; }, { executor });
let loss = 0;
for (let i = 0; i < 500; i++) step(x, target);
const t0 = performance.now(); for (let i = 0; i < 5000; i++) loss = step(x, target).item(); console.log(executor, JSON.stringify(step.stats), (5000 / ((performance.now() - t0) / 1000)).toFixed(0), "steps/s", loss);
}
