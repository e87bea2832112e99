#!/usr/bin/env bash
# Prepares a Debian 12 machine that has the .NET 10 SDK: installs the native packages the module and its tests need
# (only those missing), then builds the solution. Idempotent; run.sh and test.sh call it first.
set -euo pipefail
cd "$(dirname "$0")/.."

# Runtime: librocksdb7.8 (RocksDB backend), libmosquitto1 (MQTT transport).
# Tests and benchmarks: mosquitto + clients (a real broker), openssl (test CAs), the -dev headers (the C baseline and
# the binding checks read them), gcc (compiles the C baseline).
packages=(librocksdb7.8 librocksdb-dev libmosquitto1 libmosquitto-dev mosquitto mosquitto-clients openssl gcc libc6-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet was not found on PATH)" >&2
  exit 1
fi

dotnet build EdgeModule.sln -c Release --nologo -v quiet -clp:ErrorsOnly
