#!/usr/bin/env bash
# End-to-end benchmark of `netpol matrix FILE --output json` (parsing included) on synthetic
# clusters from shared/bench/gen.py, pinned to one core. Prints a Markdown table:
# wall time (median of N runs), CPU time (user + sys, median: on a shared machine the wall time
# includes waiting for the core), peak RSS, equivalence classes, allowed (pod pair, protocol,
# port) triples. Usage: bench/run.sh [RUNS] [SIZES...]   e.g. bench/run.sh 3 500:100 2000:400
# BIN=path/to/netpol bench/run.sh … measures that binary instead of building this tree's.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(500:100 2000:400 5000:1000)
GEN=${GEN:-../shared/bench/gen.py}
if [ ! -f "$GEN" ]; then
  echo "bench: $GEN not found (it ships in the project's shared folder)" >&2
  exit 2
fi
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet pyyaml
if [ -z "${BIN:-}" ]; then
  cargo build --release --bin netpol >/dev/null 2>&1
  BIN=target/release/netpol
fi
OUT=bench/out
mkdir -p "$OUT"
PIN=""
command -v taskset >/dev/null && PIN="taskset -c 0"

echo "| pods | policies | median wall (s) | runs (s) | median CPU (s) | peak RSS (MB) | classes | allowed triples |"
echo "|---:|---:|---:|---|---:|---:|---:|---:|"
for size in "${SIZES[@]}"; do
  pods=${size%%:*}; pols=${size##*:}
  dir="$OUT/p${pods}_m${pols}"
  [ -f "$dir/cluster.yaml" ] || python3 "$GEN" --pods "$pods" --policies "$pols" --seed 1 --out "$dir" >/dev/null
  times=(); cpus=(); peak=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" $PIN "$BIN" matrix "$dir/cluster.yaml" --output json >"$dir/matrix.json"
    read -r t u s m <"$dir/time.txt"
    times+=("$t")
    cpus+=("$(awk "BEGIN {print $u + $s}")")
    [ "$m" -gt "$peak" ] && peak=$m
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  read -r classes triples < <(python3 -c "import json,sys; d=json.load(open('$dir/matrix.json')); print(len(d['groups']), d['allowed_triples'])")
  echo "| $pods | $pols | $median | ${times[*]} | $cpu | $((peak / 1024)) | $classes | $triples |"
done
