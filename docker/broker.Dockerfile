# syntax=docker/dockerfile:1
# The broker pod (docs/architecture.md). Build from the repository root:
#   docker build -f docker/broker.Dockerfile -t dh-mqtt/broker:0.1.0 .
# Signals: node runs as PID 1 and handles SIGTERM itself (graceful drain, libs/runtime
# installGracefulShutdown); it spawns no children, so no reaper is needed. Run with `--init`
# (compose: `init: true`) if you add one.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts
COPY tsconfig.base.json ./
COPY tools/swc-options.cjs tools/
COPY tools/scripts/build.mjs tools/scripts/
COPY libs libs
COPY apps/broker apps/broker
RUN node tools/scripts/build.mjs --out dist/broker apps/broker

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist/broker ./dist
COPY docker/healthcheck.cjs ./healthcheck.cjs
USER node
# 1883 MQTT, 8083 MQTT over WebSocket, 9090 /healthz /readyz /metrics (libs/runtime DEFAULTS)
EXPOSE 1883 8083 8883 8084 9090
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "/app/healthcheck.cjs", "/healthz"]
CMD ["node", "dist/apps/broker/src/main.js"]
