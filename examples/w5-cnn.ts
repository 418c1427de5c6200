// The W5 benchmark network (../shared/bench/WORKLOADS.md; ../shared/bench/make_w5_w6.py holds
// its PyTorch definition): two 5×5 convolutions with ReLU and 2×2 max pooling, then two linear
// layers, on 1×28×28 images (Fashion-MNIST) into 10 classes. The layers sit where PyTorch's
// nn.Sequential puts them, so its state dict (init_w5.safetensors) loads with
// `model.loadStateDict` unchanged. Used by examples/cnn-fashion-mnist.ts, the W5 tests and the
// benchmark.
import { nn } from "../src/index.js";

/** A fresh W5 network, its parameters at nn's default initialisation. */
export function w5Cnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2), // → 16×14×14
    new nn.Conv2d(16, 32, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2), // → 32×7×7
    new nn.Flatten(), new nn.Linear(32 * 7 * 7, 128), new nn.ReLU(), new nn.Linear(128, 10),
  );
}
