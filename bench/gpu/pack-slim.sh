#!/usr/bin/env bash
# Packs what the worker benchmarks need on the GPU machine (node, onnxruntime-node + its CUDA provider, sharp,
# onnx-proto and their dependencies, dist/) with ../shared/device/pack.sh, from a staging folder that holds only
# those packages: a few parts instead of the whole node_modules. Run after `npm run build`.
#   bash bench/gpu/pack-slim.sh   →   .device/stage/.device/p1 … pN
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
KIT=${DEVICE_KIT:-/work/shared/device}
STAGE=.device/stage
rm -rf "$STAGE"
mkdir -p "$STAGE/node_modules"
for pkg in $(node bench/gpu/deps-closure.js onnxruntime-node sharp onnx-proto); do
  mkdir -p "$STAGE/node_modules/$(dirname "$pkg")"
  cp -r "node_modules/$pkg" "$STAGE/node_modules/$pkg"
done
cp package.json "$STAGE/"
mkdir -p "$STAGE/dist"
cp -r dist/apps dist/libs dist/bench "$STAGE/dist/"
# Each transfer carries the working tree (~26 MB with assets/) beside one part.
(cd "$STAGE" && PART_MB=${PART_MB:-30} DEVICE_OUT=.device bash "$KIT/pack.sh")
