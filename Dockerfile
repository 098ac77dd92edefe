# One image for the Node services (mcp, agent, token-api); docker-compose.yml picks the command.
FROM node:20.20-bookworm-slim AS app
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip NODE_ENV=production
COPY package.json package-lock.json ./
COPY data/package.json data/
COPY mcp/package.json mcp/
COPY agent/package.json agent/
COPY token-api/package.json token-api/
COPY web-test/package.json web-test/
COPY sip/package.json sip/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund --include=dev
COPY . .
USER node
