#!/usr/bin/env python3
"""PyTorch's side of `pnpm bench sequence`: the same Transformer block and LSTM, forward and
backward, timed at 1 thread and at 2 (the machines we measure on have 2 cores). Prints one JSON object of median
milliseconds. Run by bench/src/suites/sequence.ts with Debian's /usr/bin/python3 when it can import
torch; shapes are passed on the command line so both sides time the same work.
"""
import json
import sys
import time

import torch
import torch.nn as nn

B, T, D, HEADS, FF, HIDDEN = (int(a) for a in sys.argv[1:7])


def median_ms(fn, repeat=15, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]


def cases():
    torch.manual_seed(0)
    block = nn.TransformerEncoderLayer(D, HEADS, dim_feedforward=FF, dropout=0.0, batch_first=True)
    x = torch.randn(B, T, D, requires_grad=True)
    causal = ~torch.ones(T, T, dtype=torch.bool).tril(0)
    lstm = nn.LSTM(D, HIDDEN)
    s = torch.randn(T, B, D, requires_grad=True)

    def block_step():
        block.zero_grad()
        block(x, src_mask=causal).sum().backward()

    def lstm_step():
        lstm.zero_grad()
        lstm(s)[0].sum().backward()

    return {"transformer": block_step, "lstm": lstm_step}


out = {"torch": torch.__version__, "threads": 2}
for threads in (1, 2):
    torch.set_num_threads(threads)
    for name, fn in cases().items():
        out[f"{name}_{threads}t"] = median_ms(fn)
print(json.dumps(out))
