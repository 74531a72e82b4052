# syntax=docker/dockerfile:1
# The GPUOptimizer collector image. Build from the repository root:
#   docker build -f installers/docker/collector.Dockerfile -t gpuoptimizer/collector:0.1.0 .
# docker-compose.yml at the root runs it with a ClickHouse server.

# ---- build: compile TypeScript ---------------------------------------------------------------
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY shared/package.json shared/package.json
COPY agent/package.json agent/package.json
COPY collector/package.json collector/package.json
RUN npm ci --workspace shared --workspace collector --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY shared/ shared/
COPY collector/ collector/
RUN npx tsc -b collector

# ---- deps: production dependencies only, with their native addons ---------------------------
FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/package.json
COPY agent/package.json agent/package.json
COPY collector/package.json collector/package.json
RUN npm ci --omit=dev --workspace shared --workspace collector --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && npm cache clean --force

# ---- runtime ---------------------------------------------------------------------------------
FROM node:20-bookworm-slim
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="gpuoptimizer-collector" \
      org.opencontainers.image.description="GPUOptimizer collector: ingest, metrics, recommendations, REST API" \
      org.opencontainers.image.version="$VERSION"
RUN groupadd --system --gid 65532 gpuoptimizer \
 && useradd --system --uid 65532 --gid gpuoptimizer --home-dir /data --no-create-home --shell /usr/sbin/nologin gpuoptimizer \
 && mkdir -p /data /run/gpuoptimizer \
 && chown gpuoptimizer:gpuoptimizer /data /run/gpuoptimizer \
 && chmod 0750 /data
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/shared shared
COPY --from=build /app/collector collector
# In a container loopback is useless: listen on every interface (publish ports with care).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=5000 \
    GRPC_PORT=50051 \
    DATA_DIR=/data \
    LOG_LEVEL=info
USER 65532:65532
VOLUME ["/data"]
EXPOSE 5000 50051
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 5000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "collector/bin/gpuoptimizer-collector.js", "serve"]
