#!/usr/bin/env bash
# Builds ember_bench (ember vs libtorch in one process) into build-bench and
# runs it at 1 thread and at 2 threads, then writes a markdown report.
#
#   benchmarks/run_cpp.sh                          # everything, min_time 0.2 s
#   BENCH_MIN_TIME=0.5 benchmarks/run_cpp.sh       # steadier numbers
#   BENCH_REPETITIONS=1 benchmarks/run_cpp.sh      # quicker (default 3, medians)
#   benchmarks/run_cpp.sh --benchmark_filter=mm    # extra args go to the binary
#
# Output: build-bench/bench-results/{threads1,threads2}.{json,txt} and
# report.md (the tables that docs/perf.md quotes).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${EMBER_BENCH_BUILD_DIR:-build-bench}
OUT_DIR=${EMBER_BENCH_OUT:-$BUILD_DIR/bench-results}
MIN_TIME=${BENCH_MIN_TIME:-0.2}
REPS=${BENCH_REPETITIONS:-3}   # report.py takes the median of the repetitions
JOBS=${EMBER_BENCH_JOBS:-1}
THREADS=${EMBER_BENCH_THREAD_LIST:-"1 2"}

cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DEMBER_CUDA=OFF -DEMBER_BENCHMARKS=ON \
  -DEMBER_TESTS=OFF -DEMBER_EXAMPLES=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"$JOBS" --target ember_bench >/dev/null
BIN=$BUILD_DIR/benchmarks/ember_bench
mkdir -p "$OUT_DIR"

jsons=()
for t in $THREADS; do
  echo "== ember_bench at $t thread(s) =="
  env_args=(EMBER_BENCH_THREADS="$t" OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t")
  # torch's OpenMP pool and OpenBLAS's pool spin against each other on
  # 2 cores unless idle OpenMP threads sleep (shared/PERF-ANCHORS.md).
  if [ "$t" -gt 1 ]; then env_args+=(OMP_WAIT_POLICY=passive); fi
  env "${env_args[@]}" "$BIN" --benchmark_min_time="$MIN_TIME" --benchmark_repetitions="$REPS" \
    --benchmark_out="$OUT_DIR/threads$t.json" --benchmark_out_format=json "$@" \
    | tee "$OUT_DIR/threads$t.txt"
  jsons+=("$OUT_DIR/threads$t.json")
done

/usr/bin/python3 benchmarks/report.py "${jsons[@]}" > "$OUT_DIR/report.md"
echo
echo "report: $OUT_DIR/report.md"
cat "$OUT_DIR/report.md"
