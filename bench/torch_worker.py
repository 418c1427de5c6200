"""Runs one workload through PyTorch and prints its results as JSON lines.

Usage: python3 bench/torch_worker.py <W1|W2|W3|W4|W5|W6> <threads> <data dir>
The runner unsets OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE and sets OPENBLAS_NUM_THREADS for
this process only (see WORKLOADS.md).
"""
import gzip, json, os, resource, sys, time
import numpy as np
import torch

workload, threads, data_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
torch.set_num_threads(threads)
framework = "pytorch" if threads == 1 else f"pytorch-{threads}t"
MNIST = "/usr/share/datasets/fashion-mnist"


def emit(**result):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"framework": framework, "peakRssMB": peak, **result}), flush=True)


def points(name):
    raw = json.load(open(os.path.join(data_dir, name)))
    return torch.tensor(raw["X"], dtype=torch.float32), torch.tensor(raw["y"], dtype=torch.float32)


def linear(w_in_out, b):
    layer = torch.nn.Linear(w_in_out.shape[0], w_in_out.shape[1])
    with torch.no_grad():
        layer.weight.copy_(torch.as_tensor(w_in_out).t())
        layer.bias.copy_(torch.as_tensor(b))
    return layer


def mlp(layers):
    mods = []
    for i, (w, b) in enumerate(layers):
        mods.append(linear(w, b))
        if i < len(layers) - 1:
            mods.append(torch.nn.ReLU())
    return torch.nn.Sequential(*mods)


def w1():
    x, y = points("moons200.json")
    y = y.long()
    init = json.load(open(os.path.join(data_dir, "init_w1.json")))
    model = mlp([(np.array(l["W"], dtype=np.float32), np.array(l["b"], dtype=np.float32)) for l in init["layers"]])
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    for _ in range(200):
        step()
    start = time.perf_counter()
    for _ in range(1800):
        step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        logits = model(x)
        emit(workload="W1", value=1800 / seconds, unit="steps/s", finalLoss=loss_fn(logits, y).item(),
             accuracy=(logits.argmax(1) == y).float().mean().item())
    emit_steady("W1", step, 2000)


def emit_steady(workload, step, done):
    """Informational: steps/s over steps 5,001-10,000 of the same run (as for the JIT-compiled peers)."""
    for _ in range(done, 5000):
        step()
    start = time.perf_counter()
    for _ in range(5000, 10000):
        step()
    emit(workload=f"{workload}-steady", value=5000 / (time.perf_counter() - start), unit="steps/s")


def w2():
    x, y = points("blobs1000.json")
    y = y.reshape(-1, 1)
    model = torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    loss_fn = torch.nn.BCELoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def step():
        opt.zero_grad()
        loss_fn(torch.sigmoid(model(x)), y).backward()
        opt.step()

    for _ in range(100):
        step()
    start = time.perf_counter()
    for _ in range(900):
        step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        p = torch.sigmoid(model(x))
        emit(workload="W2", value=900 / seconds, unit="steps/s", finalLoss=loss_fn(p, y).item(),
             accuracy=((p > 0.5).float() == y).float().mean().item())
    emit_steady("W2", step, 1000)


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    ndim = data[3]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)


