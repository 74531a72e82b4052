# syntax=docker/dockerfile:1
# The GPUOptimizer agent image: the single executable (npm run build:agent) on a slim Debian.
# Build from the repository root:
#   docker build -f installers/docker/agent.Dockerfile -t gpuoptimizer/agent:0.1.0 .
# Run on a GPU host (the NVIDIA container toolkit mounts nvidia-smi and libnvidia-ml):
#   docker run -d --gpus all --pid host -e GPUOPT_COLLECTOR=collector.example.com:50051 \
#     -e GPUOPT_API_KEY=gpo_… -v gpuoptimizer-agent:/var/lib/gpuoptimizer gpuoptimizer/agent:0.1.0

# The executable alone, for hosts without Docker (glibc >= 2.31: Debian 11+, Ubuntu 20.04+, RHEL 9+):
#   docker build -f installers/docker/agent.Dockerfile --target binary --output dist/ .

# ---- build: compile the agent and make the single executable ------------------------------
# Bullseye (glibc 2.31), not bookworm: better-sqlite3's addon is compiled here, and an addon
# compiled against a newer glibc does not load on older hosts.
FROM node:20-bullseye AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY shared/package.json shared/package.json
COPY agent/package.json agent/package.json
COPY collector/package.json collector/package.json
# Only the agent's and the root's dependencies (not the collector's ClickHouse engine). Scripts
# are skipped (the root `prepare` would compile sources not copied yet), then better-sqlite3's
# native addon is compiled here, against this stage's glibc (not a downloaded prebuild).
RUN npm ci --workspace shared --workspace agent --include-workspace-root --ignore-scripts --no-audit --no-fund \
 && npm_config_build_from_source=true npm rebuild better-sqlite3
COPY shared/ shared/
COPY agent/ agent/
COPY installers/sea/ installers/sea/
ARG GPUOPT_GIT_COMMIT=unknown
RUN npx tsc -b agent \
 && GPUOPT_GIT_COMMIT="$GPUOPT_GIT_COMMIT" node installers/sea/build.mjs --out /out/gpuoptimizer-agent

# ---- binary: just the executable (docker build --target binary --output <dir>) ---------------
FROM scratch AS binary
COPY --from=build /out/gpuoptimizer-agent /gpuoptimizer-agent

# ---- runtime: no Node.js, no node_modules ----------------------------------------------------
FROM debian:bookworm-slim
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="gpuoptimizer-agent" \
      org.opencontainers.image.description="GPUOptimizer agent: GPU utilisation and cost telemetry" \
      org.opencontainers.image.version="$VERSION"
RUN groupadd --system --gid 65532 gpuoptimizer \
 && useradd --system --uid 65532 --gid gpuoptimizer --home-dir /var/lib/gpuoptimizer --no-create-home \
      --shell /usr/sbin/nologin gpuoptimizer \
 && mkdir -p /var/lib/gpuoptimizer \
 && chown gpuoptimizer:gpuoptimizer /var/lib/gpuoptimizer \
 && chmod 0750 /var/lib/gpuoptimizer
COPY --from=build /out/gpuoptimizer-agent /usr/bin/gpuoptimizer-agent
ENV GPUOPT_BUFFER=/var/lib/gpuoptimizer/buffer.db \
    HOME=/var/lib/gpuoptimizer \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=utility
USER 65532:65532
WORKDIR /var/lib/gpuoptimizer
VOLUME ["/var/lib/gpuoptimizer"]
ENTRYPOINT ["/usr/bin/gpuoptimizer-agent"]
CMD ["run"]
