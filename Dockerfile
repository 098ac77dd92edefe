# One image for the Node services (mcp, agent, token-api, switchboard); docker-compose.yml picks the command.
# Only what they run goes in: product workspaces, their runtime dependencies and the built web
# tester. Tests, tools, benchmarks, .env and call records stay out (.dockerignore; a test checks).

# The web tester is built with Vite (a dev dependency), then only its dist/ is kept.
FROM node:20.20-bookworm-slim AS web-tester
WORKDIR /build
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY web-test/package.json web-test/
RUN npm ci --no-audit --no-fund --workspace=web-test --workspace=contracts --include-workspace-root=false
COPY contracts/ contracts/
COPY web-test/ web-test/
RUN npm run build -w web-test

FROM node:20.20-bookworm-slim AS app
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip NODE_ENV=production
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY data/package.json data/
COPY mcp/package.json mcp/
COPY agent/package.json agent/
COPY token-api/package.json token-api/
COPY sip/package.json sip/
COPY switchboard/package.json switchboard/
# Runtime dependencies of the services only (no dev dependencies, no test or tool workspaces).
RUN npm ci --no-audit --no-fund --omit=dev --include-workspace-root=false \
      --workspace=contracts --workspace=data --workspace=mcp --workspace=agent \
      --workspace=token-api --workspace=sip --workspace=switchboard
COPY contracts/ contracts/
COPY data/ data/
COPY mcp/ mcp/
COPY agent/ agent/
COPY token-api/ token-api/
COPY sip/ sip/
COPY switchboard/ switchboard/
COPY livekit.yaml tsconfig.base.json ./
COPY --from=web-tester /build/web-test/dist web-test/dist
# The agent runs as a bundle of our code and the agents framework (agent/scripts/bundle.ts): each
# call's job process then loads in plain Node with 41 % of the CPU it takes from node_modules.
RUN npm run bundle --workspace agent
USER node
