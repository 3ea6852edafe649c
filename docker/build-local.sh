#!/usr/bin/env bash
# Builds streamrec's images on this machine without any registry (nothing can be pulled here):
#   1. streamrec/base:bookworm: a Debian bookworm root file system made with debootstrap from Debian's
#      packages (openjdk-17-jre-headless, curl), imported with `docker import` (once; kept afterwards);
#   2. on it, with `docker build --network host`: streamrec/kafka (a KRaft broker from the Maven Central
#      kafka jars), streamrec/flink (JobManager and TaskManager from the Maven Central Flink jars, the
#      graph job's jar beside them), streamrec/model-server, streamrec/tools (world, replay, tail,
#      dashboard) and streamrec/prometheus (Debian's package). All tagged :local.
# The same Dockerfiles build on the public images elsewhere (their BASE default): docker/README.md.
#   docker/build-local.sh            # ~2 min the first time (debootstrap), seconds afterwards
#   docker/build-local.sh flink      # only the images named
#   STREAMREC_REBUILD_BASE=1 docker/build-local.sh
set -euo pipefail
cd "$(dirname "$0")/.."
base=streamrec/base:bookworm
tag=local
log() { echo "build-local: $*" >&2; }
command -v docker >/dev/null || { log "no docker client: run docker/test.sh (it installs the engine) or apt-get install docker.io"; exit 2; }
docker info >/dev/null 2>&1 || { log "the Docker engine is not running (docker/test.sh starts it: dockerd --bridge=none --iptables=false)"; exit 2; }

if [ -n "${STREAMREC_REBUILD_BASE:-}" ] || ! docker image inspect "$base" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || { log "debootstrap is missing: apt-get install -y debootstrap"; exit 2; }
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -1)
  mirror=${mirror:-http://deb.debian.org/debian}
  root=$(mktemp -d /tmp/streamrec-base.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  log "debootstrap bookworm from $mirror into $root (about 80 s)"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,curl,ca-certificates,procps bookworm "$root" "$mirror" >"$root.log" 2>&1 \
    || { tail -20 "$root.log" >&2; log "debootstrap failed (log: $root.log)"; exit 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import -c 'ENV LANG=C.UTF-8' -m "streamrec base: debootstrap bookworm + openjdk-17-jre-headless" - "$base" >/dev/null
  rm -rf "$root" "$root.log"
  trap - EXIT
  log "imported $base ($(docker image inspect -f '{{.Size}}' "$base" | awk '{printf "%.0f MB", $1/1e6}'))"
fi

jobjar=flink-jobs/target/streamrec-flink-jobs-0.1.0-SNAPSHOT-job.jar
if [ ! -f "$jobjar" ] || [ ! -d model-server/target/lib-cpu ] || [ ! -d launcher/target/lib-cpu ] || [ -n "${STREAMREC_REBUILD_JARS:-}" ]; then
  log "building the jars (mvn -DskipTests install)"
  mvn -B -q -ntp -DskipTests install >&2
fi
log "gathering Flink's and Kafka's jars from Maven Central into docker/target/"
rm -rf docker/target/flink-lib docker/target/kafka-libs
mvn -B -q -ntp -f docker/flink/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/docker/target/flink-lib" >&2
mvn -B -q -ntp -DskipTests -pl kafka-dev -am install >&2 # its dependencies resolved from the local repository below
mvn -B -q -ntp -pl kafka-dev dependency:copy-dependencies -DincludeScope=runtime -DexcludeGroupIds=io.streamrec \
  -DoutputDirectory="$PWD/docker/target/kafka-libs" >&2
cp docker/target/flink-lib/log4j-slf4j-impl-*.jar docker/target/flink-lib/log4j-core-*.jar docker/target/kafka-libs/ # the broker's logging

only=" $* "
build() { # image dockerfile [build args]
  local image=$1 file=$2; shift 2
  [ "$only" = "  " ] || [[ "$only" == *" $image "* ]] || return 0
  local t0=$SECONDS
  DOCKER_BUILDKIT=0 docker build -q --network host -f "docker/$file" --build-arg BASE="$base" "$@" -t "streamrec/$image:$tag" . >/dev/null
  log "streamrec/$image:$tag built in $((SECONDS - t0)) s"
}
build kafka Dockerfile.kafka --build-arg KAFKA_LIBS=docker/target/kafka-libs
build flink Dockerfile.flink --build-arg FLINK_LIB=docker/target/flink-lib
build model-server Dockerfile.model-server
build tools Dockerfile.tools
build prometheus Dockerfile.prometheus
docker images --filter reference='streamrec/*' --format '{{.Repository}}:{{.Tag}} {{.Size}}' >&2
