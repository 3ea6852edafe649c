#!/usr/bin/env bash
# Coverage-guided fuzzing of the decoders (issue 15) with Jazzer: each @FuzzTest target in
# schemas/src/test/java/io/streamrec/schemas/DecoderFuzzTest.java runs for MINUTES, one after
# another (two at once on 2 cores would measure neither). Per target it reports the inputs tried,
# the coverage (libFuzzer's cov = edges, ft = features), the corpus size and inputs/s, and writes
# bench/results/fuzz-<date>.json. The generated corpus stays in schemas/.cifuzz-corpus/ (ignored
# by git) so a later run goes on from it. A finding stops that target: Jazzer writes the input into
# schemas/src/test/resources/io/streamrec/schemas/DecoderFuzzTestInputs/<target>/crash-<sha1>;
# fix the bug, rename the file to say what it found, and commit it: the normal suite (mvn verify)
# replays every file there as a regression test.
#
#   bench/fuzz.sh [MINUTES] [TARGET...]     # default 2 minutes each; targets:
#                                           # interactions itemEvents embeddingRecords changelog
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
minutes="${1:-2}"
[[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "fuzz.sh: MINUTES must be a number, got '$minutes'" >&2; usage >&2; exit 2; }
shift || true
all=(interactions itemEvents embeddingRecords changelog)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target '$t' (known: ${all[*]})" >&2; exit 2; }
done
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60); print (s < 1 ? 1 : s) }')
inputs=schemas/src/test/resources/io/streamrec/schemas/DecoderFuzzTestInputs
work=bench/work/fuzz
mkdir -p "$work" bench/results

echo "fuzz: building schemas and its tests" >&2
mvn -B -ntp -q -pl schemas -am install -DskipTests >&2
mvn -B -ntp -q -pl schemas test-compile >&2

stamp=$(date -u +%Y-%m-%d-%H%M)
out=bench/results/fuzz-$stamp.json
rows=()
status=0
for t in "${targets[@]}"; do
  before=$(ls "$inputs/$t" | sort)
  log="$work/$t.log"
  echo "fuzz: $t for ${seconds}s (log $log)" >&2
  set +e
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" timeout $((seconds + 300)) \
    mvn -B -ntp -pl schemas surefire:test -Dtest="DecoderFuzzTest#$t" -Dsurefire.failIfNoSpecifiedTests=false > "$log" 2>&1 &
  pid=$!
  while kill -0 $pid 2>/dev/null; do  # progress: libFuzzer's latest status line every 30 s
    sleep 30
    line=$(grep -aE '^#[0-9]+\s+(pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)
    [ -z "$line" ] || echo "fuzz: $t: $line" >&2
  done
  wait $pid
  rc=$?
  set -e
  done_line=$(grep -aE '^#[0-9]+\s+DONE' "$log" | tail -1 || true)
  found=$(comm -13 <(echo "$before") <(ls "$inputs/$t" | sort) | tr '\n' ' ' | sed 's/ $//')
  if [ -z "$done_line" ]; then  # a finding ends the run before DONE: report the last status line
    done_line=$(grep -aE '^#[0-9]+\s' "$log" | tail -1 || true)
  fi
  tried=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$done_line")
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$done_line")
  ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$done_line")
  corp=$(sed -nE 's/.*corp: ([0-9]+)\/.*/\1/p' <<<"$done_line")
  rate=$(sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p' <<<"$done_line")
  verdict=clean
  if [ $rc -ne 0 ] || [ -n "$found" ]; then
    verdict=finding
    status=1
    echo "fuzz: $t FOUND a failing input: ${found:-see $log}" >&2
    grep -a 'FuzzTestFindingException' "$log" | head -1 >&2 || true
  fi
  printf 'fuzz: %-16s %s: %s inputs, cov %s, ft %s, corpus %s, %s inputs/s\n' "$t" "$verdict" "${tried:-?}" "${cov:-?}" \
    "${ft:-?}" "${corp:-?}" "${rate:-?}"
  rows+=("{\"target\": \"$t\", \"seconds\": $seconds, \"result\": \"$verdict\", \"inputs_tried\": ${tried:-null}, \"cov_edges\": ${cov:-null}, \"features\": ${ft:-null}, \"corpus\": ${corp:-null}, \"inputs_per_s\": ${rate:-null}, \"new_files\": \"$found\"}")
done
{
  echo "{\"command\": \"bench/fuzz.sh $minutes ${targets[*]}\", \"date\": \"$stamp\", \"fuzzer\": \"Jazzer 0.30.0 (libFuzzer)\", \"cores\": $(nproc), \"targets\": ["
  for i in "${!rows[@]}"; do
    [ "$i" -eq 0 ] || echo ","
    printf '  %s' "${rows[$i]}"
  done
  echo
  echo "]}"
} > "$out"
echo "fuzz: wrote $out" >&2
exit $status
