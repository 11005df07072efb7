#!/usr/bin/env bash
# Throughput benchmark: unphish's whole analysis (process start, data load, JSON output, -j 1)
# next to a bare mail-parser parse of the same files in memory.
#   tools/bench.sh DIR
# Prints messages per second for both, by wall clock and by CPU time (user+sys: the honest figure
# when other work shares the machine), their ratio, and unphish's peak memory.
set -euo pipefail
dir=${1:?usage: tools/bench.sh DIR}
cd "$(dirname "$0")/.."
cargo build --release -q -p unphish-cli -p unphish --examples --bins
target=${CARGO_TARGET_DIR:-target}
bin=$target/release/unphish
bare=$target/release/examples/bare_parse
n=$(find "$dir" -name '*.eml' | wc -l)
# Warm the page cache so both sides read from memory.
find "$dir" -name '*.eml' -exec cat {} + > /dev/null
t=/tmp/unphish-bench.$$
# Bare parse: CPU per pass = (11 passes - 1 pass) / 10, which removes the file loading.
/usr/bin/time -f "%U %S %e" -o $t.1 "$bare" "$dir" 1 > /dev/null
/usr/bin/time -f "%U %S %e" -o $t.11 "$bare" "$dir" 11 > $t.bare
cat $t.bare
read -r u1 s1 _ < $t.1
read -r u11 s11 _ < $t.11
for i in 1 2 3; do
  /usr/bin/time -f "%U %S %e %M" -o $t.run$i "$bin" analyze -j 1 --format jsonl "$dir" > /dev/null
done
python3 - "$n" "$u1" "$s1" "$u11" "$s11" "$(cat $t.bare)" $t.run1 $t.run2 $t.run3 <<'PY'
import re, sys
n = int(sys.argv[1])
u1, s1, u11, s11 = map(float, sys.argv[2:6])
bare_wall = float(re.search(r"= (\d+) messages/s", sys.argv[6]).group(1))
bare_cpu = n / max(((u11 + s11) - (u1 + s1)) / 10, 1e-9)
runs = [open(p).read().split() for p in sys.argv[7:10]]
cpu = min(float(u) + float(s) for u, s, _, _ in runs)
wall = min(float(w) for _, _, w, _ in runs)
rss = max(int(m) for _, _, _, m in runs)
print(f"bare parse: {bare_wall:.0f} messages/s (wall, best pass), {bare_cpu:.0f} messages/s (CPU)")
print(f"unphish analyze -j 1 --format jsonl: {n} messages, best wall {wall:.2f} s = {n/wall:.0f} messages/s, "
      f"best CPU {cpu:.2f} s = {n/cpu:.0f} messages/s, peak RSS {rss/1024:.1f} MiB")
print(f"ratio to bare parse: {n/wall/bare_wall:.3f} (wall), {n/cpu/bare_cpu:.3f} (CPU); target >= 0.333")
PY
rm -f $t.*
