"""Layer-level times behind the training steps, ember vs torch 1.13 in one
process (1 thread; median of blocks that alternate between the two):

    /usr/bin/python3 benchmarks/python/bench_layers.py

relu backward (where on a bool mask), max_pool2d, layer_norm forward +
backward, conv2d forward + backward at LeNet's sizes, an LSTM step loop,
the float GEMM (mm, and linear forward + backward at the big MLP's first
layer) and cross_entropy forward + backward at the small MLP's [64, 10].
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"


def cases(lib):
    F = lib.nn.functional
    g = lib.randn(64, 128)
    mask = lib.randn(64, 128) > 0
    h1 = lib.randn(64, 6, 24, 24, requires_grad=True)
    x = lib.randn(64, 1, 28, 28)
    w1, b1 = lib.randn(6, 1, 5, 5, requires_grad=True), lib.randn(6, requires_grad=True)
    p1 = lib.randn(64, 6, 12, 12, requires_grad=True)
    w2, b2 = lib.randn(16, 6, 5, 5, requires_grad=True), lib.randn(16, requires_grad=True)
    t = lib.randn(16, 64, 128, requires_grad=True)
    ln = lib.nn.LayerNorm(128)
    lstm = lib.nn.LSTM(32, 64, batch_first=True)
    seq = lib.randn(8, 20, 32)
    a512, b512 = lib.randn(512, 512), lib.randn(512, 512)
    xin, wl, bl = lib.randn(128, 784), lib.randn(512, 784, requires_grad=True), lib.randn(512, requires_grad=True)
    logits, target = lib.randn(64, 10, requires_grad=True), lib.randint(0, 10, (64,))
    with lib.no_grad():
        yield "where(mask, g, 0) [64, 128]", lambda: lib.where(mask, g, 0.0)
    yield "max_pool2d(2) f+b [64, 6, 24, 24]", lambda: F.max_pool2d(h1, 2).sum().backward()
    yield "layer_norm f+b [16, 64, 128]", lambda: ln(t).sum().backward()
    yield "conv2d 1->6 5x5 f+b, batch 64", lambda: F.conv2d(x, w1, b1).sum().backward()
    yield "conv2d 6->16 5x5 f+b, batch 64", lambda: F.conv2d(p1, w2, b2).sum().backward()
    yield "LSTM(32, 64) f+b, 20 steps, batch 8", lambda: lstm(seq)[0].sum().backward()
    with lib.no_grad():
        yield "mm [512, 512] @ [512, 512]", lambda: lib.mm(a512, b512)
    yield "linear 784->512 f+b, batch 128", lambda: F.linear(xin, wl, bl).sum().backward()
    yield "cross_entropy f+b [64, 10]", lambda: F.cross_entropy(logits, target).backward()


def main():
    import ember
    import torch

    torch.set_num_threads(1)
    ember.set_num_threads(1)
    print("| case | ember (ms) | torch (ms) | ember/torch |\n|---|---:|---:|---:|")
    for (name, fe), (_, ft) in zip(cases(ember), cases(torch)):
        te, tt = [], []
        for _ in range(8):
            for f, ts in ((fe, te), (ft, tt)):
                f()
                for _ in range(10):
                    t0 = time.perf_counter()
                    f()
                    ts.append(time.perf_counter() - t0)
        e, t = statistics.median(te) * 1e3, statistics.median(tt) * 1e3
        print("| %s | %.3f | %.3f | %.2fx |" % (name, e, t, e / t))


if __name__ == "__main__":
    main()
