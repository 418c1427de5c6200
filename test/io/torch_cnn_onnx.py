"""PyTorch's side of test/io/pytorch-cnn-onnx.test.ts: torch.onnx.export (opset 17, eval mode) of
seeded CNNs and a normalization model, with PyTorch's outputs on fixed inputs.

Usage: torch_cnn_onnx.py DIR [FILE.onnx ...]
  writes DIR/<name>.onnx, runs onnx.checker (full check, with shape inference) on each FILE, and
  prints {"torch": {name: {"input": ..., "output": ...}}, "checked": [FILE, ...]} as JSON.
"""
import json
import sys

import torch
from torch import nn


def randomize_norms(model):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.3)
                m.running_mean.normal_(0, 0.5)
                m.running_var.uniform_(0.5, 2.0)


def models():
    torch.manual_seed(0)
    cnn = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(4), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2), nn.ReLU(), nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False),
        nn.Flatten(), nn.Linear(6 * 1 * 1, 3),
    )
    gap = nn.Sequential(nn.Conv2d(3, 5, 3, dilation=2), nn.Tanh(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(5, 2))
    norm = nn.Sequential(nn.Linear(6, 8), nn.LayerNorm(8), nn.ReLU(), nn.Linear(8, 4), nn.BatchNorm1d(4), nn.Sigmoid())
    conv1d = nn.Sequential(nn.Conv1d(2, 4, 3, padding=1), nn.ReLU(), nn.Conv1d(4, 2, 2, stride=2), nn.Flatten(), nn.Linear(2 * 4, 2))
    # GroupNorm (PyTorch writes Reshape, InstanceNormalization, Reshape, Mul, Add), the 1-D pools, ConvTranspose2d
    groupnorm = nn.Sequential(nn.Conv2d(2, 6, 3, padding=1), nn.GroupNorm(3, 6), nn.ReLU(), nn.GroupNorm(2, 6, affine=False), nn.Flatten(), nn.Linear(6 * 4 * 4, 2))
    pool1d = nn.Sequential(nn.Conv1d(2, 4, 3), nn.ReLU(), nn.MaxPool1d(3, stride=2, padding=1, ceil_mode=True), nn.AvgPool1d(2, count_include_pad=False, padding=1), nn.Flatten(), nn.Linear(4 * 4, 2))
    upconv = nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(), nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1, groups=2), nn.Tanh())
    with torch.no_grad():
        for m in groupnorm.modules():
            if isinstance(m, nn.GroupNorm) and m.affine:
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.3)
    # the activations ONNX has no op for (GELU, SiLU, Softplus with beta) as PyTorch decomposes them
    acts = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.GELU(), nn.MaxPool2d(2), nn.Conv2d(4, 4, 3, padding=1), nn.SiLU(), nn.Flatten(),
        nn.Linear(4 * 4 * 4, 8), nn.GELU(approximate="tanh"), nn.LeakyReLU(0.2), nn.ELU(0.5), nn.Softplus(beta=2), nn.Hardtanh(-1.0, 2.0), nn.Linear(8, 3),
    )
    # AvgPool with count_include_pad=True (the default) is a Pad and an AveragePool; Flatten(2) a Reshape of Shape arithmetic
    avgpad = nn.Sequential(nn.Conv2d(1, 2, 3), nn.AvgPool2d(3, stride=2, padding=1), nn.Flatten(2), nn.AvgPool1d(2, padding=1), nn.Flatten(), nn.Linear(18, 2))
    embedding = nn.Sequential(nn.Embedding(10, 4), nn.Flatten(), nn.Linear(12, 2), nn.Softplus())
    # Resize by scales, and by sizes as Concat(Slice(Shape(x)), sizes)
    upsample = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.Upsample(scale_factor=2), nn.ReLU(), nn.Upsample(scale_factor=1.5, mode="bilinear"),
                             nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True), nn.Upsample(size=(5, 7)), nn.Upsample(size=(6, 4), mode="bilinear"))
    return {
        "upsample": (upsample, torch.randn(2, 1, 4, 4)),
        "avgpad": (avgpad, torch.randn(2, 1, 9, 9)),
        "acts": (acts, torch.randn(2, 1, 8, 8)),
        "embedding": (embedding, torch.randint(0, 10, (3, 3))),
        "groupnorm": (groupnorm, torch.randn(3, 2, 4, 4)),
        "pool1d": (pool1d, torch.randn(2, 2, 14)),
        "upconv": (upconv, torch.randn(2, 1, 6, 6)),
        "cnn": (cnn, torch.randn(3, 1, 8, 8)),
        "gap": (gap, torch.randn(2, 3, 9, 9)),
        "norm": (norm, torch.randn(5, 6)),
        "conv1d": (conv1d, torch.randn(2, 2, 8)),
    }


def main():
    out_dir = sys.argv[1]
    results = {}
    for name, (model, x) in models().items():
        randomize_norms(model)
        model.eval()
        torch.onnx.export(model, (x,), f"{out_dir}/{name}.onnx", input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=17)
        with torch.no_grad():
            results[name] = {"input": x.tolist(), "output": model(x).tolist()}
    import onnx

    checked = []
    for path in sys.argv[2:]:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        checked.append(path)
    print(json.dumps({"torch": results, "checked": checked}))


if __name__ == "__main__":
    main()
