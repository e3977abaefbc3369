#!/usr/bin/env bash
# Run every benchmark in bench/ that exists and print one combined report (make bench).
# Each prints its own table; the combined report is also written to bench/out/report.txt.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p bench/out
report=bench/out/report.txt
: >"$report"
status=0
for name in read_bench search_bench load_bench auth_bench; do
  if [ ! -f "bench/$name.py" ]; then
    echo "== bench/$name.py: not present, skipped" | tee -a "$report"
    continue
  fi
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
