#!/usr/bin/env python3
"""Per-op overhead of ember vs torch, side by side in one run, at equal
thread counts, and `import` time of each in fresh interpreters.

    /usr/bin/python3 benchmarks/python/bench_overhead.py [--threads 1] [--repeat 7]

Prints a markdown table: microseconds per call (min over repeats of timeit),
the ratio ember/torch and the target from issue 3.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "python"))


def import_ember():
    try:
        import ember
        if hasattr(ember, "tensor"):
            return ember
    except ImportError:
        pass
    sys.path.insert(0, PYTHON_DIR)
    for name in [n for n in sys.modules if n == "ember" or n.startswith("ember.")]:
        del sys.modules[name]
    import ember
    return ember


def per_call_us(stmt, number, repeat):
    """Minimum over `repeat` runs of `number` calls, in microseconds per call."""
    times = timeit.repeat(stmt, number=number, repeat=repeat)
    return min(times) / number * 1e6


def calibrate(stmt, target_s=0.05):
    n = 1
    while True:
        t = timeit.timeit(stmt, number=n)
        if t >= target_s or n >= 1 << 22:
            return max(1, int(n * target_s / max(t, 1e-9)))
        n *= 4


def cases(m):
    """name -> zero-argument callable, built for module m."""
    a1, b1 = m.ones(1), m.ones(1)
    a8, b8 = m.ones(8, 8), m.ones(8, 8)
    g1 = m.ones(1, requires_grad=True)
    g8 = m.ones(8, 8, requires_grad=True)
    w = m.ones(8, requires_grad=True)
    b = m.ones(8, requires_grad=True)
    x = m.ones(8)
    xi = m.ones(4, 5)

    def fwd_bwd():
        y = (w * x + b).sum()
        y.backward()

    return {
        "a+b, 1 element": lambda: a1 + b1,
        "a+b, 8x8": lambda: a8 + b8,
        "a+b, 1 element, requires_grad": lambda: g1 + b1,
        "a+b, 8x8, requires_grad": lambda: g8 + b8,
        "tiny fwd+bwd (w*x+b).sum().backward()": fwd_bwd,
        "x[1:3, None]": lambda: xi[1:3, None],
    }


TARGETS = {
    "a+b, 1 element": 0.8,
    "a+b, 8x8": 0.8,
    "a+b, 1 element, requires_grad": 0.6,
    "a+b, 8x8, requires_grad": 0.6,
    "tiny fwd+bwd (w*x+b).sum().backward()": 0.3,
}


def import_time_ms(module, runs, env):
    """Wall time of `python -c 'import module'` in fresh processes: min of runs."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-c", f"import {module}"], env=env,
                           capture_output=True, text=True)
        times.append((time.perf_counter() - t0) * 1e3)
        if r.returncode != 0:
            raise RuntimeError(f"import {module} failed: {r.stderr[-500:]}")
    base = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env)
        base.append((time.perf_counter() - t0) * 1e3)
    return min(times), min(base)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=7, help="timeit repeats (min is kept)")
    ap.add_argument("--import-runs", type=int, default=5)
    args = ap.parse_args()

    ember = import_ember()
    import torch

    torch.set_num_threads(args.threads)
    if hasattr(ember, "set_num_threads"):
        ember.set_num_threads(args.threads)
    ember_threads = ember.get_num_threads() if hasattr(ember, "get_num_threads") else "n/a"

    ec, tc = cases(ember), cases(torch)
    rows = []
    for name in ec:
        for f in (ec[name], tc[name]):  # warm up both
            for _ in range(200):
                f()
        n = max(calibrate(ec[name]), calibrate(tc[name]))
        # interleave the repeats so clock drift hits both alike
        te, tt = [], []
        for _ in range(args.repeat):
            te.append(per_call_us(ec[name], n, 1))
            tt.append(per_call_us(tc[name], n, 1))
        rows.append((name, min(te), min(tt), statistics.median(te), statistics.median(tt)))

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.dirname(os.path.dirname(os.path.abspath(ember.__file__)))] +
        [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    ie, base = import_time_ms("ember", args.import_runs, env)
    it, _ = import_time_ms("torch", args.import_runs, env)

    print(f"ember vs torch {torch.__version__}, {args.threads} thread(s) "
          f"(torch.get_num_threads()={torch.get_num_threads()}, ember={ember_threads}), "
          f"python {sys.version.split()[0]}; min of {args.repeat} repeats\n")
    print("| case | ember (µs) | torch (µs) | ember/torch | target | met |")
    print("|---|---:|---:|---:|---:|:---:|")
    for name, e, t, em, tm in rows:
        ratio = e / t
        target = TARGETS.get(name)
        tgt = f"<= {target}x" if target else "-"
        met = ("yes" if ratio <= target else "no") if target else "-"
        print(f"| {name} | {e:.2f} | {t:.2f} | {ratio:.2f}x | {tgt} | {met} |")
    ratio = ie / it
    print(f"| `import` (fresh process, min of {args.import_runs}; bare interpreter "
          f"{base:.0f} ms) | {ie:.0f} ms | {it:.0f} ms | {ratio:.2f}x | < 100 ms | "
          f"{'yes' if ie < 100 else 'no'} |")
    print(f"\n`import ember` above a bare `python -c pass`: {ie - base:.0f} ms")


if __name__ == "__main__":
    main()
