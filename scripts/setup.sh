#!/usr/bin/env bash
# One-time (and safe to re-run) setup: Debian packages, npm dependencies, livekit-server and
# livekit-sip built from the Go module proxy into .tools/bin, and .env with fresh secrets.
set -euo pipefail
cd "$(dirname "$0")/.."

LIVEKIT_SERVER_VERSION=v1.13.5
# The module proxy serves github.com/livekit/sip only at some tags (v1.8.0 is the newest served
# here; v1.9-v1.11 are refused) and refuses its version list, which `go install` needs: so it is
# built from a throwaway module that requires exactly this version.
LIVEKIT_SIP_VERSION=v1.8.0
TOOLS="$PWD/.tools/bin"
APT_PACKAGES=(redis-server iproute2 openssl pkg-config libopus-dev libopusfile-dev libsoxr-dev espeak-ng sox sip-tester chromium fail2ban tcpdump)

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }

step "Checking Node.js and Go"
command -v node >/dev/null || fail "Node.js 20.19 or newer is required (not found)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || fail "Node.js 20.19 or newer is required (found $(node --version))"
command -v go >/dev/null || fail "Go is required to build livekit-server and livekit-sip (https://go.dev/doc/install)"
echo "node $(node --version), npm $(npm --version), $(go version)"

step "Debian packages"
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "all present: ${APT_PACKAGES[*]}"
else
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    fail "root is needed to install Debian packages; run: sudo apt-get install -y ${missing[*]}"
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; } \
    || fail "apt-get could not install: ${missing[*]}"
  # Debian's package starts a Redis without a password on 6379, the port `npm start` runs its own
  # (with REDIS_PASSWORD) on; it never reuses another. Undo only what this install started.
  if [[ " ${missing[*]} " == *" redis-server "* ]] && command -v systemctl >/dev/null \
    && systemctl is-active --quiet redis-server 2>/dev/null; then
    systemctl disable --now redis-server >/dev/null 2>&1 \
      && echo "stopped and disabled Debian's redis-server service (npm start runs its own Redis)"
  fi
  # fail2ban is here for its fail2ban-regex, which the tests run on the shipped filter
  # (sip/fail2ban). On a dev machine with systemd its package also starts a daemon with Debian's
  # sshd jail: undo only what this install started (production enables it: sip/README.md).
  if [[ " ${missing[*]} " == *" fail2ban "* ]] && command -v systemctl >/dev/null \
    && systemctl is-active --quiet fail2ban 2>/dev/null; then
    systemctl disable --now fail2ban >/dev/null 2>&1 \
      && echo "stopped and disabled Debian's fail2ban service (setup needs only fail2ban-regex)"
  fi
fi

step "Installing npm dependencies (npm ci)"
# onnxruntime-node (pulled in by the agent's VAD) would download a CUDA build; the model runs on CPU.
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund

step "Building the web tester (web-test/dist, served by the token API)"
npm run --silent build -w web-test >/dev/null || fail "the web tester did not build (npm run build -w web-test)"
echo "built web-test/dist"

step "livekit-server $LIVEKIT_SERVER_VERSION"
mkdir -p "$TOOLS"
if [ -x "$TOOLS/livekit-server" ] && "$TOOLS/livekit-server" --version 2>/dev/null | grep -q "${LIVEKIT_SERVER_VERSION#v}"; then
  echo "present: $TOOLS/livekit-server"
else
  echo "building from the Go module proxy (a few minutes the first time)"
  GOBIN="$TOOLS" go install "github.com/livekit/livekit-server/cmd/server@$LIVEKIT_SERVER_VERSION" \
    || fail "could not build livekit-server $LIVEKIT_SERVER_VERSION"
  mv "$TOOLS/server" "$TOOLS/livekit-server"
fi

step "livekit-sip $LIVEKIT_SIP_VERSION"
if [ -x "$TOOLS/livekit-sip" ] && [ "$(cat "$TOOLS/livekit-sip.version" 2>/dev/null)" = "$LIVEKIT_SIP_VERSION" ]; then
  echo "present: $TOOLS/livekit-sip"
else
  echo "building from the Go module proxy (a few minutes the first time)"
  build=$(mktemp -d)
  (
    cd "$build"
    go mod init livekit-sip-build >/dev/null 2>&1
    go get "github.com/livekit/sip/cmd/livekit-sip@$LIVEKIT_SIP_VERSION" >/dev/null 2>&1
    CGO_ENABLED=1 go build -o "$TOOLS/livekit-sip" github.com/livekit/sip/cmd/livekit-sip
  ) || fail "could not build livekit-sip $LIVEKIT_SIP_VERSION (needs cgo and libopus-dev, libopusfile-dev, libsoxr-dev)"
  rm -rf "$build"
  echo "$LIVEKIT_SIP_VERSION" > "$TOOLS/livekit-sip.version"
fi

