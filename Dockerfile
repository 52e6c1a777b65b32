# One image for both halves of Warden: the console (default command) and the gateway, compiled to
# JavaScript and run by plain node (`command: ["node", "dist/gateway.mjs"]`
# in docker-compose.yml; GATEWAY_WORKERS sets how many worker processes it runs).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The console (.next/) and the gateway (dist/gateway.mjs).
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=build /app /app
RUN npm prune --omit=dev --no-audit --no-fund
# The console listens on every interface inside the container; publish it deliberately.
EXPOSE 3000 6432
USER node
CMD ["sh", "-c", "npx warden migrate && node node_modules/next/dist/bin/next start -H 0.0.0.0 -p ${PORT:-3000}"]
