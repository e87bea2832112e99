#!/usr/bin/env bash
# Runs every test of the solution (unit, conformance, native-boundary, process and broker tests) in Release.
set -euo pipefail
cd "$(dirname "$0")"
./eng/setup.sh
dotnet test EdgeModule.sln -c Release --no-build --nologo "$@"
