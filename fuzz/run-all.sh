#!/usr/bin/env bash
# Runs every fuzz target one after the other (one core), each until it has done RUNS executions
# or spent its time budget, and prints the executions, time and crashes of each.
#
# usage: fuzz/run-all.sh [RUNS] [SECONDS_PER_TARGET] [TARGET...]
#   defaults: 10000000 runs, 900 s, all targets
# Stable toolchain: cargo-fuzz needs -Z flags, which RUSTC_BOOTSTRAP=1 allows. The sanitizer is
# off (`-s none`): the code under test is safe Rust, and ASan would cost about half the speed.
# Logs go to fuzz/logs/<target>.log; crashing inputs to fuzz/artifacts/<target>/.
set -uo pipefail
cd "$(dirname "$0")"
runs=${1:-10000000}
secs=${2:-900}
shift 2 2>/dev/null || shift $#
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(auth_results links_text received message links_html analyze)
export RUSTC_BOOTSTRAP=1
[[ -d corpus ]] || python3 seed_corpus.py
mkdir -p logs
printf '%-14s %12s %8s %8s  %s\n' target executions seconds exec/s result
for t in "${targets[@]}"; do
  case $t in
    message | analyze | links_html) len=65536 ;;
    *) len=8192 ;;
  esac
  mkdir -p "corpus/$t"
  # The targets build from the working tree; a half-edited tree is a build failure, not a crash.
  if ! cargo fuzz build -s none "$t" >"logs/$t.build.log" 2>&1; then
    printf '%-14s %12s %8s %8s  %s\n' "$t" - - - "BUILD FAILED (see logs/$t.build.log)"
    continue
  fi
  cargo fuzz run -s none "$t" "corpus/$t" -- -runs="$runs" -max_total_time="$secs" -max_len="$len" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"logs/$t.log" 2>&1
  rc=$?
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "logs/$t.log" | tail -1)
  n=$(awk '{print $2}' <<<"$done_line")
  s=$(awk '{print $5}' <<<"$done_line")
  if [[ $rc -eq 0 && -n $n ]]; then result=clean; else result="CRASH (rc $rc, see logs/$t.log)"; fi
  [[ -n $n ]] || n=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "logs/$t.log" | grep -oE '[0-9]+$')
  rate=$([[ -n $n && -n $s && $s -gt 0 ]] && echo $((n / s)) || echo -)
  printf '%-14s %12s %8s %8s  %s\n' "$t" "${n:--}" "${s:--}" "$rate" "$result"
done
