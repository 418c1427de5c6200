"""PyTorch side of nabla's interop test (test/io/pytorch-interop.test.ts runs it with /usr/bin/python3).

Subcommands, each printing one JSON object on stdout:

  run-model-dir DIR INPUTS.json
      Builds the torch.nn.Sequential that DIR/config.json describes (MLP, convolution, pooling,
      normalization, activation and Upsample layers), loads DIR/model.safetensors
      into it (strict: every key must match) and prints {"outputs": model(inputs)}.
  write-model-dir DIR INPUTS.json
      Makes a seeded torch MLP (2-5-3, tanh), writes it as a nabla model directory (config.json +
      model.safetensors written here with struct, byte for byte the safetensors layout) and prints
      its outputs on the inputs.
  check-onnx FILE
      onnx.checker.check_model(full_check=True) (which also runs ONNX's shape inference) and
      prints {"ok": true, "opset": ..., "ir_version": ...}; a failing check exits non-zero.
  export-onnx KIND FILE INPUTS.json
      torch.onnx.export of a seeded Sequential (KIND: "mlp" 2-D input, Gemm; "mlp3d", a 3-D
      input, which PyTorch writes as MatMul + Add; "flatten", Flatten then Linear on [1, 4, 3]
      samples; "logsoftmax") with a dynamic batch dim, opset 17, and prints {"outputs": ...}.
  batch JOBS.json
      Runs a list of the commands above ([["check-onnx", "a.onnx"], ...]) in this one process
      (importing torch takes seconds) and prints the list of their results; a failing job gives
      {"error": "..."} in its place.

The safetensors files are read and written by hand because this Python has no safetensors
package; the layout is the one in src/io/safetensors.ts (8-byte header length, JSON, data).
"""
import json
import struct
import sys
from pathlib import Path

import torch

SIMPLE = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "identity": torch.nn.Identity}


def read_safetensors(path):
    data = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    header.pop("__metadata__", None)
    tensors = {}
    for name, info in header.items():
        fmt, dtype = {"F32": ("<f", torch.float32), "F64": ("<d", torch.float64), "I32": ("<i", torch.int32), "I64": ("<q", torch.int64)}[info["dtype"]]
        begin, end = info["data_offsets"]
        values = [v for (v,) in struct.iter_unpack(fmt, data[8 + n + begin : 8 + n + end])]
        tensors[name] = torch.tensor(values, dtype=dtype).reshape(info["shape"])
    return tensors


def write_safetensors(path, tensors):
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().to(torch.float32)
        raw = struct.pack(f"<{t.numel()}f", *t.flatten().tolist())
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def layer(spec):
    """The torch module of a config.json layer other than the MLP ones (camelCase fields → PyTorch's)."""
    nn, kind = torch.nn, spec["type"]
    sizes = lambda name: tuple(spec[name])
    if kind in ("conv1d", "conv2d"):
        padding = spec["padding"] if isinstance(spec["padding"], str) else sizes("padding")
        cls = nn.Conv1d if kind == "conv1d" else nn.Conv2d
        return cls(spec["inChannels"], spec["outChannels"], sizes("kernelSize"), stride=sizes("stride"), padding=padding, dilation=sizes("dilation"),
                   groups=spec["groups"], bias=spec["bias"], padding_mode=spec["paddingMode"])
    if kind == "convTranspose2d":
        return nn.ConvTranspose2d(spec["inChannels"], spec["outChannels"], sizes("kernelSize"), stride=sizes("stride"), padding=sizes("padding"),
                                  output_padding=sizes("outputPadding"), groups=spec["groups"], bias=spec["bias"], dilation=sizes("dilation"))
    if kind in ("maxPool1d", "maxPool2d"):
        cls = nn.MaxPool1d if kind == "maxPool1d" else nn.MaxPool2d
        return cls(sizes("kernelSize"), stride=sizes("stride"), padding=sizes("padding"), dilation=sizes("dilation"), ceil_mode=spec["ceilMode"])
    if kind == "avgPool1d":
        return nn.AvgPool1d(sizes("kernelSize"), stride=sizes("stride"), padding=sizes("padding"), ceil_mode=spec["ceilMode"], count_include_pad=spec["countIncludePad"])
    if kind == "avgPool2d":
        return nn.AvgPool2d(sizes("kernelSize"), stride=sizes("stride"), padding=sizes("padding"), ceil_mode=spec["ceilMode"],
                            count_include_pad=spec["countIncludePad"], divisor_override=spec["divisorOverride"])
    if kind == "adaptiveAvgPool2d":
        return nn.AdaptiveAvgPool2d(sizes("outputSize"))
    if kind in ("batchNorm1d", "batchNorm2d"):
        cls = nn.BatchNorm1d if kind == "batchNorm1d" else nn.BatchNorm2d
        return cls(spec["numFeatures"], eps=spec["eps"], momentum=spec["momentum"], affine=spec["affine"], track_running_stats=spec["trackRunningStats"])
    if kind == "layerNorm":
        if spec["elementwiseAffine"] and not spec["bias"]:
            raise SystemExit("layerNorm without bias needs PyTorch ≥ 2.1")
        return nn.LayerNorm(spec["normalizedShape"], eps=spec["eps"], elementwise_affine=spec["elementwiseAffine"])
    if kind == "groupNorm":
        return nn.GroupNorm(spec["numGroups"], spec["numChannels"], eps=spec["eps"], affine=spec["affine"])
    if kind == "gelu":
        return nn.GELU(approximate=spec["approximate"])
    if kind == "silu":
        return nn.SiLU()
    if kind == "logSigmoid":
        return nn.LogSigmoid()
    if kind == "leakyReLU":
        return nn.LeakyReLU(spec["negativeSlope"])
    if kind == "elu":
        return nn.ELU(spec["alpha"])
    if kind == "softplus":
        return nn.Softplus(beta=spec["beta"], threshold=spec["threshold"])
    if kind == "hardtanh":
        return nn.Hardtanh(spec["minVal"], spec["maxVal"])
    if kind == "unflatten":
        return nn.Unflatten(spec["dim"], tuple(spec["sizes"]))
    if kind == "embedding":
        return nn.Embedding(spec["numEmbeddings"], spec["embeddingDim"], padding_idx=spec["paddingIdx"])
    if kind == "upsample":
        listed = lambda v: tuple(v) if isinstance(v, list) else v
        return nn.Upsample(size=listed(spec["size"]), scale_factor=listed(spec["scaleFactor"]), mode=spec["mode"], align_corners=spec["alignCorners"])
    return SIMPLE[kind]()


