#!/usr/bin/env bash
# All GPU-worker measurements in one command, for the GPU machine (after `source /tmp/device-root/activate.sh`; pack
# with `WITH_API=1 bash bench/gpu/pack-slim.sh`), sized to fit one device call (~8 minutes on an H100/H200):
#   1. the machine: GPU, cores, the cgroup's cpu.max;
#   2. YOLOv8n 640 on CUDA at batch 64 and 32, and yolox_nano 416 (batch fixed at 1): the bare session loop, end to
#      end cold (an empty tensor cache: every image decoded and written) and warm (every image read back), with the
#      host CPU ms per image (all threads; and less the inference thread's);
#   3. decoding: the pipeline's decode helpers as threads against processes (end to end, no cache), and
#      worker-decode-scaling (threads vs processes, 1…cores); post-processing's CPU per image with the detections file;
#   4. then bench/gpu/run-api-cuda-job.sh: CUDA jobs through the api with the real agent.
# JSON lines on stdout, also in $OUT/gpu-bench.jsonl when $OUT is set. `ONLY=1 bash run-gpu-bench.sh <node args>`
# runs one measurement the same way. SKIP_API=1 skips step 4.
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
echo "{\"bench\":\"machine\",\"cores\":$(nproc),\"cpuMax\":\"$(cat /sys/fs/cgroup/cpu.max 2>/dev/null || echo n/a)\"}" | tee -a "$out"

# The headline first (device time may run out). COCO128 ×10 = 1,280 images; the first line also runs the bare loop.
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 64 --repeat 10 --cache cold
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 64 --repeat 10 --cache warm --no-bare
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 32 --repeat 10 --cache cold --no-bare
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 32 --repeat 10 --cache warm
run dist/bench/worker-e2e.js --ep cuda --model $YX --imgsz 416 --repeat 8 --cache cold
run dist/bench/worker-e2e.js --ep cuda --model $YX --imgsz 416 --repeat 8 --cache warm --no-bare

# Decode helpers: threads or processes (the worker's default from 8 cores is processes, half the cores).
half=$(( $(nproc) / 2 ))
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 64 --repeat 10 --cache off --decode-mode thread --decode-helpers 4 --no-bare
run dist/bench/worker-e2e.js --ep cuda --model $V8 --batch 64 --repeat 10 --cache off --decode-mode process --decode-helpers $half --no-bare
run dist/bench/worker-decode-scaling.js --seconds 2
STEP_TIMEOUT=240 run dist/bench/worker-post.js --rounds 2 --repeat 10 --predictions

# The CPU EP on the same machine, warm, ORT on one thread: the host's share (hostCpuMsPerImage) beside a real inference.
run dist/bench/worker-e2e.js --ep cpu --model $V8 --batch 8 --repeat 2 --cache warm --cpu-threads 1 --no-bare
echo "# pipeline done"
[ -n "${SKIP_API:-}" ] || bash bench/gpu/run-api-cuda-job.sh
echo "# done"
