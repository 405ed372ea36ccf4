# linkwatch: one image for the collector and the API (docker-compose.yml runs it twice).
# Stage 1 builds (npm ci runs `npm run build`: the server compiled to build/, the dashboard to
# web/dist) and drops the development packages; stage 2 is what runs: plain node on the compiled
# build, as the unprivileged `node` user, with ping and fping given the one capability they need.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# iputils-ping and fping probe the links; chromium prints the PDF reports; libcap2-bin for setcap.
RUN apt-get update \
  && apt-get install -y --no-install-recommends iputils-ping fping chromium libcap2-bin ca-certificates tini \
  && setcap cap_net_raw+ep /usr/bin/ping \
  && setcap cap_net_raw+ep /usr/bin/fping \
  && apt-get purge -y libcap2-bin && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/build ./build
COPY --from=build --chown=node:node /app/web/dist ./web/dist
COPY --from=build --chown=node:node /app/bin ./bin
COPY --from=build --chown=node:node /app/config/example.yaml ./config/example.yaml
# The spool and the alert outbox (collector.spool.dir, alerts.outbox.dir) live here: a volume.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
ENV NODE_ENV=production LINKWATCH_CHROMIUM=/usr/bin/chromium
VOLUME ["/app/.data"]
ENTRYPOINT ["/usr/bin/tini", "--", "/app/bin/linkwatch-built.js"]
CMD ["--help"]
