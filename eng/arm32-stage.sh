#!/usr/bin/env bash
# The arm32 stage. No .NET runtime for linux-arm can be had here (NuGet serves no linux-arm runtime pack, Debian packages
# no .NET), so the module itself cannot run as arm32; its native side can. This
#  1. makes a Debian 12 armhf root filesystem with librocksdb7.8, libmosquitto1 and their -dev headers
#     (eng/arm-rootfs.sh);
#  2. checks that eng/arm32/native-check.c calls every librocksdb and libmosquitto function the bindings import
#     (each [LibraryImport] of src/EdgeModule.Storage.RocksDb/Native and src/EdgeModule.Transport.Mqtt/Native, by
#     its EntryPoint or method name);
#  3. cross-compiles it with gcc-arm-linux-gnueabihf against that root filesystem (warnings are errors);
#  4. runs it under qemu-arm with Debian's armhf libraries, its database on a tmpfs (on ext4 a 32-bit guest of a
#     64-bit kernel gets 64-bit directory offsets and readdir fails with "Value too large for defined data type"),
#     against a native mosquitto on a free 127.0.0.1 port.
# The 32-bit signature tests (every binding against its header, sizes on arm32) run in the solution's tests.
# Run alone: eng/arm32-stage.sh (about a minute; .ci/run calls it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/arm32"
rootfs="$out/rootfs"
source="$root/eng/arm32/native-check.c"

fail() {
  echo "arm32-stage: FAIL: $*" >&2
  exit 1
}

started=$SECONDS
"$root/eng/install-packages.sh" gcc-arm-linux-gnueabihf libc6-dev-armhf-cross mosquitto
"$root/eng/arm-rootfs.sh" armhf "$rootfs"

# Every native function the bindings import, by the name the library exports.
imports=$(perl -0ne '
  while (/\[LibraryImport\(([^\]]*)\)\]\s*(?:\[[^\]]*\]\s*)*internal static (?:unsafe )?partial [^\(]*?\b(\w+)\(/g) {
    my ($attribute, $method) = ($1, $2);
    print(($attribute =~ /EntryPoint\s*=\s*"(\w+)"/ ? $1 : $method), "\n");
  }' "$root"/src/EdgeModule.Storage.RocksDb/Native/NativeMethods*.cs "$root"/src/EdgeModule.Transport.Mqtt/Native/NativeMethods*.cs \
  | grep -E '^(rocksdb|mosquitto)_' | sort -u)
[ "$(grep -c . <<<"$imports")" -ge 50 ] || fail "found only $(grep -c . <<<"$imports") imports in the bindings: has their layout changed?"
missing=()
for name in $imports; do
  grep -qE "\\b$name\\(" "$source" || missing+=("$name")
done
[ ${#missing[@]} -eq 0 ] || fail "${source#"$root"/} does not call ${missing[*]}, which the bindings import"
echo "arm32-stage: ${source#"$root"/} calls all $(grep -c . <<<"$imports") librocksdb and libmosquitto functions the bindings import"

binary="$out/native-check"
arm-linux-gnueabihf-gcc --sysroot="$rootfs" -O1 -Wall -Wextra -Werror -o "$binary" "$source" -lrocksdb -lmosquitto \
  || fail "cross-compiling ${source#"$root"/}"

work=$(mktemp -d)
data=""
broker=""
cleanup() {
  [ -n "$broker" ] && kill "$broker" 2>/dev/null && wait "$broker" 2>/dev/null
  [ -n "$data" ] && { rm -rf "$data"; mountpoint -q "$work/tmpfs" && umount "$work/tmpfs"; }
  rm -rf "$work"
}
trap cleanup EXIT

# The database on a tmpfs: /dev/shm when it is one, else a tmpfs mounted for this run (needs root).
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ]; then
  data=$(mktemp -d /dev/shm/edgemodule-arm32.XXXXXX)
else
  mkdir "$work/tmpfs"
  mount -t tmpfs -o size=256m tmpfs "$work/tmpfs" || fail "no tmpfs for the database (/dev/shm is none, and mount needs root)"
  data="$work/tmpfs/data"
  mkdir "$data"
fi

# A native broker on a port outside the ephemeral range that nothing listens on.
read -r low high </proc/sys/net/ipv4/ip_local_port_range
for port in $(shuf -i 10000-$((low - 1)) -n 20); do
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nlog_dest stderr\nlog_type all\n' "$port" >"$work/mosquitto.conf"
  mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
  broker=$!
  for _ in $(seq 100); do
    grep -q ' running' "$work/mosquitto.log" && break
    kill -0 "$broker" 2>/dev/null || break
    sleep 0.1
  done
  grep -q ' running' "$work/mosquitto.log" && break
  wait "$broker" 2>/dev/null || true
  broker=""
done
[ -n "$broker" ] || { cat "$work/mosquitto.log" >&2; fail "mosquitto did not start"; }

if ! result=$(qemu-arm-static -L "$rootfs" "$binary" "$data/db" "$port" "$source" 2>&1); then
  echo "$result" >&2
  fail "the native check failed under qemu-arm"
fi
echo "arm32-stage: armhf librocksdb7.8 and libmosquitto1 under qemu-arm: $result; passed in $((SECONDS - started)) s"
