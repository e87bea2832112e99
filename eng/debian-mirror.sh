#!/usr/bin/env bash
# Prints the Debian archive this machine's apt uses for bookworm (main), read from its apt sources (deb822 .sources
# files and one-line .list files), so that root filesystems and images are built from the same archive as the
# machine's own packages, with no host name written down here. With --security: the archive of bookworm-security.
# Fails when the sources name none.
set -euo pipefail
suite=bookworm
[ "${1:-}" = "--security" ] && suite=bookworm-security

shopt -s nullglob
uri=$(
  {
    # deb822: the URIs of a stanza whose Types include deb and whose Suites include the suite.
    for f in /etc/apt/sources.list.d/*.sources; do
      awk -v suite="$suite" '
        function flush() { if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ")) { n = split(uris, u, " "); for (i = 1; i <= n; i++) print u[i] } types = suites = uris = "" }
        /^[[:space:]]*$/ { flush(); next }
        /^Types:/ { sub(/^Types:[[:space:]]*/, ""); types = $0 }
        /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
        /^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); uris = $0 }
        END { flush() }' "$f"
    done
    # One-line format: deb [options] uri suite components...
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -f "$f" ] || continue
      sed -E 's/\[[^]]*\]//' "$f" | awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2 }'
    done
  } | head -n1
)
if [ -z "$uri" ]; then
  echo "debian-mirror: no 'deb' source for $suite in /etc/apt/sources.list or /etc/apt/sources.list.d/" >&2
  exit 1
fi
echo "${uri%/}"
