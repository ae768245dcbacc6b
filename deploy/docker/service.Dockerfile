# syntax=docker/dockerfile:1
# One image recipe for every service; pick the service with the build arg SERVICE.
#
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=intake -t support-ops/intake .
#
# The build context is the repo root (see .dockerignore). docker-compose.yml builds every service
# from this file; deploy/compose/README.md explains how to run it.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: install everything, compile the whole workspace ----------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# dependencies first, so that a source change does not reinstall them
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

COPY tsconfig.base.json tsconfig.build.json ./
COPY libs ./libs
COPY services ./services
# the migrate step (dist/deploy/migrate/migrate.js), which compose's one-shot `migrate` runs from this image
COPY deploy/migrate ./deploy/migrate
# compiles libs/ and every service into dist/ and rewrites the @support/* path aliases (tsc-alias).
# SERVICE is declared only after this step so that the layers above are shared by all services.
RUN npm run build

ARG SERVICE
RUN test -n "${SERVICE}" || { echo 'build arg SERVICE is required, e.g. --build-arg SERVICE=intake' >&2; exit 1; }; \
    test -f "dist/services/${SERVICE}/src/main.js" || { echo "no dist/services/${SERVICE}/src/main.js: is services/${SERVICE}/src/main.ts there?" >&2; exit 1; }

# ---- production: runtime dependencies and compiled code only ---------------------------------
FROM ${NODE_IMAGE} AS production
ARG SERVICE
# the build arg becomes an environment variable so that CMD (and anyone inspecting the container) sees it
ENV SERVICE=${SERVICE} \
    NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# only compiled output; files stay owned by root so the service cannot rewrite its own code
COPY --from=build /app/dist ./dist
# Node's flags for every service (why: in the file)
COPY deploy/node-flags ./deploy/node-flags

LABEL org.opencontainers.image.title="support-ops ${SERVICE}" \
      org.opencontainers.image.description="support-ops service ${SERVICE}"

# the official node image ships an unprivileged "node" user (uid 1000)
USER node

# liveness only (the process answers); compose checks /health/ready (database and Kafka) on top.
# PORT is required configuration of every service (API.md), so it is always set when this runs.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# shell form so that ${SERVICE} expands at run time; exec replaces the shell, so node itself gets SIGTERM
CMD exec node $(sed 's/#.*//' deploy/node-flags) dist/services/${SERVICE}/src/main.js
