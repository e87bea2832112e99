#!/usr/bin/env bash
# Publishes the module framework-dependent for linux-arm (arm32v7) and linux-arm64 (arm64v8), without an apphost, as
# the Dockerfiles do, and checks what comes out: EdgeModule.dll and a runtimeconfig naming the shared framework, no
# native file (no apphost, no native library: those come from Debian's packages), and only IL-only assemblies, AnyCPU
# except EdgeModule.dll, which the SDK stamps with the RID's architecture (still IL; not ReadyToRun, not x86-only).
# This needs no arm runtime or apphost pack (none can be obtained here); running on arm is verified on devices.
# Usage: eng/publish-arm.sh [output-folder]   (default: artifacts/publish-arm; one subfolder per RID)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$root/artifacts/publish-arm}")"
# bin/ and obj/ of this publish, apart from the tree's own: a RID-specific restore must not touch what
# `dotnet build` and `dotnet test` use.
build="$root/artifacts/publish-arm-build"
rids=(linux-arm linux-arm64)

fail() {
  echo "publish-arm: FAIL: $*" >&2
  exit 1
}

u16() { od -An -tu2 -j "$2" -N2 "$1" | tr -d ' '; }
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }

# Prints why a .dll is not an IL-only assembly for any architecture or for $2's, or nothing when it is. Reads the
# PE/COFF headers: the machine must be I386 (AnyCPU; what NuGet's IL assemblies carry) or the RID's own (the SDK stamps
# it on the entry assembly of a RID-specific publish: still pure IL); ReadyToRun code carries the target's machine
# xor'ed with an OS value, a native library no CLI header. The CLI header's flags must have ILONLY (0x1) without
# 32BITREQUIRED (0x2).
not_il_only() {
  local f=$1 rid_machine=$2 pe machine sections optional magic directories cli i section va size raw flags
  [ "$(head -c2 "$f")" = "MZ" ] || { echo "not a PE file"; return 0; }
  pe=$(u32 "$f" 60)
  [ "$(od -An -c -j "$pe" -N4 "$f" | tr -d ' ')" = 'PE\0\0' ] || { echo "no PE signature"; return 0; }
  machine=$(u16 "$f" $((pe + 4)))
  sections=$(u16 "$f" $((pe + 6)))
  optional=$((pe + 24))
  magic=$(u16 "$f" "$optional")
  directories=$((optional + (magic == 0x20b ? 112 : 96)))
  cli=$(u32 "$f" $((directories + 14 * 8)))
  [ "$cli" -ne 0 ] || { echo "no CLI header: a native library"; return 0; }
  if [ "$machine" -ne $((0x14c)) ] && [ "$machine" -ne "$rid_machine" ]; then
    printf 'machine 0x%x: ReadyToRun or another architecture\n' "$machine"
    return 0
  fi
  for ((i = 0; i < sections; i++)); do
    section=$((optional + $(u16 "$f" $((pe + 20))) + 40 * i))
    va=$(u32 "$f" $((section + 12)))
    size=$(u32 "$f" $((section + 8)))
    raw=$(u32 "$f" $((section + 20)))
    if [ "$cli" -ge "$va" ] && [ "$cli" -lt $((va + size)) ]; then
      flags=$(u32 "$f" $((cli - va + raw + 16)))
      if (((flags & 1) == 0)); then echo "not IL-only (mixed-mode)"; elif ((flags & 2)); then echo "32-bit x86 only (32BITREQUIRED)"; fi
      return 0
    fi
  done
  echo "CLI header outside every section"
}

check_output() {
  local rid=$1 dir=$2 f why count=0 rid_machine stamped=()
  case $rid in
    linux-arm) rid_machine=$((0x1c4)) ;;
    linux-arm64) rid_machine=$((0xaa64)) ;;
    *) fail "$rid: no PE machine known for this RID" ;;
  esac
  [ -f "$dir/EdgeModule.dll" ] || fail "$rid: $dir/EdgeModule.dll is missing"
  grep -q '"Microsoft.NETCore.App"' "$dir/EdgeModule.runtimeconfig.json" 2>/dev/null \
    || fail "$rid: EdgeModule.runtimeconfig.json does not name the shared framework (not framework-dependent?)"
  grep -q "\"name\": \".NETCoreApp,Version=v[0-9.]*/$rid\"" "$dir/EdgeModule.deps.json" \
    || fail "$rid: EdgeModule.deps.json does not target $rid"
  [ ! -e "$dir/EdgeModule" ] || fail "$rid: an apphost ($dir/EdgeModule) was published"
  while IFS= read -r -d '' f; do
    [ "$(head -c4 "$f" | od -An -tx1 | tr -d ' ')" != "7f454c46" ] || fail "$rid: native (ELF) file ${f#"$dir"/}"
  done < <(find "$dir" -type f -print0)
  while IFS= read -r -d '' f; do
    why=$(not_il_only "$f" "$rid_machine")
    [ -z "$why" ] || fail "$rid: ${f#"$dir"/}: $why"
    count=$((count + 1))
    [ "$(u16 "$f" $(($(u32 "$f" 60) + 4)))" -eq $((0x14c)) ] || stamped+=("${f#"$dir"/}")
  done < <(find "$dir" -type f -name '*.dll' -print0)
  echo "publish-arm: $rid: $count assemblies, EdgeModule.dll among them, all IL-only: AnyCPU but" \
    "${stamped[*]:-none} (IL stamped $rid by the SDK); no apphost, no native file"
}

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is not on PATH"
for rid in "${rids[@]}"; do
  dir="$out/$rid"
  rm -rf "$dir"
  started=$SECONDS
  log=$(mktemp)
  if ! dotnet publish "$root/src/EdgeModule/EdgeModule.csproj" -c Release -r "$rid" --self-contained false \
      -p:UseAppHost=false -p:PublishReadyToRun=false --artifacts-path "$build" -o "$dir" --nologo -v quiet \
      -clp:ErrorsOnly >"$log" 2>&1; then
    cat "$log" >&2
    if grep -q 'NU110[0-9].*Microsoft\.\(NETCore\|AspNetCore\)\.App\.\(Runtime\|Host\)' "$log"; then
      echo "publish-arm: restore asked for an arm runtime or apphost pack, which a framework-dependent publish" \
        "without an apphost must not need (and which cannot be obtained here)" >&2
    fi
    rm -f "$log"
    fail "$rid: dotnet publish failed"
  fi
  rm -f "$log"
  echo "publish-arm: $rid: published in $((SECONDS - started)) s to $dir"
  check_output "$rid" "$dir"
done
