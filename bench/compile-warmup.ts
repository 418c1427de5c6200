// How long a compiled training step's first calls take, call by call: the first traces the
// step, the second traces it again and builds the plan (its memory, its kernels' closures), and
// a later one generates the plan's WebAssembly (src/compile/wasm-generated.ts). An LSTM's step
// has the most nodes of the models here (1,737 kernel calls for 32 time steps), so its warm-up
// shows costs that grow with a plan's size; W6's tiny GPT is beside it. Eager steps of the same
// model, in the same process first, set the traces against plain eager execution.
//
// Usage: node --import tsx bench/compile-warmup.ts [lstm|w6] [CALLS = 8]
import { compile, nn, optim, randn, setBackend, type Tensor } from "../src/index.js";
import { w6Training } from "./initial-models.js";

setBackend("wasm");
const which = process.argv[2] === "w6" ? "w6" : "lstm";
const calls = Number(process.argv[3] ?? 8);

/** The step as a function of its inputs, and the inputs of each call. */
function workload(): { step: (x: Tensor, y: Tensor) => Tensor; inputs: (call: number) => [Tensor, Tensor] } {
  if (which === "w6") {
    const { model, optimizer, batch, loss } = w6Training();
    return {
      step: (x, y) => {
        optimizer.zeroGrad();
        const value = loss(model.call(x), y);
        value.backward();
        optimizer.step();
        return value;
      },
      inputs: (call) => batch(call % 40),
    };
  }
  const lstm = new nn.LSTM(64, 256, { batchFirst: true });
  const optimizer = new optim.SGD(lstm.parameters(), { lr: 0.01 });
  const x = randn([64, 32, 64]);
  return {
    step: (input) => {
      optimizer.zeroGrad();
      const [output] = lstm.call(input);
      const value = output.square().mean();
      value.backward();
      optimizer.step();
      return value;
    },
    inputs: () => [x, x],
  };
}

const { step, inputs } = workload();
const timed = (run: (x: Tensor, y: Tensor) => Tensor): string[] =>
  Array.from({ length: calls }, (_, call) => {
    const [x, y] = inputs(call);
    const start = performance.now();
    run(x, y);
    return (performance.now() - start).toFixed(0);
  });
console.log(`${which}, ms per call: eager ${timed(step).join(" ")}`);
const compiled = compile(step);
console.log(`${which}, ms per call: compiled ${timed(compiled).join(" ")} (${JSON.stringify(compiled.stats)})`);
