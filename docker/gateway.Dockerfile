# syntax=docker/dockerfile:1
# The gateway pod (docs/architecture.md). Build from the repository root:
#   docker build -f docker/gateway.Dockerfile -t dh-mqtt/gateway:0.1.0 .
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
COPY apps/gateway apps/gateway
COPY apps/cli apps/cli
# The operator command line (`dh-mqtt user unlock|set-password`) ships beside the gateway: it
# needs the same database access and nothing else.
RUN node tools/scripts/build.mjs --out dist/gateway apps/gateway apps/cli

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist/gateway ./dist
COPY docker/healthcheck.cjs ./healthcheck.cjs
RUN printf '#!/bin/sh\nexec node /app/dist/apps/cli/src/main.js "$@"\n' > /usr/local/bin/dh-mqtt \
 && chmod 0755 /usr/local/bin/dh-mqtt
USER node
# 9090 /healthz /readyz /metrics (libs/runtime DEFAULTS); the gateway talks to brokers over Kafka only
EXPOSE 9090
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "/app/healthcheck.cjs", "/healthz"]
CMD ["node", "dist/apps/gateway/src/main.js"]