step "Dev certificate for SIP over TLS (.tools/tls)"
# The bridge serves SIP over TLS on 5061 with this certificate (npm start, e2e tests); softphones
# and the test caller verify it against ca.crt. Dev only: production mounts a real certificate
# (SIP_TLS_CERT_FILE / SIP_TLS_KEY_FILE, sip/README.md). Never committed nor in an image (.tools/).
TLS_DIR="$PWD/.tools/tls"
command -v openssl >/dev/null || fail "openssl is required for the dev certificate"
# Addresses the stack is reached at: loopback, the e2e namespace's STACK_IP, .env's STACK_IP and
# this machine's IPv4 addresses (npm start's default STACK_IP is the first of them).
tls_ips="127.0.0.1 10.77.0.1 $(sed -n 's/^STACK_IP=\(.\+\)$/\1/p' .env 2>/dev/null || true) $(hostname -I 2>/dev/null || true)"
tls_san="DNS:localhost"
for ip in $tls_ips; do
  if [[ "$ip" =~ ^[0-9]+(\.[0-9]+){3}$ && ",$tls_san," != *",IP:$ip,"* ]]; then tls_san="$tls_san,IP:$ip"; fi
done
tls_current() {
  [ -f "$TLS_DIR/sip.key" ] && [ -f "$TLS_DIR/ca.crt" ] \
    && openssl x509 -in "$TLS_DIR/sip.crt" -noout -checkend 2592000 >/dev/null 2>&1 \
    && openssl verify -CAfile "$TLS_DIR/ca.crt" "$TLS_DIR/sip.crt" >/dev/null 2>&1 || return 1
  # Every address above is still in the certificate (a new STACK_IP needs a new one).
  local sans
  sans=$(openssl x509 -in "$TLS_DIR/sip.crt" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | tr -d ' \n')
  for entry in ${tls_san//,/ }; do
    [[ ",$sans," == *",${entry/IP:/IPAddress:},"* ]] || return 1
  done
}
if tls_current; then
  echo "present: $TLS_DIR/sip.crt (valid for 30+ days, signed by $TLS_DIR/ca.crt)"
else
  (
    umask 077
    mkdir -p "$TLS_DIR"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    # A one-off CA whose key is deleted right after signing: trusting ca.crt (in a softphone, in
    # the tests) trusts this one server certificate and nothing anyone could sign later.
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=ecommerce-voicebot dev CA" \
      -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign" \
      -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
    openssl req -new -newkey rsa:2048 -nodes -subj "/CN=livekit-sip dev" \
      -keyout "$work/sip.key" -out "$work/sip.csr" 2>/dev/null
    printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
      "$tls_san" > "$work/ext.cnf"
    openssl x509 -req -in "$work/sip.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
      -days 397 -extfile "$work/ext.cnf" -out "$work/sip.crt" 2>/dev/null
    install -m 600 "$work/sip.key" "$TLS_DIR/sip.key"
    install -m 644 "$work/sip.crt" "$TLS_DIR/sip.crt"
    install -m 644 "$work/ca.crt" "$TLS_DIR/ca.crt"
  ) || fail "could not create the dev certificate in $TLS_DIR"
  echo "created $TLS_DIR/sip.crt and sip.key (0600) for $tls_san, signed by $TLS_DIR/ca.crt"
fi


step "Environment file"
secret() { node -e "console.log(require('node:crypto').randomBytes($1).toString('base64url'))"; }
if [ -f .env ]; then
  echo ".env exists; left as it is"
else
  umask 077
  # One .env for every service: each service's .env.example, secrets filled in.
  cat stack/.env.example sip/.env.example switchboard/.env.example mcp/.env.example agent/.env.example token-api/.env.example \
    | sed -e "s|^MCP_AUTH_TOKEN=.*|MCP_AUTH_TOKEN=$(secret 24)|" \
          -e "s|^LIVEKIT_API_KEY=.*|LIVEKIT_API_KEY=API$(secret 9)|" \
          -e "s|^LIVEKIT_API_SECRET=.*|LIVEKIT_API_SECRET=$(secret 32)|" \
          -e "s|^QA_PASSCODE=.*|QA_PASSCODE=$(secret 12)|" \
          -e "s|^SIP_PASSWORD=.*|SIP_PASSWORD=$(secret 12)|" \
          -e "s|^REDIS_PASSWORD=.*|REDIS_PASSWORD=$(secret 24)|" > .env
  echo "created .env with fresh MCP, LiveKit, SIP and Redis secrets (every setting is described in the services' .env.example files)"
fi
# Secrets added since an existing .env was created: appended, fresh, never overwriting a value.
if ! grep -q '^REDIS_PASSWORD=.' .env || grep -q '^REDIS_PASSWORD=generated-by-setup$' .env; then
  sed -i '/^REDIS_PASSWORD=/d' .env
  printf '# Redis password (requirepass): see stack/.env.example.\nREDIS_PASSWORD=%s\n' "$(secret 24)" >> .env
  echo "added a fresh REDIS_PASSWORD to .env"
fi
if grep -q '^SIP_PASSWORD=change-me' .env; then
  echo "note: SIP_PASSWORD in .env is the .env.example placeholder, which npm start refuses: set a random one"
fi

step "Done"
echo "Start the stack: npm start -- --offline (or npm start with OPENAI_API_KEY in .env)    Run every test: npm test"
