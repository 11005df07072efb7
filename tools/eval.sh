#!/usr/bin/env bash
# Detection figures on the shared corpus, measured the honest way.
#
#   tools/eval.sh [CORPUS_DIR] [-- extra `unphish eval` options]
#
# Copies phish/, ham/ and ham-modern/ through ../shared/tools/strip_verdict_headers.py --neutral
# into a temporary directory (upstream filters' verdict headers, Outlook/Exchange delivery
# metadata and the anonymised honeypot recipient would otherwise tell the corpora apart), then runs
# `unphish eval` on the copies against the ratchet in eval/floor.toml. Exit status: 0 when every
# figure is at or above its floor, 1 when one dropped, 2 on a usage or read error.
#
# UNPHISH selects the binary (default: target/debug/unphish, the build the tests already made, so
# CI does not pay for a release build; set UNPHISH=target/release/unphish for faster local runs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/../shared/corpus"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    corpus="$1"
    shift
fi
if [ "${1:-}" = "--" ]; then
    shift
fi
strip="$(dirname "$corpus")/tools/strip_verdict_headers.py"
bin="${UNPHISH:-$root/target/debug/unphish}"

if [ ! -d "$corpus/phish" ]; then
    echo "eval.sh: no corpus at $corpus" >&2
    exit 2
fi
if [ ! -f "$strip" ]; then
    echo "eval.sh: missing $strip" >&2
    exit 2
fi
if [ -z "${UNPHISH:-}" ]; then
    # The scoring data is compiled in: a stale binary would measure yesterday's weights. A no-op
    # when the build is fresh (as in CI, right after the tests).
    cargo build --manifest-path "$root/Cargo.toml" -p unphish-cli --quiet
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/unphish-eval.XXXXXX")"
trap 'rm -rf "$work"' EXIT
args=()
for d in phish ham ham-modern; do
    [ -d "$corpus/$d" ] || continue
    python3 "$strip" --neutral "$corpus/$d" "$work/$d" >/dev/null 2>&1
    if [ "$d" = phish ]; then args+=(--phish "$work/$d"); else args+=(--ham "$work/$d"); fi
done
"$bin" eval "${args[@]}" --floor "$root/eval/floor.toml" "$@"
