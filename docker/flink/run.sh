#!/bin/sh
# Entry point of streamrec/flink: jobmanager | taskmanager (a session cluster; the job goes in through the REST API).
# On the public base (flink) it hands over to that image's /docker-entrypoint.sh. On the local base
# (docker/build-local.sh) it starts Flink's own entry points from the Maven Central jars in
# /opt/flink/lib, as Flink's scripts do: the configuration is /opt/streamrec/flink-config.yaml plus the
# lines of FLINK_PROPERTIES, and the JVM's memory comes from Flink's BashJavaUtils for that configuration.
set -eu
if [ -x /docker-entrypoint.sh ]; then exec /docker-entrypoint.sh "$@"; fi
conf=/opt/flink/conf
mkdir -p "$conf"
cp /opt/streamrec/flink-config.yaml "$conf/config.yaml"
printf '%s\n' "${FLINK_PROPERTIES:-}" | while IFS= read -r line; do # a key given again replaces the file's (YAML allows one)
  key=$(printf '%s' "${line%%:*}" | tr -d ' ')
  case "$key" in ''|'#'*) continue ;; esac
  sed -i "/^$(printf '%s' "$key" | sed 's/\./\\./g'):/d" "$conf/config.yaml"
  printf '%s\n' "$line" >> "$conf/config.yaml"
done
cp="/opt/flink/lib/*"
# what Flink's own config.yaml puts in env.java.default-opts.all for Java 17, plus the Vector API the serving kernels use
opens=""
for p in java.lang java.net java.io java.nio sun.nio.ch java.lang.reflect java.text java.time java.util java.util.concurrent \
    java.util.concurrent.atomic java.util.concurrent.locks; do opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"; done
opts="$opens --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-modules jdk.incubator.vector -Dlog4j2.configurationFile=/opt/streamrec/flink-log4j2.properties ${FLINK_JAVA_OPTS:-}"
# the two lines BashJavaUtils prints after its marker: JVM options, then dynamic -D properties
resource() {
  java -cp "/opt/flink/lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$conf" 2>/dev/null \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}
role="${1:-}"
[ $# -gt 0 ] && shift
case "$role" in
  jobmanager)
    params=$(resource GET_JM_RESOURCE_PARAMS)
    # shellcheck disable=SC2086
    exec java $(echo "$params" | sed -n 1p) $opts -cp "$cp" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
      --configDir "$conf" $(echo "$params" | sed -n 2p) "$@" ;;
  taskmanager)
    params=$(resource GET_TM_RESOURCE_PARAMS)
    # shellcheck disable=SC2086
    exec java $(echo "$params" | sed -n 1p) $opts -cp "$cp" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
      --configDir "$conf" $(echo "$params" | sed -n 2p) "$@" ;;
  *)
    echo "usage: jobmanager | taskmanager (got '$role'); submit the job with docker/submit-job.sh" >&2
    exit 2 ;;
esac
