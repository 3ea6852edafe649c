#!/bin/sh
# Submits the graph job's jar to a Flink session cluster through its REST API (upload, then run) and
# prints the job id. Needs only curl and sed.
#   docker/submit-job.sh http://127.0.0.1:28081 JAR [job arguments...]
# Exits non-zero, with Flink's answer, when the upload or the run is refused.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 REST_URL JAR [job arguments...]" >&2; exit 2; }
rest="$1"; jar="$2"; shift 2
[ -f "$jar" ] || { echo "submit-job: no jar at $jar" >&2; exit 2; }
for _ in $(seq 1 60); do curl -sf "$rest/overview" >/dev/null 2>&1 && break; sleep 2; done
up=$(curl -sS -X POST -H "Expect:" -F "jarfile=@$jar" "$rest/jars/upload")
id=$(echo "$up" | sed -n 's/.*"filename":"[^"]*\/\([^"/]*\.jar\)".*/\1/p')
[ -n "$id" ] || { echo "submit-job: upload refused: $up" >&2; exit 1; }
args=""
for a in "$@"; do args="$args${args:+,}\"$(printf '%s' "$a" | sed 's/\\/\\\\/g; s/"/\\"/g')\""; done
run=$(curl -sS -X POST -H "Content-Type: application/json" -d "{\"programArgsList\":[$args]}" "$rest/jars/$id/run")
job=$(echo "$run" | sed -n 's/.*"jobid":"\([0-9a-f]*\)".*/\1/p')
[ -n "$job" ] || { echo "submit-job: run refused: $run" >&2; exit 1; }
echo "$job"
