#!/usr/bin/env bash
# Fuzz smoke test: builds the importer libFuzzer target with clang (build/fuzz, ASan+UBSan) and
# runs it for a short time on a corpus seeded from tests/data. Exits 0 with a note when clang++
# is not installed. Usage: scripts/fuzz-smoke.sh [seconds, default 20]
set -euo pipefail

seconds="${1:-20}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${root}/build/fuzz"

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz-smoke: clang++ not found; skipping the libFuzzer smoke run (install clang to enable it)"
  exit 0
fi

# The library objects need the sanitizers and libFuzzer's coverage instrumentation too, so the
# whole build uses them.
cmake -S "${root}" -B "${build}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
  -DWEFT_BUILD_FUZZERS=ON -DWEFT_BUILD_TESTS=ON \
  -DWEFT_SANITIZE=address,undefined >/dev/null
cmake --build "${build}" --target weft_importer_fuzz -j2

# Seed corpus: the real samples, each cut to its first 16 KiB (smaller inputs run faster).
corpus="${build}/fuzz-corpus"
mkdir -p "${corpus}"
while IFS= read -r -d '' f; do
  name="$(echo "${f#"${root}/tests/data/"}" | tr '/' '_')"
  head -c 16384 "${f}" > "${corpus}/${name}"
done < <(find "${root}/tests/data" -type f \( -name '*.json' -o -name '*.ndjson' -o -name '*.csv' \) -print0)

echo "fuzz-smoke: running weft_importer_fuzz for ${seconds}s on $(ls "${corpus}" | wc -l) seeds"
"${build}/tests/fuzz/weft_importer_fuzz" "${corpus}" -max_total_time="${seconds}" -max_len=16384 \
  -rss_limit_mb=2048 -print_final_stats=1
echo "fuzz-smoke: no crash in ${seconds}s"
