// The lecture's one-hidden-layer MLP: z = Wx + b1, h = ReLU(z), θ = Uh + b2, ŷ = softmax(θ),
// J = CE(y, ŷ). Its gradients derived by hand must equal autograd's.
import "../helpers.js";
import { test } from "node:test";
import { nn, tensor } from "../../src/index.js";
import { assertClose } from "../helpers.js";

test("dJ/dθ = ŷ − y, dJ/dU = (ŷ − y)hᵀ, dJ/db2 = ŷ − y, dJ/dh = Uᵀ(ŷ − y), dJ/dz = dJ/dh ⊙ 1[z > 0], dJ/dW = (dJ/dz)xᵀ", () => {
  const options = { dtype: "float64" as const, requiresGrad: true };
  const W = tensor([[0.5, -0.3], [0.8, 0.2], [-0.4, 0.9], [0.1, -0.7]], options);
  const b1 = tensor([0.1, -0.2, 0.05, 0.3], options);
  const U = tensor([[0.3, -0.6, 0.2, 0.5], [-0.1, 0.4, 0.7, -0.3], [0.6, 0.1, -0.5, 0.2]], options);
  const b2 = tensor([0.05, -0.1, 0.2], options);
  const x = tensor([1.5, -0.8], { dtype: "float64" });
  const label = 2;
  const y = tensor([0, 0, 1], { dtype: "float64" }); // one-hot of the label

  const z = W.matmul(x).add(b1);
  const h = z.relu();
  const theta = U.matmul(h).add(b2);
  const J = nn.functional.crossEntropy(theta, label);
  for (const t of [z, h, theta]) t.retainGrad();
  J.backward();

  // closed forms, column vectors as [n, 1]
  const yHat = theta.detach().softmax(0);
  const dTheta = yHat.sub(y).unsqueeze(1);
  const dh = U.detach().t().matmul(dTheta);
  const dz = dh.mul(z.detach().gt(0).unsqueeze(1));
  const expected = {
    theta: dTheta.squeeze(1),
    U: dTheta.matmul(h.detach().unsqueeze(0)),
    b2: dTheta.squeeze(1),
    h: dh.squeeze(1),
    z: dz.squeeze(1),
    W: dz.matmul(x.unsqueeze(0)),
    b1: dz.squeeze(1),
  };
  // the hidden unit with z < 0 must be switched off, so the ReLU mask is exercised
  assertClose(z.detach().gt(0), [1, 1, 0, 1], 0, 0);
  const pairs: [string, typeof W, typeof W][] = [
    ["dJ/dθ", theta.grad!, expected.theta],
    ["dJ/dU", U.grad!, expected.U],
    ["dJ/db2", b2.grad!, expected.b2],
    ["dJ/dh", h.grad!, expected.h],
    ["dJ/dz", z.grad!, expected.z],
    ["dJ/dW", W.grad!, expected.W],
    ["dJ/db1", b1.grad!, expected.b1],
  ];
  for (const [name, autograd, closedForm] of pairs) assertClose(autograd, closedForm.toArray(), 1e-12, 1e-12, name);
});
