#!/usr/bin/env bash
# One-time (and safe to re-run) setup: checks the toolchain, installs npm dependencies,
# and creates .env with fresh secrets when it does not exist yet.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }

step "Checking Node.js"
command -v node >/dev/null || fail "Node.js 20.19 or newer is required (not found)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || fail "Node.js 20.19 or newer is required (found $(node --version))"
echo "node $(node --version), npm $(npm --version)"

step "Installing npm dependencies (npm ci)"
# onnxruntime-node (pulled in by the agent's VAD) would download a CUDA build; the model runs on CPU.
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund

step "Environment file"
if [ -f .env ]; then
  echo ".env exists; left as it is"
else
  token=$(node -e 'console.log(require("node:crypto").randomBytes(24).toString("base64url"))')
  # One .env for every service: each service's .env.example, secrets filled in.
  umask 077
  cat mcp/.env.example agent/.env.example | sed "s|^MCP_AUTH_TOKEN=.*|MCP_AUTH_TOKEN=${token}|" > .env
  echo "created .env with a random MCP_AUTH_TOKEN (every setting is described in mcp/.env.example and agent/.env.example)"
fi

step "Done"
echo "Start the MCP server: npm start    Run every test: npm test"
