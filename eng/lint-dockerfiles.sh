#!/usr/bin/env bash
# Lints the module's Dockerfiles with dockerfilelint (npm), with the rules tuned in .dockerfilelintrc, and checks
# that every base image is pinned to a tag (the rule dockerfilelint cannot apply to them, see below).
# Usage: eng/lint-dockerfiles.sh [Dockerfile...]   (default: Dockerfile.amd64, Dockerfile.arm32v7 and
# Dockerfile.arm64v8 at the repository root; each must exist). dockerfilelint is installed under artifacts/tools/
# (ignored by git) the first time, with the machine's npm (Debian's nodejs and npm are installed if it has none).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version=1.8.0
tools="$root/artifacts/tools/dockerfilelint"
lint="$tools/node_modules/.bin/dockerfilelint"

fail() {
  echo "lint-dockerfiles: FAIL: $*" >&2
  exit 1
}

if [ $# -gt 0 ]; then
  files=("$@")
else
  files=("$root/Dockerfile.amd64" "$root/Dockerfile.arm32v7" "$root/Dockerfile.arm64v8")
fi
# dockerfilelint lints a path that does not exist as if it were Dockerfile text, so check here.
for f in "${files[@]}"; do
  [ -f "$f" ] || fail "$f is missing"
done

if [ ! -x "$lint" ] || [ "$("$lint" --version 2>/dev/null)" != "$version" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "lint-dockerfiles: installing Debian's nodejs and npm"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  echo "lint-dockerfiles: installing dockerfilelint $version into ${tools#"$root"/}"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "dockerfilelint@$version" >/dev/null \
    || fail "npm could not install dockerfilelint@$version"
fi

# dockerfilelint leaves ARG values unexpanded, so "FROM ${BASE_IMAGE}" or "FROM --platform=$BUILDPLATFORM image:tag"
# reads to it as an image without a tag; its missing_tag rule is off (.dockerfilelintrc) and this does its job: each
# FROM names an earlier stage, scratch, or an image (ARG defaults substituted) pinned to a tag other than latest or
# to a digest.
check_base_tags() {
  local file=$1 line image tag var
  local -A args=() stages=()
  local -a words
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ^[[:space:]]*ARG[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)=\"?([^\"[:space:]]*) ]]; then
      args[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
    elif [[ $line =~ ^[[:space:]]*FROM[[:space:]] ]]; then
      read -r -a words <<<"$line"
      image=""
      for w in "${words[@]:1}"; do
        [[ $w == --* ]] || { image=$w; break; }
      done
      for var in "${!args[@]}"; do
        image=${image//"\${$var}"/${args[$var]}}
        image=${image//"\$$var"/${args[$var]}}
      done
      if [[ ${#words[@]} -ge 3 && ${words[-2],,} == as ]]; then
        stages[${words[-1]}]=1
      fi
      [[ -n ${stages[$image]:-} || $image == scratch || $image == *@sha256:* ]] && continue
      [[ $image == *'$'* ]] && { echo "$file: FROM $image: a variable without an ARG default"; return 1; }
      tag=${image##*/}
      [[ $tag == *:* ]] || { echo "$file: FROM $image: the base image has no tag"; return 1; }
      [[ ${tag##*:} != latest ]] || { echo "$file: FROM $image: the base image is pinned to latest"; return 1; }
    fi
  done <"$file"
}

status=0
for f in "${files[@]}"; do
  # Its exit code is the number of issues (modulo 256), so read its verdict line as well.
  if output=$(cd "$(dirname "$f")" && "$lint" -c "$root" "$(basename "$f")") && [[ $output == *"Issues: None found"* ]]; then
    echo "lint-dockerfiles: ${f#"$root"/}: no issues"
  else
    echo "$output"
    status=1
  fi
  check_base_tags "$f" || status=1
done

[ "$status" -eq 0 ] || fail "see the issues above"
echo "lint-dockerfiles: ${#files[@]} Dockerfiles clean"
