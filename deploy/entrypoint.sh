#!/bin/sh
# The entry point of the h2splice image (/h2splice/bin/entrypoint), laid out by deploy/jlink.sh.
#
# Dapr's injector leaves the container's command unset and passes "/daprd" as the first argument, followed by daprd's
# flags: a leading "/daprd" or "daprd" is dropped and the rest runs as `h2splice run`. A leading flag other than
# -h/--help/-V/--version is also `h2splice run` (`docker run IMAGE --app-id x ...`). Any other first word goes to
# h2splice as its subcommand: run, injector, inject, ca, list, stop, --help.
#
# java is exec'd, so it is the process the kubelet's SIGTERM reaches. H2SPLICE_JAVA_OPTS adds JVM options (split on
# spaces), after the defaults, so they can override them.
set -eu
set -f # no globbing of H2SPLICE_JAVA_OPTS

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)

if [ "$#" -gt 0 ]; then
  case "$1" in
    /daprd | daprd)
      shift
      set -- run "$@"
      ;;
    -h | --help | -V | --version) ;;
    -*) set -- run "$@" ;;
  esac
fi

# -XX:-UsePerfData: no /tmp/hsperfdata file (the root filesystem may be read-only).
# java.library.path: netty's native transport and BoringSSL, unpacked at build time (see deploy/jlink.sh).
# shellcheck disable=SC2086 # H2SPLICE_JAVA_OPTS is a list of options
exec "$root/runtime/bin/java" -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData \
  "-Djava.library.path=$root/lib/native" ${H2SPLICE_JAVA_OPTS:-} \
  -jar "$root/lib/h2splice.jar" "$@"
