# One image for every service of the hub; docker-compose.yml picks the command.
#
#   build    every dependency, then `npm run build`: TypeScript compiled into dist/,
#            the web front end into web/dist
#   deps     the production dependencies only (no compiler, no tsx, no test tools)
#   runtime  node, dist/ and those dependencies, as the unprivileged user `node`
#
# Secrets never enter it: .dockerignore keeps .env files, keys and local data
# out of the build context, the stages copy named files and folders only, and
# the keys are given at run time (docker-compose.yml). test/docker-compose.test.ts
# and test/production-build.test.ts check this file's rules without Docker.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /hub
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY platform platform
COPY gateway gateway
COPY subgraphs subgraphs
COPY schema schema
COPY cli cli
COPY scripts scripts
COPY web web
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /hub
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /hub
COPY --from=deps /hub/package.json ./
COPY --from=deps /hub/node_modules node_modules
COPY --from=build /hub/dist dist
# The front end's build with its stamp: served on the stamp alone (there are no web sources here).
COPY --from=build /hub/web/dist web/dist
# The code is root's and read-only to the service; the one folder it may write is
# .data (PGlite's files, when a service runs without PostgreSQL).
RUN mkdir .data && chown node:node .data
USER node
EXPOSE 4000
CMD ["node", "dist/gateway/main.js"]
