#!/usr/bin/env bash
# The container tests, from nothing: installs Debian's Docker engine (and debootstrap) if missing,
# starts dockerd as this machine allows (no bridge, no iptables: containers use the host network),
# builds the images here (docker/build-local.sh: a debootstrap base, Kafka and Flink from the Maven
# Central jars) and runs the Testcontainers tests (tests/, tag "containers": ContainerClusterTest).
#   docker/test.sh                  # ~4 min for the images the first time, ~6 min for the test
# Exits 0 without running anything when no engine can be started or no image built here (says why;
# STREAMREC_CONTAINERS_REQUIRED=1 makes that a failure); a failing test fails it. The test removes its containers.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "docker/test.sh: $*" >&2; }
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  log "installing docker.io and debootstrap (Debian's packages)"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq docker.io debootstrap >/dev/null; } \
    || { log "could not install the Docker engine here; the container tests did not run"; exit 0; }
fi
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd --bridge=none --iptables=false (log: /tmp/streamrec-dockerd.log)"
  $sudo sh -c 'nohup dockerd --bridge=none --iptables=false > /tmp/streamrec-dockerd.log 2>&1 &' \
    || { log "could not start dockerd; the container tests did not run"; exit 0; }
  for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -5 /tmp/streamrec-dockerd.log >&2; log "dockerd did not come up; the container tests did not run"; exit 0; }
fi
# builds the jars first when they are missing; a machine that cannot build the base (no Debian mirror) skips, saying so,
# unless STREAMREC_CONTAINERS_REQUIRED=1
docker/build-local.sh || { [ -z "${STREAMREC_CONTAINERS_REQUIRED:-}" ] || exit 1
  log "the images could not be built here (above); the container tests did not run"; exit 0; }
# the tests module with what it needs built (-am); only tests tagged "containers" run
exec mvn -B -ntp -pl tests -am verify -Dstreamrec.test.excludedGroups= -Dgroups=containers -Dsurefire.failIfNoSpecifiedTests=false