def w3():
    train_x = torch.from_numpy(idx(f"{MNIST}/train-images-idx3-ubyte.gz").astype(np.float32).reshape(-1, 784) / 255)
    train_y = torch.from_numpy(idx(f"{MNIST}/train-labels-idx1-ubyte.gz").astype(np.int64))
    test_x = torch.from_numpy(idx(f"{MNIST}/t10k-images-idx3-ubyte.gz").astype(np.float32).reshape(-1, 784) / 255)
    test_y = torch.from_numpy(idx(f"{MNIST}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    order = torch.from_numpy(np.fromfile(os.path.join(data_dir, "perm_w3.bin"), dtype="<i4").astype(np.int64))
    flat = np.fromfile(os.path.join(data_dir, "init_w3.bin"), dtype="<f4")
    sizes, layers, at = [784, 256, 128, 10], [], 0
    for i in range(3):
        w = flat[at:at + sizes[i] * sizes[i + 1]].reshape(sizes[i], sizes[i + 1]); at += w.size
        b = flat[at:at + sizes[i + 1]]; at += b.size
        layers.append((w.copy(), b.copy()))
    model = mlp(layers)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss20 = float("nan")
    start = time.perf_counter()
    for batch, at in enumerate(range(0, 60000, 128)):
        rows = order[at:at + 128]
        x, y = train_x[rows], train_y[rows]
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if batch == 19:
            loss20 = loss.item()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        acc = (model(test_x).argmax(1) == test_y).float().mean().item()
    emit(workload="W3", value=seconds, unit="s/epoch", accuracy=acc, checks={"loss20": loss20})


def w6():
    """TinyGPT of make_w5_w6.py (its definition, loaded from the data dir): AdamW, 40 steps; steps/s over steps 6-40."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_w5_w6", os.path.join(data_dir, "make_w5_w6.py"))
    defs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(defs)
    model = defs.TinyGPT()
    model.load_state_dict(read_safetensors(os.path.join(data_dir, "init_w6.safetensors")))
    tokens = torch.from_numpy(np.fromfile(os.path.join(data_dir, "tokens_w6.bin"), dtype=np.uint8).astype(np.int64))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    checks = {}
    for s in range(40):
        if s == 5:
            start = time.perf_counter()
        starts = [((16 * s + j) * 997) % (200000 - 65) for j in range(16)]
        x = torch.stack([tokens[a:a + 64] for a in starts])
        y = torch.stack([tokens[a + 1:a + 65] for a in starts])
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x).reshape(-1, 65), y.reshape(-1))
        loss.backward()
        opt.step()
        if s == 0:
            checks["loss1"] = loss.item()
        if s == 39:
            checks["loss40"] = loss.item()
    seconds = time.perf_counter() - start
    emit(workload="W6", value=35 / seconds, unit="steps/s", finalLoss=checks["loss40"], checks=checks)


def lcg(size, seed):
    out = np.empty(size, dtype=np.float32)
    state = seed & 0xFFFFFFFF
    # same generator as bench/sgemm.ts, vectorised poorly but only run once per size
    for i in range(size):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = state / 2 ** 32 - 0.5
    return out


def w4():
    sizes = [int(s) for s in os.environ.get("NABLA_BENCH_SIZES", "128,256,512,1024").split(",")]
    for n in sizes:
        rng = np.random.default_rng(n)
        a = torch.from_numpy(rng.random((n, n), dtype=np.float32) - 0.5)
        b = torch.from_numpy(rng.random((n, n), dtype=np.float32) - 0.5)
        torch.mm(a, b)
        calls = 1
        while True:
            t = time.perf_counter()
            for _ in range(calls):
                torch.mm(a, b)
            if time.perf_counter() - t >= 0.05:
                break
            calls *= 2
        per_call = []
        for _ in range(7):
            t = time.perf_counter()
            for _ in range(calls):
                torch.mm(a, b)
            per_call.append((time.perf_counter() - t) / calls)
        seconds = sorted(per_call)[3]
        c = torch.mm(a, b).double()
        ref = torch.mm(a.double(), b.double())
        err = ((c - ref).abs().max() / ref.abs().max()).item()
        emit(workload=f"W4-{n}", value=2 * n ** 3 / seconds / 1e9, unit="GFLOP/s", checks={"maxRelError": err})


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + n])
    return {name: torch.from_numpy(np.frombuffer(data, dtype="<f4", count=(e["data_offsets"][1] - e["data_offsets"][0]) // 4,
                                                 offset=8 + n + e["data_offsets"][0]).reshape(e["shape"]).copy())
            for name, e in header.items() if name != "__metadata__"}


def w5():
    """The CNN of make_w5_w6.py: 100 steps of batch 64 in perm_w3 order; images/s over steps 11-100."""
    train_x = torch.from_numpy(idx(f"{MNIST}/train-images-idx3-ubyte.gz").astype(np.float32).reshape(-1, 1, 28, 28) / 255)
    train_y = torch.from_numpy(idx(f"{MNIST}/train-labels-idx1-ubyte.gz").astype(np.int64))
    order = torch.from_numpy(np.fromfile(os.path.join(data_dir, "perm_w3.bin"), dtype="<i4").astype(np.int64))
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    model.load_state_dict(read_safetensors(os.path.join(data_dir, "init_w5.safetensors")))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    checks = {}
    for s in range(100):
        if s == 10:
            start = time.perf_counter()
        rows = order[64 * s:64 * s + 64]
        x, y = train_x[rows], train_y[rows]
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if s == 19:
            checks["loss20"] = loss.item()
        if s == 99:
            checks["loss100"] = loss.item()
    seconds = time.perf_counter() - start
    emit(workload="W5", value=90 * 64 / seconds, unit="images/s", checks=checks)


{"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6}[workload]()
