# Podium GPU worker on a CUDA 12 base (onnxruntime-node's own CUDA route). Build from the repo root:
#   docker build -f docker/gpu-worker.Dockerfile -t podium-gpu-worker .
# Run with the NVIDIA container toolkit: docker run --gpus all -e PODIUM_API_URL=… -e PODIUM_WORKER_TOKEN=… podium-gpu-worker
# (or `docker compose -f docker/compose.yml --profile gpu up`, docs/deployment.md).
FROM node:26-trixie-slim AS node

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 AS base
# Node 26 (Active LTS) from the official image: its binary needs glibc 2.28+, Ubuntu 24.04 has 2.39.
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && apt-get update && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*

FROM base AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
# The project's .npmrc skips onnxruntime-node's provider download (no network in CI); here we want the CUDA 12 one.
RUN npm_config_onnxruntime_node_install=cuda12 ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM base
WORKDIR /app
ENV NODE_ENV=production PODIUM_WORKER_CACHE_DIR=/cache PODIUM_EXECUTION_PROVIDER=AUTO
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# uid 1000 (`ubuntu` in this base), like `node` in the api image: both read the token file the api writes (0600).
RUN mkdir -p /cache /enroll && chown 1000:1000 /cache /enroll
USER 1000:1000
VOLUME /cache
# SIGTERM: the current batch finishes, the job is released, the process exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/gpu-worker/src/main.js"]
