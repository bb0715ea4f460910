#!/usr/bin/env bash
# System packages the whole suite needs, installed where missing: Debian's Chromium and a CJK font
# (browser tests), PostgreSQL's server binaries (every database test runs on PostgreSQL too) and
# PostGIS for that PostgreSQL's major version (postgresql-$MAJOR-postgis-3: the zones tests run on
# PostgreSQL with and without the extension).
#
# Used by `make test` and `.ci/run`. Fast and silent when all is there (no apt-get call). Installs
# with apt-get as root (or through `sudo -n`); where it cannot, it says in one line what is missing
# and what will be skipped, and exits 0 so that the tests still run — unless called with --strict
# (CI), where a missing package is an error.
set -uo pipefail
strict=0
[[ "${1:-}" == --strict ]] && strict=1

missing() {
  local need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  if command -v dpkg >/dev/null 2>&1; then
    dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need+=(fonts-wqy-microhei)
  fi
  if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    # the newest installed major, the one scripts/with-postgres.sh starts
    local major
    major=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    [[ -f /usr/share/postgresql/$major/extension/postgis.control ]] ||
      need+=("postgresql-$major-postgis-3")
  else
    need+=(postgresql)
  fi
  echo "${need[*]}"
}

need=$(missing)
[[ -z "$need" ]] && exit 0

can_install=0
sudo=()
if command -v apt-get >/dev/null 2>&1; then
  if [[ $(id -u) == 0 ]]; then
    can_install=1
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    can_install=1
    sudo=(sudo -n)
  fi
fi

if (( can_install )); then
  echo "system-deps: installing $need (apt-get)" >&2
  log=$(mktemp /tmp/qingshan-apt.XXXXXX)
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086  # $need is a list of package names
  if "${sudo[@]}" apt-get update -qq >"$log" 2>&1 &&
     "${sudo[@]}" apt-get install -y -qq --no-install-recommends $need >>"$log" 2>&1; then
    rm -f "$log"
    why="installed but still not found"
    # PostGIS's package names PostgreSQL's major: known only once PostgreSQL is installed
    more=$(missing)
    if [[ -n "$more" && "$more" != "$need" ]]; then
      echo "system-deps: installing $more (apt-get)" >&2
      # shellcheck disable=SC2086
      "${sudo[@]}" apt-get install -y -qq --no-install-recommends $more >"$log" 2>&1 &&
        rm -f "$log" || why="apt-get failed, see $log"
    fi
  else
    why="apt-get failed, see $log"
  fi
  need=$(missing)
  [[ -z "$need" ]] && exit 0
elif command -v apt-get >/dev/null 2>&1; then
  why="run as root, or: sudo apt-get install $need"
else
  why="no apt-get here: install them with your system's package manager"
fi

skipped=""
[[ "$need" == *chromium* ]] && skipped+=", browser tests"
[[ "$need" == *fonts-wqy-microhei* && "$need" != *chromium* ]] && skipped+=", Chinese text in screenshots"
[[ " $need " == *" postgresql "* ]] && skipped+=", PostgreSQL runs"
[[ "$need" == *postgis* ]] && skipped+=", PostGIS runs"
echo "system-deps: missing $need ($why); skipped: ${skipped#, }" >&2
exit $strict
