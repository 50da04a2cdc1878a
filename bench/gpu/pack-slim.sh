#!/usr/bin/env bash
# Packs what the worker benchmarks need on the GPU machine (node, onnxruntime-node + its CUDA provider, sharp,
# onnx-proto and their dependencies, dist/) with the device kit's pack.sh ($DEVICE_KIT, see docs/stack.md), from a staging folder that holds only
# those packages: a few parts instead of the whole node_modules. Run after `npm run build`.
#   bash bench/gpu/pack-slim.sh   →   .device/stage/.device/p1 … pN
# WITH_API=1 also packs the api's runtime packages (the closure of package.json's dependencies), so that
# `node dist/apps/api/src/main.js` runs there too (bench/gpu/run-api-cuda-job.sh; scripts/ is in the working tree that
# each transfer carries). STAGE_ONLY=1 stops after staging and prints the staged sizes (no parts are written).
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
KIT=${DEVICE_KIT:-/work/shared/device}
STAGE=.device/stage
rm -rf "$STAGE"
mkdir -p "$STAGE/node_modules"
roots="onnxruntime-node sharp onnx-proto xxhash-wasm"
[ "${WITH_API:-}" = 1 ] && roots="$roots $(node -p "Object.keys(require('./package.json').dependencies).join(' ')")"
# deps-closure.js prints each package once, so the api's closure adds only what the worker's does not hold.
for pkg in $(node bench/gpu/deps-closure.js $roots); do
  mkdir -p "$STAGE/node_modules/$(dirname "$pkg")"
  cp -r "node_modules/$pkg" "$STAGE/node_modules/$pkg"
done
# better-sqlite3 was compiled here: its addon is build/Release/better_sqlite3.node; the sources and objects stay behind.
bs3=$STAGE/node_modules/better-sqlite3
[ -d "$bs3" ] && rm -rf "$bs3/deps" "$bs3/src" "$bs3"/build/Release/{obj,obj.target,.deps,sqlite3.a,test_extension.node}
cp package.json "$STAGE/"
mkdir -p "$STAGE/dist"
cp -r dist/apps dist/libs dist/bench "$STAGE/dist/"
echo "staged $(ls -d "$STAGE"/node_modules/* "$STAGE"/node_modules/@*/* 2>/dev/null | grep -vc '/@[^/]*$') packages: $(du -sh "$STAGE/node_modules" | cut -f1) node_modules, $(du -sh "$STAGE/dist" | cut -f1) dist"
[ "${STAGE_ONLY:-}" = 1 ] && exit 0
# Each transfer carries the working tree (~26 MB with assets/) beside one part.
(cd "$STAGE" && PART_MB=${PART_MB:-30} DEVICE_OUT=.device bash "$KIT/pack.sh")
