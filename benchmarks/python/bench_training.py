"""Training-step time, ember vs torch 1.13, side by side in one process.

    /usr/bin/python3 benchmarks/python/bench_training.py [--threads N] [--steps N]

Cases (issue 4): MLP 64-128-10 at batch 64 (SGD), MLP 784-512-512-10 at batch
128 (SGD), LeNet-5 on 1x28x28 at batch 64 (SGD), a TransformerEncoderLayer
(d_model 128, 4 heads, ff 512, seq 64, batch 16, Adam). One step = forward,
loss, backward, optimizer step. ember and torch alternate in blocks of steps
and the medians are reported, so drifts in the machine's speed hit both alike.
Peak RSS of 200 big-MLP steps is measured in fresh subprocesses (--rss).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))


def build(lib, case):
    nn = lib.nn
    if case == "mlp_small":
        model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
        x, y = lib.randn(64, 64), lib.randint(0, 10, (64,))
        opt = lib.optim.SGD(model.parameters(), lr=0.01)
        loss_fn = nn.CrossEntropyLoss()
    elif case == "mlp_big":
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        x, y = lib.randn(128, 784), lib.randint(0, 10, (128,))
        opt = lib.optim.SGD(model.parameters(), lr=0.01)
        loss_fn = nn.CrossEntropyLoss()
    elif case == "lenet":
        model = nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(16 * 4 * 4, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
        x, y = lib.randn(64, 1, 28, 28), lib.randint(0, 10, (64,))
        opt = lib.optim.SGD(model.parameters(), lr=0.01)
        loss_fn = nn.CrossEntropyLoss()
    elif case == "transformer":
        model = nn.TransformerEncoderLayer(128, 4, 512, dropout=0.0, batch_first=True)
        x = lib.randn(16, 64, 128)
        y = lib.randn(16, 64, 128)
        opt = lib.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.MSELoss()
    else:
        raise ValueError(case)
    return model, x, y, opt, loss_fn


def make_step(lib, case):
    model, x, y, opt, loss_fn = build(lib, case)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    return step


def time_pair(ember, torch, case, steps, block=10):
    """Median step times (ms) of ember and torch. Blocks of `block` steps
    alternate (each block warm in cache after its first step, which is not
    timed), so drifts in this VM's speed, tens of percent over a minute,
    hit both alike."""
    fe, ft = make_step(ember, case), make_step(torch, case)
    for _ in range(5):
        fe()
        ft()
    te, tt = [], []
    for _ in range(max(1, steps // block)):
        for f, ts in ((fe, te), (ft, tt)):
            f()
            for _ in range(block):
                t0 = time.perf_counter()
                f()
                ts.append(time.perf_counter() - t0)
    return statistics.median(te) * 1e3, statistics.median(tt) * 1e3


def peak_rss_mib():
    # VmHWM belongs to this process's own address space; ru_maxrss would
    # inherit the parent's high-water mark across fork+exec
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def rss_child(lib_name):
    lib = __import__(lib_name)
    lib.manual_seed(0)
    model, x, y, opt, loss_fn = build(lib, "mlp_big")
    for _ in range(200):
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()
    print(peak_rss_mib())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--rss", action="store_true", help="also measure peak RSS (fresh processes)")
    ap.add_argument("--rss-child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rss_child:
        rss_child(args.rss_child)
        return
    # Debian's OpenBLAS has its own thread pool that torch.set_num_threads
    # does not size: pin it before torch loads (shared/PERF-ANCHORS.md)
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    if args.threads > 1:
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    import ember
    import torch

    torch.set_num_threads(args.threads)
    ember.set_num_threads(args.threads)
    torch.manual_seed(0)
    ember.manual_seed(0)
    targets = {"mlp_small": 0.4, "mlp_big": 0.9, "lenet": 0.9, "transformer": 0.9}
    print(f"training step, ember vs torch {torch.__version__}, {args.threads} thread(s), median of {args.steps} steps\n")
    print("| case | ember (ms) | torch (ms) | ember/torch | target | met |")
    print("|---|---:|---:|---:|---:|:---:|")
    for case, target in targets.items():
        e, t = time_pair(ember, torch, case, args.steps)
        r = e / t
        print(f"| {case} | {e:.3f} | {t:.3f} | {r:.2f}x | <= {target}x | {'yes' if r <= target else 'no'} |")
    if args.rss:
        rss = {}
        for name in ("ember", "torch"):
            out = subprocess.run([sys.executable, __file__, "--rss-child", name], capture_output=True, text=True,
                                 env=dict(os.environ))
            rss[name] = float(out.stdout.strip().splitlines()[-1])
        print(f"\npeak RSS, 200 steps of the big MLP: ember {rss['ember']:.0f} MiB, torch {rss['torch']:.0f} MiB "
              f"({rss['ember'] / rss['torch']:.2f}x; target <= 0.5x)")


if __name__ == "__main__":
    main()
