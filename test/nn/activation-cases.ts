// The activation modules of test/fixtures/nn-modules.json (scripts/fixtures/make_module_fixtures.py):
// shared by modules-vs-torch.test.ts and test/webgpu/webgpu-layers-vs-torch.test.ts.
import { nn } from "../../src/index.js";

export interface ActivationCase { name: string; module: string; settings: Record<string, number | string>; float64: { out: number[]; grad: number[] }; float32: { out: number[]; grad: number[] } }

export function activation(c: ActivationCase): nn.Module {
  const s = c.settings;
  switch (c.module) {
    case "GELU": return new nn.GELU(s.approximate === undefined ? {} : { approximate: s.approximate as "tanh" });
    case "SiLU": return new nn.SiLU();
    case "LeakyReLU": return s.negativeSlope === undefined ? new nn.LeakyReLU() : new nn.LeakyReLU(s.negativeSlope as number);
    case "ELU": return s.alpha === undefined ? new nn.ELU() : new nn.ELU(s.alpha as number);
    case "Softplus": return new nn.Softplus(s as { beta?: number; threshold?: number });
    case "Hardtanh": return s.minVal === undefined ? new nn.Hardtanh() : new nn.Hardtanh(s.minVal as number, s.maxVal as number);
    case "LogSigmoid": return new nn.LogSigmoid();
    default: throw new Error(`unknown module ${c.module}`);
  }
}

