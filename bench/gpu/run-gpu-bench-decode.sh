#!/usr/bin/env bash
# Follow-up to run-gpu-bench.sh once decoding moved to a pool of decode threads: decode throughput by thread
# count, then the end-to-end figures that depend on it. JSON lines on stdout and in $OUT/gpu-bench-decode.jsonl.
set -uo pipefail
cd "$(dirname "$0")/../.."
export OUT=${OUT:-/tmp}
V8=assets/models/yolov8n_fp32_dynamic.onnx
YX=assets/models/yolox_nano.onnx
b() { ONLY=1 OUT_FILE=gpu-bench-decode.jsonl bash bench/gpu/run-gpu-bench.sh "$@"; }
for t in 0 2 4 6 8; do b dist/bench/worker-decode.js --repeat 4 --decode-threads $t; done
b dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 32 --repeat 10
b dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 64 --repeat 10
b dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 32 --repeat 10 --decode-threads 8
b dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 1 --repeat 2
b dist/bench/worker-e2e.js --ep cuda --model $YX --imgsz 416 --repeat 8
b dist/bench/worker-e2e.js --ep cpu --model $V8 --batch 8 --repeat 1
b dist/bench/worker-e2e.js --ep cpu --model $YX --imgsz 416 --repeat 1
echo "# done"
