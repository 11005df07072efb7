#!/usr/bin/env bash
# Whole-corpus robustness run (issue 6): every message under the corpus, plus a truncated and a
# byte-mutated copy of each, is analysed by the release binary. Fails when the binary exits
# non-zero, prints fewer reports than inputs, or any report carries `internal.panic` (a panic
# that analyze caught).
#
# usage: tools/corpus-run.sh [CORPUS_DIR] [SEED]
#   CORPUS_DIR defaults to ../shared/corpus; SEED (default 1) picks the cut points and mutations,
#   so a failing run can be repeated exactly.
# The corpus is licensed test data: copies are made under /tmp and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}
seed=${2:-1}
bin=target/release/unphish
[[ -x $bin ]] || cargo build --release -p unphish-cli
[[ -d $corpus ]] || { echo "no corpus at $corpus" >&2; exit 2; }
work=$(mktemp -d /tmp/unphish-corpus.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 - "$corpus" "$work" "$seed" <<'PY'
import os, random, sys
corpus, work, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs)
for kind in ("original", "truncated", "mutated"):
    os.makedirs(os.path.join(work, kind))
for i, path in enumerate(files):
    data = open(path, "rb").read()
    name = f"{i:05d}.eml"
    open(os.path.join(work, "original", name), "wb").write(data)
    # A cut anywhere, often inside a header fold, an encoded word or a base64 line.
    cut = rng.randrange(len(data) + 1) if data else 0
    open(os.path.join(work, "truncated", name), "wb").write(data[:cut])
    # Byte mutations biased to the structure that parsers trip on.
    m = bytearray(data)
    for _ in range(rng.randrange(1, 33)):
        if not m:
            break
        at = rng.randrange(len(m))
        m[at] = rng.choice(b"\r\n\t :;<>=?\"-\x00\xff" + bytes([rng.randrange(256)]))
    open(os.path.join(work, "mutated", name), "wb").write(bytes(m))
print(f"{len(files)} messages from {corpus}, seed {seed}")
PY

fail=0
printf '%-10s %7s %6s %8s %7s  %s\n' set inputs exit reports panics seconds
for kind in original truncated mutated; do
  n=$(find "$work/$kind" -name '*.eml' | wc -l)
  start=$(date +%s.%N)
  set +e
  "$bin" analyze --format jsonl "$work/$kind" >"$work/$kind.jsonl" 2>"$work/$kind.err"
  rc=$?
  set -e
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  reports=$(wc -l <"$work/$kind.jsonl")
  panics=$(grep -c '"internal.panic"' "$work/$kind.jsonl" || true)
  printf '%-10s %7s %6s %8s %7s  %.1f\n' "$kind" "$n" "$rc" "$reports" "$panics" "$secs"
  if [[ $rc -ne 0 || $reports -ne $n || $panics -ne 0 ]]; then
    fail=1
    head -5 "$work/$kind.err"
    grep -l '"internal.panic"' "$work/$kind.jsonl" >/dev/null 2>&1 &&
      python3 -c "import json,sys; [print('  panic:', json.loads(l).get('file')) for l in open(sys.argv[1]) if 'internal.panic' in l]" "$work/$kind.jsonl"
  fi
done
exit $fail
