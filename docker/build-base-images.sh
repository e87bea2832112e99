#!/usr/bin/env bash
# Builds local stand-ins for the three base images Dockerfile.amd64 names (its ARG defaults), for a machine that cannot
# pull images: from Debian's archive (debootstrap) and the .NET SDK installed on this machine. A tag that exists is left
# alone; --rebuild builds all three again. Each carries the label edgemodule.stand-in-base (which images built on them
# inherit: it marks an image built on a stand-in).
#
#   BASE_IMAGE    amd64/debian:bookworm-slim                       debootstrap --variant=minbase bookworm from this
#                                                                  machine's Debian archive (its apt sources), which
#                                                                  the image's apt sources name too
#   DOTNET_IMAGE  mcr.microsoft.com/dotnet/runtime:10.0-noble-amd64  BASE + /usr/share/dotnet with the dotnet host and
#                                                                  shared/Microsoft.NETCore.App only (all the module's
#                                                                  Dockerfile takes from it)
#   SDK_IMAGE     mcr.microsoft.com/dotnet/sdk:10.0-noble          BASE + ICU, OpenSSL, CA certificates + this machine's
#                                                                  whole SDK folder
#
# The SDK stand-in also trusts the CAs this machine added under /usr/local/share/ca-certificates and inherits
# NUGET_CERT_REVOCATION_MODE when it is set here, so that its NuGet restore reaches the registry as this machine does.
# Those are public certificates and a mode, no secret, and they stay in the build stage: the module's image is built
# FROM the other two. On a machine that can pull the real images, don't run this (they would be shadowed): delete the
# stand-ins with `docker image rm` and let `docker build` pull.
#
# Needs root (debootstrap), docker, debootstrap and dotnet; eng/setup-docker.sh installs what is missing and calls this.
# Network: apt inside the builds uses the host's network (--network host), like the host's own apt.
set -euo pipefail
cd "$(dirname "$0")/.."

docker=${EDGEMODULE_DOCKER:-docker}
# The Debian archive of this machine's apt sources (eng/debian-mirror.sh), unless given.
mirror=${DEBIAN_MIRROR:-$(./eng/debian-mirror.sh)}
security_mirror=${DEBIAN_SECURITY_MIRROR:-$(./eng/debian-mirror.sh --security)}
rebuild=false
[ "${1:-}" = "--rebuild" ] && rebuild=true

default_of() { sed -n "s/^ARG $1=//p" Dockerfile.amd64; }
base_image=$(default_of BASE_IMAGE)
dotnet_image=$(default_of DOTNET_IMAGE)
sdk_image=$(default_of SDK_IMAGE)
label="edgemodule.stand-in-base=docker/build-base-images.sh"

needed() { $rebuild || ! "$docker" image inspect "$1" >/dev/null 2>&1; }

# The classic builder: these Dockerfiles need nothing of BuildKit, and every docker CLI has it.
build() {
  DOCKER_BUILDKIT=0 "$docker" build --network host -t "$1" - >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; return 1; }
}

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime_version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\./ { v = $2 } END { print v }')
if [ -z "$runtime_version" ]; then
  echo "build-base-images: no .NET 10 runtime under $dotnet_root" >&2
  exit 1
fi

work=$(mktemp -d /var/tmp/edgemodule-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

if needed "$base_image"; then
  echo "build-base-images: $base_image (debootstrap bookworm from $mirror)"
  started=$SECONDS
  debootstrap --variant=minbase --arch=amd64 bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  rm -f "$work/rootfs/etc/apt/sources.list"
  cat >"$work/rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/*
  tar -C "$work/rootfs" -c . | "$docker" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' --change "LABEL $label" - "$base_image" >/dev/null
  rm -rf "$work/rootfs"
  echo "build-base-images: $base_image done in $((SECONDS - started)) s"
fi

# A build context streamed as a tar: a Dockerfile plus folders taken where they are (nothing copied to disk).
# $1: image, $2: Dockerfile text, rest: tar arguments naming the folders.
build_with() {
  local image=$1 dockerfile=$2
  shift 2
  mkdir -p "$work/context"
  printf '%s\n' "$dockerfile" >"$work/context/Dockerfile"
  tar -c -C "$work/context" Dockerfile "$@" | build "$image"
}

# Both .NET images get the folder under the name dotnet/, whatever the SDK's folder is called here.
dotnet_parent=$(dirname "$dotnet_root")
dotnet_name=$(basename "$dotnet_root")
as_dotnet="s,^$dotnet_name,dotnet,"

if needed "$dotnet_image"; then
  echo "build-base-images: $dotnet_image (.NET runtime $runtime_version from $dotnet_root)"
  build_with "$dotnet_image" "FROM $base_image
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_VERSION=$runtime_version DOTNET_RUNNING_IN_CONTAINER=true
LABEL $label" \
    -C "$dotnet_parent" --transform "$as_dotnet" \
    "$dotnet_name/dotnet" "$dotnet_name/host" "$dotnet_name/shared/Microsoft.NETCore.App/$runtime_version" \
    "$dotnet_name/LICENSE.txt" "$dotnet_name/ThirdPartyNotices.txt"
fi

if needed "$sdk_image"; then
  echo "build-base-images: $sdk_image (the SDK folder $dotnet_root)"
  revocation=""
  [ -n "${NUGET_CERT_REVOCATION_MODE:-}" ] && revocation="ENV NUGET_CERT_REVOCATION_MODE=$NUGET_CERT_REVOCATION_MODE"
  mkdir -p "$work/context/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$work/context/ca-certificates/" 2>/dev/null || true
  build_with "$sdk_image" "FROM $base_image
RUN apt-get update \\
    && apt-get install -y --no-install-recommends ca-certificates libc6 libgcc-s1 libicu72 libssl3 libstdc++6 tzdata zlib1g \\
    && rm -rf /var/lib/apt/lists/*
COPY ca-certificates/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_NOLOGO=true DOTNET_CLI_TELEMETRY_OPTOUT=true DOTNET_GENERATE_ASPNET_CERTIFICATE=false \\
    DOTNET_RUNNING_IN_CONTAINER=true NUGET_XMLDOC_MODE=skip
$revocation
LABEL $label" \
    ca-certificates -C "$dotnet_parent" --transform "$as_dotnet" "$dotnet_name"
fi
