#!/usr/bin/python3
"""Google Benchmark JSON from ember_bench -> markdown tables and target check.

    /usr/bin/python3 benchmarks/report.py threads1.json threads2.json > report.md

Cases are named BM_<case>/ember and BM_<case>/torch. For each file (one
thread count) it prints ember time, torch time and torch/ember (above 1:
ember is faster), with GFLOP/s or GB/s where the case reports them. Then it
checks the targets from the brief at every thread count. Standard library
only.
"""
import json
import re
import sys

UNIT_TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def load(path):
    with open(path) as f:
        data = json.load(f)
    ctx = data.get("context", {})
    benches = data.get("benchmarks", [])
    # With --benchmark_repetitions, take the medians; else the plain runs.
    medians = [b for b in benches if b.get("aggregate_name") == "median"]
    runs = medians if medians else [b for b in benches if b.get("run_type", "iteration") == "iteration"]
    cases = {}
    order = []
    for b in runs:
        name = b.get("run_name", b["name"])
        name = re.sub(r"/real_time$", "", name)
        m = re.match(r"BM_(.+)/(ember|torch)$", name)
        if not m:
            continue
        case, backend = m.group(1), m.group(2)
        if case not in cases:
            cases[case] = {}
            order.append(case)
        entry = {"ns": b["real_time"] * UNIT_TO_NS[b.get("time_unit", "ns")],
                 "cpu_ns": b.get("cpu_time", 0.0) * UNIT_TO_NS[b.get("time_unit", "ns")]}
        if "GFLOPS" in b:
            entry["gflops"] = b["GFLOPS"]
        if "bytes_per_second" in b:
            entry["gbs"] = b["bytes_per_second"] / 1e9
        cases[case][backend] = entry
    return ctx, order, cases


def fmt_time(ns):
    if ns < 1e4:
        return "%.0f ns" % ns
    if ns < 1e7:
        return "%.1f µs" % (ns / 1e3)
    return "%.2f ms" % (ns / 1e6)


def fmt_rate(e):
    if e is None:
        return ""
    if "gflops" in e:
        return "%.0f GFLOP/s" % e["gflops"]
    if "gbs" in e:
        return "%.1f GB/s" % e["gbs"]
    return ""


def ratio(cases, case):
    c = cases.get(case, {})
    if "ember" in c and "torch" in c:
        return c["torch"]["ns"] / c["ember"]["ns"]
    return None


def table(ctx, order, cases, with_cpu):
    """with_cpu: add torch/ember on cpu time too (only meaningful at 1 thread,
    where it discounts time the benchmark thread spent preempted)."""
    out = []
    extra = " torch/ember (cpu time) |" if with_cpu else ""
    out.append("| case | ember | torch | torch/ember |%s ember rate | torch rate |" % extra)
    out.append("|---|---:|---:|---:|%s---:|---:|" % ("---:|" if with_cpu else ""))
    for case in order:
        c = cases[case]
        e, t = c.get("ember"), c.get("torch")
        r = ratio(cases, case)
        cells = [case, fmt_time(e["ns"]) if e else "—", fmt_time(t["ns"]) if t else "—",
                 ("%.2fx" % r) if r is not None else "—"]
        if with_cpu:
            cells.append(("%.2fx" % (t["cpu_ns"] / e["cpu_ns"])) if e and t and e["cpu_ns"] > 0 else "—")
        cells += [fmt_rate(e), fmt_rate(t)]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


# (label, list of cases, minimum torch/ember ratio)
TARGETS = [
    ("per-op overhead `a + b` (<= 1/2 of torch)", ["add_1elem", "add_8x8", "add_1elem_grad", "add_8x8_grad"], 2.0),
    ("tiny forward+backward (<= 1/4 of torch)", ["fwd_bwd_tiny_8"], 4.0),
    ("GEMM N >= 256 (>= 0.9x torch)", ["mm_N256", "mm_N512", "mm_N1024", "mm_N2048"], 0.9),
    ("eager elementwise, 1.6e7 floats (>= 1.5x)", ["add_1.6e7", "mul_1.6e7", "exp_1.6e7", "relu_1.6e7"], 1.5),
    ("`a.t() + b` 1024x1024 (>= 4x)", ["add_transposed_1024"], 4.0),
    ("exp (>= 1.5x)", ["exp_1e6", "exp_1.6e7"], 1.5),
    ("softmax 4096x1024 (>= 1.5x)", ["softmax_4096x1024"], 1.5),
]


