import { compile, nn, optim, tensor, setBackend, type Tensor } from "./src/index.js";
import { blobs } from "./bench/data.js";
setBackend("wasm");
const data = blobs();
const model = new nn.Linear(2, 1);
const x = tensor(data.x, { shape: [data.n, 2] }); const target = tensor(data.y, { shape: [data.n, 1] });
const lossFn = new nn.BCELoss(); const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
const step = compile((input: Tensor, labels: Tensor) => { optimizer.zeroGrad(); lossFn.call(model.call(input).sigmoid(), labels).backward(); optimizer.step(); });
step(x, target);
