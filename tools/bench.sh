#!/usr/bin/env bash
# Throughput benchmark: unphish's whole analysis (process start, data load, JSON output, -j 1)
# next to a bare mail-parser parse of the same files in memory.
#   tools/bench.sh DIR
# Prints messages per second for both, their ratio, and unphish's peak memory.
set -euo pipefail
dir=${1:?usage: tools/bench.sh DIR}
cd "$(dirname "$0")/.."
cargo build --release -q -p unphish-cli -p unphish --examples --bins
bin=target/release/unphish
n=$(find "$dir" -name '*.eml' | wc -l)
# Warm the page cache so both sides read from memory.
cat $(find "$dir" -name '*.eml') > /dev/null
bare=$(target/release/examples/bare_parse "$dir" 5)
echo "$bare"
bare_rate=$(echo "$bare" | sed -E 's/.* = ([0-9]+) messages\/s.*/\1/')
best=999999
for _ in 1 2 3; do
  /usr/bin/time -f "%e %M" -o /tmp/unphish-bench.time "$bin" analyze -j 1 --format jsonl "$dir" > /dev/null
  read -r secs rss < /tmp/unphish-bench.time
  best=$(python3 -c "print(min($best, $secs))")
done
python3 - "$n" "$best" "$rss" "$bare_rate" <<'PY'
import sys
n, secs, rss, bare = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
rate = n / secs if secs > 0 else float("inf")
print(f"unphish analyze -j 1 --format jsonl: {n} messages in {secs:.2f} s = {rate:.0f} messages/s, peak RSS {rss/1024:.1f} MiB")
print(f"ratio to bare parse: {rate/bare:.2f} (target >= 0.33)")
PY
