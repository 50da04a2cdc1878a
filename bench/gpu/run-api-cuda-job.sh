#!/usr/bin/env bash
# The GPU check "a CUDA job through the api with the real agent", for the GPU machine (after
# `source /tmp/device-root/activate.sh`; only node is needed, not npm): starts the api from dist/ (production, SQLite
# in a temp data dir, the local worker on, a free port), waits until it answers and its worker has registered, then
# evaluates the demo YOLOv8n on COCO128 through it with scripts/evaluate-model.mjs (upload, evaluateModel, the job
# followed over graphql-ws): CUDA at batch 64, CUDA at batch 1, then CPU. One JSON line per job (status, errorCode,
# mAP, provider and device really used, images/s, timings) on stdout and in $OUT/api-cuda-job.jsonl; the api's log is
# kept in $OUT/api-cuda-job.api.log and its tail printed when a job fails. The api and its worker are always stopped.
# Exit code 1 when a job did not succeed. Pack with `WITH_API=1 bash bench/gpu/pack-slim.sh` (the api's packages).
#   bash bench/gpu/run-api-cuda-job.sh      EPS="CUDA:64 CUDA:1 CPU" by default (EP[:batch] each); EPS=CPU off a GPU
# The worker keeps letterboxed datasets in its tensor cache between jobs (under the api's data dir), so jobs after the
# first decode nothing: PODIUM_WORKER_TENSOR_CACHE_GB=0 (inherited like the rest of the environment) measures each cold.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp}/api-cuda-job.jsonl
api_log=${OUT:-/tmp}/api-cuda-job.api.log
: > "$out"
data=$(mktemp -d)
api=
client=
failed=0

stop_api() {
  [ -n "$client" ] && kill -TERM "$client" 2>/dev/null
  if [ -n "$api" ] && kill -0 "$api" 2>/dev/null; then
    kill -TERM "$api" # the api stops its worker first (SIGTERM: it finishes its batch and releases its job)
    for _ in $(seq 1 40); do kill -0 "$api" 2>/dev/null || break; sleep 1; done
  fi
  # Whatever is left of the api's process group (a worker that did not stop) goes now.
  [ -n "$api" ] && kill -KILL -- "-$api" 2>/dev/null
  rm -rf "$data"
}
trap stop_api EXIT
trap 'exit 130' INT TERM

api_tail() {
  echo "# api log (last ${1:-40} lines of $api_log):"
  tail -n "${1:-40}" "$api_log" | sed 's/^/#   /'
}

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | sed 's/^/# gpu: /'

# On the GPU machine dist/ and node_modules/ are links into /tmp/device-root: keep the linked paths, or the api looks
# for the demo coco128 (assets/ of this tree) and its worker's cwd from /tmp/device-root.
node_flags=
[ -L dist ] && node_flags="--preserve-symlinks --preserve-symlinks-main"
set -m # its own process group, so that stop_api can reach the worker too
env -u DATABASE_URL -u REDIS_URL PORT=0 HOST=127.0.0.1 PODIUM_DATA_DIR="$data" PODIUM_LOCAL_WORKER=true PODIUM_SEED_DEMO=true \
  PODIUM_AUTH=local NODE_ENV=production NO_COLOR=1 node $node_flags dist/apps/api/src/main.js > "$api_log" 2>&1 &
api=$!
set +m

# PORT=0: the api picks a free port and logs its URL.
url=
for _ in $(seq 1 "${API_START_TIMEOUT:-120}"); do
  url=$(sed 's/\x1b\[[0-9;]*m//g' "$api_log" | grep -o 'Apollo Sandbox: http://[^ ]*/graphql' | head -n 1 | sed 's#^Apollo Sandbox: ##; s#/graphql$##')
  [ -n "$url" ] && break
  kill -0 "$api" 2>/dev/null || break
  sleep 1
done
if [ -z "$url" ]; then
  echo "# FAILED: the api did not start"; api_tail; echo '{"failed":"api start"}' >> "$out"; exit 1
fi

# It answers, and its local worker has registered (with the providers that really loaded).
worker=$(node -e '
  const [url, waitS] = process.argv.slice(1);
  const query = "{ workers(first: 20) { nodes { name executionProviders gpuName gpuMemoryMb cpuCores } } }";
  const until = Date.now() + Number(waitS) * 1000;
  (async () => {
    for (;;) {
      try {
        const res = await fetch(url + "/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
        const w = (await res.json()).data?.workers.nodes.find((n) => n.name === "local-worker");
        if (w) return console.log(JSON.stringify(w));
      } catch {}
      if (Date.now() > until) process.exit(1);
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();' "$url" "${WORKER_START_TIMEOUT:-120}")
if [ -z "$worker" ]; then
  echo "# FAILED: the api at $url answers no query, or its local worker did not register"; api_tail; echo '{"failed":"worker start"}' >> "$out"; exit 1
fi
echo "# api $url (pid $api), worker $worker"
grep -h 'CUDA not used' "$api_log" | sed 's/\x1b\[[0-9;]*m//g; s/^/# /' | head -n 2

# One job: its JSON line (also for a FAILED job: status and errorCode say why), the client's summary as comments,
# and on failure the client's output and the api's log.
job() {
  local ep=${1%%:*} batch= rc line
  [[ $1 == *:* ]] && batch=${1#*:}
  local args=(--url "$url" --ep "$ep" --imgsz 640 --json ${batch:+--batch "$batch"})
  # In the background, so that a signal stops the script (and the api) at once rather than after the job.
  timeout "${STEP_TIMEOUT:-300}" node scripts/evaluate-model.mjs "${args[@]}" > "$data/job.out" 2> "$data/job.err" &
  client=$!
  wait "$client"
  rc=$?
  client=
  line=$(tail -n 1 "$data/job.out")
  if [[ $line == '{'* ]]; then echo "$line" | tee -a "$out"
  else echo "{\"failed\":\"evaluate-model ${args[*]}\",\"rc\":$rc}" | tee -a "$out"; fi
  grep -E '^(job [^ ]+ [A-Z]+ in|  )' "$data/job.err" | sed "s/^/# $1: /"
  if [ "$rc" -ne 0 ]; then
    failed=1
    echo "# FAILED (exit $rc): node scripts/evaluate-model.mjs ${args[*]}"
    tail -n 15 "$data/job.err" | sed 's/^/#   /'
    api_tail
  fi
}

for spec in ${EPS:-CUDA:64 CUDA:1 CPU}; do job "$spec"; done
echo "# done"
exit "$failed"
