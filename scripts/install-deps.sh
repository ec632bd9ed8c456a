#!/usr/bin/env bash
# Installs exactly the Debian packages weft needs that are missing; does nothing when all are there.
set -euo pipefail
packages=(
  cmake g++ make pkg-config ccache
  libboost-graph-dev librocksdb-dev nlohmann-json3-dev libsimdjson-dev libcli11-dev zlib1g-dev
  libjemalloc-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  graphviz
  python3-scipy
)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
