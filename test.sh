#!/usr/bin/env bash
# Runs every test of the solution (unit, conformance, native-boundary, header, process, broker and container tests) in
# Release. eng/setup.sh installs the native packages and builds; eng/setup-docker.sh installs and starts a local Docker
# engine (no default bridge) and builds the stand-in base images once, cached by tag; the container tests build the
# image and run it with Testcontainers. The arm stages are apart (eng/arm64-stage.sh, eng/arm32-stage.sh; README, "ARM").
set -euo pipefail
cd "$(dirname "$0")"
./eng/setup.sh
./eng/setup-docker.sh

# The upload tests run a real Azure Blob Storage emulator: npm's azurite, on 127.0.0.1 only.
if ! command -v azurite-blob >/dev/null 2>&1; then
  if ! command -v npm >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  npm install -g azurite --no-audit --no-fund >/dev/null
fi
EDGEMODULE_CONTAINER_TESTS=1 dotnet test EdgeModule.sln -c Release --no-build --nologo "$@"
