#!/usr/bin/env bash
# All GPU-worker measurements in one command, for the GPU machine (after `source /tmp/device-root/activate.sh`):
# YOLOv8n 640 and yolox_nano 416 on COCO128 (repeated past warm-up), CUDA vs CPU, batch 1 and larger batches,
# end to end (runEvaluation) and bare (session.run loop on the same tensors), fused and unfused. JSON lines on
# stdout, also written to $OUT/gpu-bench.jsonl when $OUT is set.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp}/${OUT_FILE:-gpu-bench.jsonl}
[ -n "${ONLY:-}" ] || : > "$out"
V8=assets/models/yolov8n_fp32_dynamic.onnx
YX=assets/models/yolox_nano.onnx
# One measurement: its JSON line, or on failure the command and the tail of its output (so one run explains itself).
run() {
  local log
  log=$(timeout "${STEP_TIMEOUT:-150}" node "$@" 2>&1)
  if grep -qE '^\{' <<<"$log"; then grep -E '^\{' <<<"$log" | tee -a "$out"
  else echo "# FAILED: $*"; tail -n 15 <<<"$log" | sed 's/^/#   /'; echo "{\"failed\":\"$*\"}" >> "$out"; fi
}
[ -n "${ONLY:-}" ] && { run "$@"; exit; }

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | sed 's/^/# gpu: /'
echo "# cpu: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); cgroup cpu.max: $(cat /sys/fs/cgroup/cpu.max 2>/dev/null || echo n/a); THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo n/a)"

# The headline first (the device time may run out): YOLOv8n 640 fused on CUDA at the best batches, end to end
# vs bare: a fresh process, then one that has evaluated COCO128 once before (--warmup: threads started, JIT warm,
# as a running worker's next job), then the same evaluation again with the decoded pixels cached (continuous
# evaluation's steady state).
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 64 --repeat 10
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 64 --repeat 10 --warmup
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 32 --repeat 10 --warmup
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 64 --repeat 10 --cached

# Does decoding scale with cores here, and is a limit inside the process (threads plateau, processes do not) or
# the machine's (both plateau)? And the host's other share: NMS + metrics CPU per image.
run dist/bench/worker-decode-scaling.js --seconds 2
run dist/bench/worker-post.js --rounds 2 --repeat 10

# Decode + letterbox: the libuv pool at Node's default 4 threads, then at one per core (the benches relaunch
# themselves with UV_THREADPOOL_SIZE set), and two variants.
UV_THREADPOOL_SIZE=4 run dist/bench/worker-decode.js --repeat 16
run dist/bench/worker-decode.js --repeat 16
run dist/bench/worker-decode.js --repeat 16 --decode-threads 4
UV_THREADPOOL_SIZE=32 run dist/bench/worker-decode.js --repeat 16 --decode-threads 8
run dist/bench/worker-decode.js --repeat 16 --imgsz 416 --top-left

# YOLOv8n 640 on CUDA: fused (candidates out) at the other batches, then unfused (full output, host preprocessing).
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 1 --repeat 2
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 8 --repeat 10
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 16 --repeat 10
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 1 --repeat 1 --unfused
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 8 --repeat 3 --unfused
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 32 --repeat 3 --unfused

# yolox_nano 416 (batch fixed at 1) on CUDA.
run dist/bench/worker-e2e.js --ep cuda --model $YX --imgsz 416 --repeat 8
run dist/bench/worker-e2e.js --ep cuda --model $YX --imgsz 416 --repeat 3 --unfused

# CPU EP on the same machine.
run dist/bench/worker-e2e.js --ep cpu --model $V8 --batch 1 --repeat 1
run dist/bench/worker-e2e.js --ep cpu --model $V8 --batch 8 --repeat 1
run dist/bench/worker-e2e.js --ep cpu --model $V8 --batch 8 --repeat 1 --cpu-threads 12
run dist/bench/worker-e2e.js --ep cpu --model $V8 --batch 8 --repeat 1 --unfused
run dist/bench/worker-e2e.js --ep cpu --model $YX --imgsz 416 --repeat 1
run dist/bench/worker-e2e.js --ep cpu --model $YX --imgsz 416 --repeat 1 --cpu-threads 12
run dist/bench/worker-e2e.js --ep cpu --model $YX --imgsz 416 --repeat 1 --unfused
echo "# done"
