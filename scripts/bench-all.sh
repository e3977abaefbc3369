#!/usr/bin/env bash
# Run every benchmark in bench/ (bench/*_bench.py, read_bench first) and print one combined
# report (make bench).
# Each prints its own table; the combined report is also written to bench/out/report.txt.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p bench/out
report=bench/out/report.txt
: >"$report"
status=0
for name in search_bench load_bench auth_bench; do
  [ -f "bench/$name.py" ] || echo "== bench/$name.py: not present, skipped" | tee -a "$report"
done
# read_bench first, then every other bench/*_bench.py that exists.
names=(read_bench)
for file in bench/*_bench.py; do
  name=$(basename "$file" .py)
  [ "$name" = read_bench ] || names+=("$name")
done
for name in "${names[@]}"; do
  echo "== bench/$name.py"
  log="bench/out/$name.log"
  PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}" .venv/bin/python -u "bench/$name.py" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  if [ "$code" -eq 0 ]; then result=ok; else result="FAILED (exit $code)"; status=1; fi
  { echo; echo "== bench/$name.py: $result (full output: $log)"; tail -n 15 "$log"; } >>"$report"
done
echo
echo "================ combined report ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores) ================"
cat "$report"
exit "$status"
