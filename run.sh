#!/usr/bin/env bash
# Builds and starts the module in the foreground with the settings from the environment (see README). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")"
./eng/setup.sh
exec dotnet src/EdgeModule/bin/Release/net10.0/EdgeModule.dll "$@"
