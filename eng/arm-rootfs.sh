#!/usr/bin/env bash
# Makes a Debian 12 root filesystem of another architecture for running or linking against its native libraries under
# qemu-user: mmdebstrap --variant=extract (packages unpacked, nothing configured, no emulation needed to make it; a
# few seconds) from this machine's Debian archive (eng/debian-mirror.sh). Kept while its architecture and package list
# are the same (a stamp file in it says which); a change makes it again.
# Usage: eng/arm-rootfs.sh <arm64|armhf> <folder> [package...]
#   default packages: librocksdb7.8 libmosquitto1 libssl3 librocksdb-dev libmosquitto-dev
# Installs what it needs when missing (apt-get): mmdebstrap, arch-test, qemu-user-static.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 2 ] || { echo "usage: $0 <arm64|armhf> <folder> [package...]" >&2; exit 2; }
arch=$1
folder=$(realpath -m "$2")
shift 2
packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(librocksdb7.8 libmosquitto1 libssl3 librocksdb-dev libmosquitto-dev)
case $arch in
  arm64 | armhf) ;;
  *) echo "arm-rootfs: unknown architecture '$arch' (arm64 or armhf)" >&2; exit 2 ;;
esac

"$root/eng/install-packages.sh" mmdebstrap arch-test qemu-user-static

stamp="$arch ${packages[*]}"
if [ -f "$folder/.edgemodule-rootfs" ] && [ "$(cat "$folder/.edgemodule-rootfs")" = "$stamp" ]; then
  echo "arm-rootfs: $folder ($arch) is up to date"
  exit 0
fi

mirror=$("$root/eng/debian-mirror.sh")
rm -rf "$folder"
mkdir -p "$(dirname "$folder")"
started=$SECONDS
log=$(mktemp)
include=$(IFS=,; echo "${packages[*]}")
if ! mmdebstrap --arch="$arch" --variant=extract --include="$include" bookworm "$folder" "$mirror" >"$log" 2>&1; then
  tail -30 "$log" >&2
  rm -f "$log"
  echo "arm-rootfs: mmdebstrap $arch from $mirror failed" >&2
  exit 1
fi
rm -f "$log"
echo "$stamp" >"$folder/.edgemodule-rootfs"
echo "arm-rootfs: $arch root filesystem with ${packages[*]} from $mirror in $((SECONDS - started)) s: $folder"