def build(architecture):
    layers = []
    for spec in architecture:
        kind = spec["type"]
        if kind == "linear":
            layers.append(torch.nn.Linear(spec["inFeatures"], spec["outFeatures"], bias=spec["bias"]))
        elif kind == "dropout":
            layers.append(torch.nn.Dropout(spec["p"]))
        elif kind == "flatten":
            layers.append(torch.nn.Flatten(spec["startDim"], spec["endDim"]))
        elif kind == "softmax":
            layers.append(torch.nn.Softmax(spec["dim"]))
        elif kind == "logSoftmax":
            layers.append(torch.nn.LogSoftmax(spec["dim"]))
        else:
            layers.append(layer(spec))
    return torch.nn.Sequential(*layers)


def inputs(path, dtype=torch.float32):
    return torch.tensor(json.loads(Path(path).read_text()), dtype=dtype)


def run_model_dir(directory, inputs_path):
    directory = Path(directory)
    config = json.loads((directory / "config.json").read_text())
    weights = read_safetensors(directory / "model.safetensors")
    dtype = next(t.dtype for t in weights.values() if t.is_floating_point())
    model = build(config["architecture"]).to(dtype)
    model.load_state_dict(weights)  # strict: every key and shape must match
    model.eval()
    with torch.no_grad():
        return {"outputs": model(inputs(inputs_path, dtype)).tolist()}


def write_model_dir(directory, inputs_path):
    torch.manual_seed(7)
    model = torch.nn.Sequential(torch.nn.Linear(2, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)).eval()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    write_safetensors(directory / "model.safetensors", model.state_dict())
    architecture = [
        {"type": "linear", "inFeatures": 2, "outFeatures": 5, "bias": True},
        {"type": "tanh"},
        {"type": "linear", "inFeatures": 5, "outFeatures": 3, "bias": True},
    ]
    config = {"format": "nabla-model", "version": 1, "architecture": architecture, "inputShape": [2]}
    (directory / "config.json").write_text(json.dumps(config))
    with torch.no_grad():
        return {"outputs": model(inputs(inputs_path)).tolist()}


def check_onnx(path):
    import onnx

    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    return {"ok": True, "opset": model.opset_import[0].version, "ir_version": model.ir_version}


def export_onnx(kind, path, inputs_path):
    torch.manual_seed(11)
    if kind == "mlp":
        model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Dropout(0.3), torch.nn.Linear(16, 8), torch.nn.Sigmoid(), torch.nn.Linear(8, 3), torch.nn.Softmax(dim=1))
    elif kind == "mlp3d":
        model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 2))
    elif kind == "flatten":
        model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
    elif kind == "logsoftmax":
        model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.LogSoftmax(dim=-1))
    else:
        raise SystemExit(f"unknown model kind {kind}")
    model.eval()
    x = inputs(inputs_path)
    torch.onnx.export(model, (x,), path, input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=17)
    with torch.no_grad():
        return {"outputs": model(x).tolist()}


HANDLERS = {"run-model-dir": run_model_dir, "write-model-dir": write_model_dir, "check-onnx": check_onnx, "export-onnx": export_onnx}


def batch(jobs_path):
    results = []
    for command, *args in json.loads(Path(jobs_path).read_text()):
        try:
            results.append(HANDLERS[command](*args))
        except Exception as error:  # reported per job, so the test names the one that failed
            results.append({"error": f"{type(error).__name__}: {error}"})
    return results


def main():
    command, *args = sys.argv[1:]
    print(json.dumps({**HANDLERS, "batch": batch}[command](*args)))


if __name__ == "__main__":
    main()
