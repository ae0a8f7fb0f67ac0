#!/usr/bin/env bash
# Peak RSS of `ingest` for generated BRP files of several sizes (issue 3: memory must not follow file size).
# usage: tools/measure-ingest-memory.sh [rows ...]      default: 10 100000 1000000
# Uses the project's Azurite (started by the program itself when nothing listens on 10000) and dev keys.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
dotnet build -c Release functions/SignalPipeline.Functions -v q -nologo >/dev/null
dll=functions/SignalPipeline.Functions/bin/Release/net10.0/signalpipeline.dll
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
day=1
echo "rows,file_mb,peak_rss_mb,seconds"
for rows in "${@:-10 100000 1000000}"; do
  for r in $rows; do
    dotnet "$dll" sample-brp --rows "$r" --out "$work/gen.csv" >/dev/null
    # The generator is deterministic and the ingest skips content it has seen before (a duplicate delivery is not
    # processed again): the rows are shuffled, so every run ingests a file of new content.
    { head -n 1 "$work/gen.csv"; tail -n +2 "$work/gen.csv" | shuf; } > "$work/brp-$r.csv"
    # A fresh date per run, so every file is a new snapshot (never a duplicate).
    date=$(date -d "2001-01-01 + $((RANDOM % 3000 + day)) days" +%F); day=$((day + 1))
    /usr/bin/time -f "%M %e" -o "$work/t" dotnet "$dll" ingest "$work/brp-$r.csv" --source brp --date "$date" > "$work/out" 2>&1
    grep -q ": accepted" "$work/out" || { echo "ingest of $r rows was not accepted:" >&2; cat "$work/out" >&2; exit 1; }
    read -r kb secs < "$work/t"
    echo "$r,$(( $(stat -c %s "$work/brp-$r.csv") / 1000000 )),$((kb / 1024)),$secs"
  done
done