def main(paths):
    runs = []
    for p in paths:
        ctx, order, cases = load(p)
        runs.append((ctx.get("threads", "?"), ctx, order, cases))

    for threads, ctx, order, cases in runs:
        print("### %s thread(s)\n" % threads)
        print("OMP_WAIT_POLICY=%s; ember threads %s, torch threads %s, OpenBLAS threads %s; host `%s`, %s.\n" % (
            ctx.get("OMP_WAIT_POLICY", "?"), ctx.get("ember_num_threads", "?"),
            ctx.get("torch_num_threads", "?"), ctx.get("openblas_num_threads", "?"),
            ctx.get("host_name", "?"), ctx.get("date", "?")))
        loadavg = ctx.get("load_avg")
        if loadavg:
            print("Load average when the run started: %s (2 cores: above about 1, other work was competing)." %
                  ", ".join("%.2f" % x for x in loadavg))
        if str(threads) == "1":
            # At 1 thread a case on an idle core has cpu time ~= real time.
            fr = sorted(e["cpu_ns"] / e["ns"] for c in cases.values() for e in c.values() if e["ns"] > 0)
            if fr:
                med = fr[len(fr) // 2]
                print("Median cpu/real time over the 1-thread cases: %.2f%s" % (
                    med, " (contended: the benchmark got only part of a core; numbers are noisy)" if med < 0.9 else ""))
        print()
        print(table(ctx, order, cases, str(threads) == "1"))
        print()

    # Scaling of GEMM from 1 to 2 threads.
    by_t = {str(t): cases for t, _, _, cases in runs}
    if "1" in by_t and "2" in by_t:
        print("### GEMM, 1 thread vs 2 threads (GFLOP/s)\n")
        print("| N | ember 1T | ember 2T | ember 2T/1T | torch 1T | torch 2T | torch 2T/1T |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for n in (64, 128, 256, 512, 1024, 2048):
            case = "mm_N%d" % n
            row = [str(n)]
            for be in ("ember", "torch"):
                a = by_t["1"].get(case, {}).get(be)
                b = by_t["2"].get(case, {}).get(be)
                if a and b:
                    row += ["%.0f" % a["gflops"], "%.0f" % b["gflops"], "%.2fx" % (a["ns"] / b["ns"])]
                else:
                    row += ["—", "—", "—"]
            print("| " + " | ".join(row) + " |")
        print()

    print("### Targets\n")
    print("torch/ember time ratio per case; a target is met when every listed case reaches the minimum.\n")
    hdr = "| target | " + " | ".join("%sT" % t for t, _, _, _ in runs) + " | met |"
    print(hdr)
    print("|---|" + "---|" * len(runs) + "---|")
    for label, names, minimum in TARGETS:
        cells = []
        ok = True
        for _, _, _, cases in runs:
            parts = []
            for n in names:
                r = ratio(cases, n)
                if r is None:
                    parts.append("%s n/a" % n)
                    ok = False
                else:
                    parts.append("%s %.2fx" % (n, r))
                    ok = ok and r >= minimum
            cells.append("<br>".join(parts))
        print("| %s | %s | %s |" % (label, " | ".join(cells), "yes" if ok else "**no**"))
    if "1" in by_t and "2" in by_t:
        bad = []
        for n in (64, 128, 256, 512, 1024, 2048):
            a = by_t["1"].get("mm_N%d" % n, {}).get("ember")
            b = by_t["2"].get("mm_N%d" % n, {}).get("ember")
            if a and b and b["ns"] > a["ns"]:
                bad.append("N=%d (%.2fx)" % (n, a["ns"] / b["ns"]))
        print("| ember GEMM never slower at 2 threads than at 1 | %s | %s |" % (
            " | ".join(["" for _ in runs[:-1]] + ["slower at: " + ", ".join(bad) if bad else "all N ok"]),
            "**no**" if bad else "yes"))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
