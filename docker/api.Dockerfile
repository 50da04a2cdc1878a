# Podium api, and the CPU worker of docker/compose.yml (the same image, another command). Build from the repo root:
#   docker build -f docker/api.Dockerfile -t podium-api .
# Node 26 is the Active LTS line (LTS since 2026-10-28); Debian 13 (trixie) is its image's base.
FROM node:26-trixie-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY bench ./bench
# Dev dependencies (pino-pretty among them) go: logs are JSON lines in the image.
RUN npm run build && npm prune --omit=dev

FROM node:26-trixie-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 PODIUM_DATA_DIR=/data PODIUM_WORKER_CACHE_DIR=/cache
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The demo COCO128 dataset and the models the demo and the worker's tests use.
COPY assets ./assets
# Named volumes mounted here start with this ownership: the api and the worker run as `node` (uid 1000) and share
# /enroll, where the api keeps the workers' token (mode 0600).
RUN mkdir -p /data /enroll /cache && chown node:node /data /enroll /cache
USER node
VOLUME /data
EXPOSE 4000
# Binding to 0.0.0.0 requires tokens: the bootstrap admin token is written to /data/admin-token on first start.
# SIGTERM: in-flight requests finish, subscriptions close with 1001, then the process exits 0 (docs/operations.md).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
