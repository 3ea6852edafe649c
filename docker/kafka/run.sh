#!/bin/sh
# Entry point of streamrec/kafka. On the public base (apache/kafka) it hands over to that image's own
# start script. On the local base (docker/build-local.sh) it runs a KRaft broker from the Maven Central
# jars in /opt/kafka/libs, configured the same way as apache/kafka: every KAFKA_SOME_KEY variable
# becomes some.key in server.properties (KAFKA_HEAP_OPTS, KAFKA_OPTS and CLUSTER_ID are not keys).
# The log directory is formatted once, with CLUSTER_ID (the same for every broker of a cluster).
set -eu
if [ -x /etc/kafka/docker/run ]; then exec /etc/kafka/docker/run "$@"; fi
conf=/opt/kafka/config/server.properties
mkdir -p /opt/kafka/config
: > "$conf"
env | sort | while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS) ;;
    KAFKA_*) echo "$(echo "${name#KAFKA_}" | tr 'A-Z_' 'a-z.')=$value" >> "$conf" ;;
  esac
done
grep -q '^log.dirs=' "$conf" || echo "log.dirs=/var/lib/kafka/data" >> "$conf"
logdir=$(sed -n 's/^log.dirs=//p' "$conf" | cut -d, -f1)
cp="/opt/kafka/libs/*"
opts="${KAFKA_HEAP_OPTS:--Xmx512m} ${KAFKA_OPTS:-} -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties"
if [ ! -f "$logdir/meta.properties" ]; then
  : "${CLUSTER_ID:?set CLUSTER_ID (22 characters of base64, the same for every broker) to format $logdir}"
  # shellcheck disable=SC2086
  java $opts -cp "$cp" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$conf" --ignore-formatted
fi
# shellcheck disable=SC2086
exec java $opts -cp "$cp" kafka.Kafka "$conf"
