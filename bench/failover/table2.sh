#!/usr/bin/env bash
# Paper B's Table 2 in full: the six schedules of `gateway bench failover` (a 20 s cut
# every 60, 30 and 25 s; random node and leader's node; 10 minutes each, about 66 minutes
# in all), one after another so no run loads another, then one table beside the paper's,
# a chart of failed requests and one of "served again" per leader change and client.
# Root only (network namespaces). Usage, from the repo root after `npm run build`:
#
#   bash bench/failover/table2.sh            # all six
#   bash bench/failover/table2.sh 60         # only the two 60 s schedules
set -euo pipefail
cd "$(dirname "$0")/../.."
gateway="${GATEWAY:-dist/gateway}"
[ -x "$gateway" ] || { echo "no $gateway; run 'npm run build' first" >&2; exit 1; }
periods=("${@:-60 30 25}")
read -r -a periods <<< "${periods[*]}"
results=()
for period in "${periods[@]}"; do
  for mode in random leader; do
    before=$(ls bench/results/failover-2*.json 2>/dev/null | sort | tail -1 || true)
    echo "== $mode, a cut every $period s ($(date -u +%H:%M:%S))" >&2
    "$gateway" bench failover --mode "$mode" --period "$period" \
      --timeline-svg "bench/results/failover-timeline-$mode-$period.svg"
    after=$(ls bench/results/failover-2*.json | sort | tail -1)
    [ "$after" != "$before" ] || { echo "the $mode/$period run wrote no results" >&2; exit 1; }
    results+=("$after")
  done
done
node_modules/.bin/bun bench/failover/table2-summary.ts "${results[@]}" --svg bench/results/failover-table2.svg \
  --served-svg bench/results/failover-served-again.svg | tee bench/results/failover-table2.md
