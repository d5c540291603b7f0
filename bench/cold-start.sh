#!/usr/bin/env bash
# Wall-clock time of `assistant ask` as a fresh process with the index already built (cold start).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release src/Assistant.Cli -o artifacts/cli >/dev/null
dotnet artifacts/cli/assistant.dll ingest >/dev/null
runs=${RUNS:-5}
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s.%N)
  dotnet artifacts/cli/assistant.dll ask "Can OpenAI models run on AWS?" >/dev/null
  end=$(date +%s.%N)
  times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")
done
printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" '{a[NR]=$1} END {printf "cold start over %d runs: median %.2f s, min %.2f s, max %.2f s\n", n, a[int((n+1)/2)], a[1], a[n]}'
