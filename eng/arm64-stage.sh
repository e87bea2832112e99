#!/usr/bin/env bash
# The arm64 stage: the module and its native-facing tests as arm64 code, run on this x64 machine under qemu-user.
#  1. A Debian 12 arm64 root filesystem with librocksdb7.8, libmosquitto1, libssl3 and the -dev headers
#     (eng/arm-rootfs.sh; qemu-aarch64-static -L points the guest's loader and file lookups at it).
#  2. Self-contained linux-arm64 publishes of the module and of the RocksDB, MQTT and backup test projects (the arm64
#     runtime pack comes from NuGet; bin/obj apart from the tree's, under artifacts/arm64/build).
#  3. Each test project runs under emulation. Tests that rely on what qemu-user does not emulate (/proc/self/fdinfo
#     flags, madvise, starting `dotnet`) see it at run time (EdgeModule.Testing's Emulation) and skip, saying so.
#  4. End to end: the arm64 module under qemu, driven by the x64 end-to-end tests of tests/EdgeModule.Tests
#     (EDGEMODULE_TEST_MODULE), against native mosquitto brokers on free loopback ports: in memory with backup
#     across SIGTERM and a restart, and on RocksDB.
# DOTNET_EnableWriteXorExecute=0 everywhere under qemu: with W^X on, the JIT's double mapping dies with "Illegal
# instruction" under emulation. Run alone: eng/arm64-stage.sh (11 minutes on a busy 2-core machine; .ci/run calls it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/arm64"
rootfs="$out/rootfs"
qemu=qemu-aarch64-static
test_projects=(EdgeModule.Storage.RocksDb.Tests EdgeModule.Transport.Mqtt.Tests EdgeModule.Backup.Tests)
e2e_filter="FullyQualifiedName~ModuleEndToEndTests.Module_UpstreamDownThenSigterm_BacksUpAndDeliversAllAfterRestartInOrderByteIdentical|FullyQualifiedName~ModuleEndToEndTests.Module_RocksDbMode_DeliversAllAfterRestartWithoutBackup"

fail() {
  echo "arm64-stage: FAIL: $*" >&2
  exit 1
}

stage_started=$SECONDS
command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is not on PATH"
# Native mosquitto, mosquitto_pub/sub and openssl for the brokers and PKI the tests start on the host.
"$root/eng/install-packages.sh" mosquitto mosquitto-clients openssl
"$root/eng/arm-rootfs.sh" arm64 "$rootfs"

publish() {
  local project=$1 name=$2 started=$SECONDS log
  log=$(mktemp)
  rm -rf "$out/publish/$name"
  if ! dotnet publish "$root/$project" -c Release -r linux-arm64 --self-contained true -p:PublishReadyToRun=false \
      --artifacts-path "$out/build" -o "$out/publish/$name" --nologo -v quiet -clp:ErrorsOnly >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    fail "dotnet publish $project for linux-arm64"
  fi
  rm -f "$log"
  [ "$(head -c 20 "$out/publish/$name/$name" | od -An -tx1 -j18 -N2 | tr -d ' ')" = "b700" ] \
    || fail "$out/publish/$name/$name is not an arm64 (EM_AARCH64) executable"
  echo "arm64-stage: published $name for linux-arm64 (self-contained) in $((SECONDS - started)) s"
}

publish src/EdgeModule/EdgeModule.csproj EdgeModule
for p in "${test_projects[@]}"; do
  publish "tests/$p/$p.csproj" "$p"
done

status=0
for p in "${test_projects[@]}"; do
  started=$SECONDS
  log="$out/$p.log"
  # From its own folder: the tests find their data beside the assembly.
  if (cd "$out/publish/$p" && DOTNET_EnableWriteXorExecute=0 timeout 1800 "$qemu" -L "$rootfs" "./$p" -noColor) >"$log" 2>&1; then
    result=passed
  else
    result=FAILED
    status=1
    grep -A12 '\[FAIL\]' "$log" | head -80 >&2 || tail -40 "$log" >&2
  fi
  echo "arm64-stage: $p under $qemu: $result in $((SECONDS - started)) s: $(grep -o 'Total: .*' "$log" | tail -1)"
  grep -o '\[SKIP\].*' "$log" >/dev/null && grep -B0 -A1 '\[SKIP\]' "$log" | sed 's/^ */    /' | head -20
done

# The end-to-end tests of the module, run by the x64 test host with the arm64 module in its place.
started=$SECONDS
module="$out/run-module.sh"
cat >"$module" <<SCRIPT
#!/bin/sh
# The arm64 module under emulation, in the place of 'dotnet EdgeModule.dll' (written by eng/arm64-stage.sh).
DOTNET_EnableWriteXorExecute=0 exec $qemu -L "$rootfs" "$out/publish/EdgeModule/EdgeModule" "\$@"
SCRIPT
chmod +x "$module"
dotnet build "$root/tests/EdgeModule.Tests" -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
log="$out/EdgeModule.Tests.e2e.log"
if EDGEMODULE_TEST_MODULE="$module" timeout 1800 dotnet test "$root/tests/EdgeModule.Tests" -c Release --no-build --nologo \
    --filter "$e2e_filter" >"$log" 2>&1; then
  result=passed
else
  result=FAILED
  status=1
  tail -60 "$log" >&2
fi
echo "arm64-stage: end to end, the arm64 module under $qemu against native brokers: $result in $((SECONDS - started)) s:" \
  "$(grep -o 'Failed: .*Total: *[0-9]*' "$log" | tail -1 | tr -s ' ')"

[ "$status" -eq 0 ] || fail "see above"
echo "arm64-stage: all passed in $((SECONDS - stage_started)) s"
