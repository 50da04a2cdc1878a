#!/usr/bin/env bash
# Follow-up experiment (negative, kept for the record): decoding on 16 vCPUs stayed near 400-500 images/s
# whatever the libuv pool or decode-thread count. Suspect tested: glibc mmap/munmap page faults per decoded buffer.
# A high MALLOC_MMAP_THRESHOLD_ did not change it (see bench/README.md).
set -uo pipefail
cd "$(dirname "$0")/../.."
export OUT=${OUT:-/tmp}
b() { ONLY=1 OUT_FILE=gpu-bench-malloc.jsonl bash bench/gpu/run-gpu-bench.sh "$@"; }
UV_THREADPOOL_SIZE=16 b dist/bench/worker-decode.js --repeat 4
UV_THREADPOOL_SIZE=16 MALLOC_MMAP_THRESHOLD_=536870912 MALLOC_TRIM_THRESHOLD_=1073741824 b dist/bench/worker-decode.js --repeat 4
echo "# done"
