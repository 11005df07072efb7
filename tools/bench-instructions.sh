#!/usr/bin/env bash
# Load-independent companion to tools/bench.sh: counts the instructions (valgrind callgrind)
# that unphish's whole analysis (process start, data load, JSON output, -j 1) executes on DIR,
# next to a bare in-memory mail-parser parse of the same files, and prints their ratio.
#   tools/bench-instructions.sh DIR
# On a shared machine wall and CPU times move with the neighbours' load; instruction counts do
# not. They are not time: the two programs' instructions per cycle differ, and under valgrind
# the SHA-NI path of the attachment hashes is not taken (hashing is overstated).
set -euo pipefail
dir=${1:?usage: tools/bench-instructions.sh DIR}
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }
cd "$(dirname "$0")/.."
cargo build --release -q -p unphish-cli -p unphish --examples --bins
target=${CARGO_TARGET_DIR:-target}
n=$(find "$dir" -name '*.eml' | wc -l)
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
# Bare parse: (3 passes - 1 pass) / 2 removes reading the files.
b1=$(count "$target/release/examples/bare_parse" "$dir" 1)
b3=$(count "$target/release/examples/bare_parse" "$dir" 3)
a=$(count "$target/release/unphish" analyze -j 1 --format jsonl "$dir")
python3 - "$n" "$b1" "$b3" "$a" <<'PY'
import sys
n, b1, b3, a = map(int, sys.argv[1:])
bare = (b3 - b1) / 2
print(f"bare mail-parser parse: {bare/n:,.0f} instructions per message")
print(f"unphish analyze -j 1 --format jsonl: {a/n:,.0f} instructions per message ({n} messages, whole process)")
print(f"ratio (bare / unphish): {bare/a:.3f}; target >= 0.333")
PY
