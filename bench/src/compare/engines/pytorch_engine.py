#!/usr/bin/env python3
"""PyTorch's side of `pnpm bench:compare` and of the scaling script (bench/src/compare/engines/pytorch.ts
starts it with Debian's /usr/bin/python3).

    pytorch_engine.py <threads>

Sets the thread count, prints one JSON line describing the setup, then answers jobs: one JSON object
per stdin line, one JSON object per stdout line, until stdin closes. A job names a workload and a
folder holding its inputs as raw little-endian arrays written by the TypeScript side from spec.ts's
seeded generator (float32 weights and data, int32 labels), so both sides start from the same numbers.
Timing mirrors timing.ts's timeCalls: warm up for warmupSec (at least one call), then time calls
until timedSec have passed (at least one call).

Models are written as a PyTorch user writes them: nn.Sequential, F.cross_entropy, optim.SGD, eager.
"""
import ctypes
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

THREADS = int(sys.argv[1])
torch.set_num_threads(THREADS)


def openblas():
    """OpenBLAS's core type and build line, read from the library torch loaded (None if not OpenBLAS)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "openblas" in line and ".so" in line}
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return {
                "core": lib.openblas_get_corename().decode(),
                "config": lib.openblas_get_config().decode(),
                "threads": lib.openblas_get_num_threads(),
            }
        except (OSError, AttributeError):
            continue
    return None


def config_summary():
    """The lines of torch.__config__.show() that decide CPU speed (SIMD level, BLAS, threading)."""
    show = torch.__config__.show()
    keep = []
    for line in show.splitlines():
        line = line.strip(" -").removeprefix("Build settings: ")
        if line.startswith("CPU capability usage"):
            keep.append(line)
        for item in line.split(", "):
            if item.startswith(("BLAS_INFO=", "USE_MKLDNN=", "USE_OPENMP=")):
                keep.append(item)
    return keep


def describe():
    return {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
        "openblas": openblas(),
        "config": config_summary(),
    }


def time_calls(fn, plan):
    """calls per second of fn after warm-up, as timing.ts's timeCalls."""
    warm = time.perf_counter()
    while True:
        fn()
        if time.perf_counter() - warm >= plan["warmupSec"]:
            break
    start = time.perf_counter()
    calls = 0
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= plan["timedSec"]:
            break
    return {"perSec": calls / elapsed, "calls": calls}


def load(folder, name, shape, dtype=torch.float32):
    with open(os.path.join(folder, name), "rb") as f:
        data = bytearray(f.read())
    return torch.frombuffer(data, dtype=dtype).reshape(shape).clone()


def set_params(layer, folder, prefix, weight_shape):
    with torch.no_grad():
        layer.weight.copy_(load(folder, f"{prefix}.w", weight_shape))
        layer.bias.copy_(load(folder, f"{prefix}.b", (weight_shape[0],)))
    return layer


def mlp_model(job):
    sizes = job["sizes"]
    layers = []
    for i in range(len(sizes) - 1):
        if i > 0:
            layers.append(nn.ReLU())
        linear = nn.Linear(sizes[i], sizes[i + 1])
        layers.append(set_params(linear, job["dir"], f"layer{i}", (sizes[i + 1], sizes[i])))
    model = nn.Sequential(*layers)
    x = load(job["dir"], "x", (job["batch"], sizes[0]))
    return model, x


def cnn_model(job):
    c1, c2, side, classes = job["c1"], job["c2"], job["side"], job["classes"]
    d = job["dir"]
    model = nn.Sequential(
        set_params(nn.Conv2d(1, c1, 3, padding=1), d, "conv1", (c1, 1, 3, 3)),
        nn.ReLU(),
        nn.MaxPool2d(2),
        set_params(nn.Conv2d(c1, c2, 3, padding=1), d, "conv2", (c2, c1, 3, 3)),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        set_params(nn.Linear(c2 * (side // 4) ** 2, classes), d, "fc", (classes, c2 * (side // 4) ** 2)),
    )
    x = load(d, "x", (job["batch"], 1, side, side))
    return model, x


def allocated_per_step(step, steps=5):
    """Bytes PyTorch's CPU allocator hands out per step, as torch.profiler(profile_memory=True) sees
    them: the positive self memory of every op summed (a lower bound: an op's temporaries freed
    inside it net out)."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        for _ in range(steps):
            step()
    return sum(max(0, e.self_cpu_memory_usage) for e in prof.events()) / steps


def train(job):
    model, x = mlp_model(job) if job["workload"] == "mlp" else cnn_model(job)
    y = load(job["dir"], "y", (job["batch"],), torch.int32).long()
    opt = torch.optim.SGD(model.parameters(), lr=job["lr"])

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    check = [step(), step()]
    out = {"check": check, "timings": {"step": time_calls(step, job["plan"])}}
    if job.get("alloc"):
        out["bytesPerStep"] = allocated_per_step(step)
    return out


def matmul(job):
    n = job["n"]
    a = load(job["dir"], "a", (n, n)).requires_grad_()
    b = load(job["dir"], "b", (n, n)).requires_grad_()
    g = load(job["dir"], "g", (n, n))
    ad, bd = a.detach(), b.detach()
    fwd = time_calls(lambda: torch.mm(ad, bd), job["plan"])
    checked = []

    def fb():
        a.grad = None
        b.grad = None
        y = torch.mm(a, b)
        y.backward(g)
        if not checked:
            checked.extend([y[0, 0].item(), a.grad[0, 0].item(), b.grad[0, 0].item()])

    timed = time_calls(fb, job["plan"])  # its first (warm-up) call records the check
    return {"check": checked, "timings": {"fwd": fwd, "fb": timed}}


def scalar(job):
    """The micrograd-style expression of bench/src/suites/scalar.ts, op for op, on 0-d float64 tensors."""
    leaves = job["leaves"]

    def t(v, grad):
        return torch.tensor(v, dtype=torch.float64, requires_grad=grad)

    def neuron(n):
        return {"w": [t(v, True) for v in n["w"]], "b": t(n["b"], True)}

    hidden = [neuron(n) for n in leaves["hidden"]]
    out = neuron(leaves["out"])
    xs = [[t(v, False) for v in row] for row in leaves["xs"]]
    ys = [t(v, False) for v in leaves["ys"]]
    m1 = t(-1.0, False)

    def act(n, inputs):
        a = n["b"]
        for w, x in zip(n["w"], inputs):
            a = a + w * x
        return a

    def expression():
        loss = None
        for x, y in zip(xs, ys):
            h = [act(n, x).tanh() for n in hidden]
            d = act(out, h) + y * m1
            sq = d * d
            loss = sq if loss is None else loss + sq
        return loss

    check = [expression().item()]
    fwd = time_calls(expression, job["plan"])
    fb = time_calls(lambda: expression().backward(), job["plan"])
    return {"check": check, "timings": {"fwd": fwd, "fb": fb}}


def answer(job):
    workload = job["workload"]
    if workload in ("mlp", "cnn"):
        return train(job)
    if workload == "matmul":
        return matmul(job)
    if workload == "scalar":
        return scalar(job)
    raise ValueError(f"pytorch_engine.py: unknown workload {workload!r}")


print(json.dumps(describe()), flush=True)
for line in sys.stdin:
    if not line.strip():
        continue
    try:
        reply = answer(json.loads(line))
    except Exception as e:  # reported to the TypeScript side as the workload's error
        reply = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(reply), flush=True)
