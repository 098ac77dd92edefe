#!/usr/bin/env bash
# Runs a command inside a private network namespace with one veth pair (10.77.0.1/24 on lk0):
# WebRTC ignores loopback, so the stack and its test clients talk over lk0, and no packet can
# leave this namespace. Needs root (CI runs as root). Usage: in-netns.sh COMMAND [ARGS...]
set -euo pipefail
if [ "${IN_TEST_NETNS:-}" != "1" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "in-netns.sh: needs root (unshare -n)" >&2; exit 1; }
  export IN_TEST_NETNS=1
  exec unshare -n -- "$0" "$@"
fi
ip link set lo up
ip link add lk0 type veth peer name lk1
ip addr add 10.77.0.1/24 dev lk0
ip link set lk0 up
ip link set lk1 up
export STACK_IP=10.77.0.1
exec "$@"
