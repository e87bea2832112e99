#!/usr/bin/env bash
# Prepares this machine for the container tests (tests/EdgeModule.Container.Tests). Idempotent; test.sh runs it.
#  1. Installs Debian's docker.io (the engine) and debootstrap with apt-get, each only when missing.
#  2. Starts dockerd when no engine answers, with no default bridge and no iptables rules: builds and containers use the
#     host's network (--network host), so nothing but this machine's own network exists. Its log:
#     /var/log/edgemodule-dockerd.log. Waits for it, at most 60 s.
#  3. Builds the local stand-ins for the base images Dockerfile.amd64 names, when a tag is missing
#     (docker/build-base-images.sh: about 3 minutes once; the tags stay on the machine).
# EDGEMODULE_DOCKER names the docker CLI (default: docker on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

docker=${EDGEMODULE_DOCKER:-docker}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -E"

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-docker: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! "$docker" info >/dev/null 2>&1; then
  echo "setup-docker: starting dockerd (--bridge=none --iptables=false)"
  $sudo sh -c 'setsid nohup dockerd --bridge=none --iptables=false >>/var/log/edgemodule-dockerd.log 2>&1 </dev/null &'
  for _ in $(seq 120); do
    "$docker" info >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! "$docker" info >/dev/null 2>&1; then
    echo "setup-docker: dockerd did not answer within 60 s; its log:" >&2
    tail -20 /var/log/edgemodule-dockerd.log >&2
    exit 1
  fi
fi

$sudo ./docker/build-base-images.sh
