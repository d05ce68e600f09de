#!/bin/sh
# Lays out the image's /h2splice from the shaded jar: a jlinked Java runtime with only the modules h2splice needs,
# the jar, netty's native libraries unpacked, and the entry point. The Dockerfile runs exactly this script; so does
# proxy-cli's ImageLayoutTest, which then starts `h2splice run` through the entry point (no Docker engine needed).
#
#   deploy/jlink.sh JAR DEST      e.g. deploy/jlink.sh proxy-cli/target/h2splice.jar /tmp/h2splice
#
# DEST must not exist or be empty. jlink and jar come from $JAVA_HOME/bin when JAVA_HOME is set, else from PATH.
#
# DEST/runtime/          the runtime (bin/java, lib/modules): MODULES below, nothing else
# DEST/lib/h2splice.jar  the shaded jar, as built
# DEST/lib/native/       netty's epoll and netty-tcnative (BoringSSL) libraries for this machine's architecture, loaded
#                        from java.library.path: netty would otherwise unpack them into /tmp at every start, which a
#                        read-only root filesystem forbids (it then falls back to NIO and the JDK's TLS)
# DEST/bin/entrypoint    deploy/entrypoint.sh
set -eu

# From `jdeps --print-module-deps --ignore-missing-deps` on the jar, plus what jdeps cannot see, minus what only code
# h2splice never runs needs (ImageLayoutTest checks this list against jdeps):
#   java.base, java.logging (OpenTelemetry, netty's fallback logger), java.naming (logback, netty's SSL, BouncyCastle),
#   java.net.http (OpenTelemetry's OTLP/HTTP and Zipkin senders), jdk.jfr (netty's JFR events; -XX:StartFlightRecording),
#   jdk.unsupported (sun.misc.Signal for SIGTERM/SIGHUP, sun.misc.Unsafe for netty and JCTools)
#   jdk.crypto.ec: the SunEC provider (EC keys, ECDHE) for the JDK's TLS and KeyFactory; loaded as a service
#   jdk.naming.dns: JNDI's dns: provider, for DNS SRV/A lookups through JNDI; loaded as a service
#   jdk.httpserver: the JDK's HTTPS server, which `h2splice injector` serves the admission webhook with
#   java.management: the JVM's direct-memory counter (BufferPoolMXBean), which the memory governor watches and the
#                    metrics page shows; netty also reads -XX:MaxDirectMemorySize through it
# Left out although jdeps lists them: java.desktop (java.beans, in Jackson's optional Java 7 annotations and SnakeYAML's
# bean introspector, which Jackson's YAML parser does not use), java.sql and java.xml (Jackson's optional java.sql and
# DOM types, logback's XML configuration; h2splice configures logback in code). Together 14 MB.
MODULES=java.base,java.logging,java.management,java.naming,java.net.http,jdk.jfr,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns,jdk.httpserver

if [ "$#" -ne 2 ]; then
  echo "usage: $0 JAR DEST" >&2
  exit 2
fi
dest=$2
if [ ! -f "$1" ]; then
  echo "$0: no such jar: $1" >&2
  exit 2
fi
jar_file=$(CDPATH='' cd -- "$(dirname -- "$1")" && pwd)/$(basename -- "$1")
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
  echo "$0: $dest exists and is not empty" >&2
  exit 2
fi
bin=${JAVA_HOME:+$JAVA_HOME/bin/}
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)

mkdir -p "$dest/lib/native" "$dest/bin"
"${bin}jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$dest/runtime"
cp "$jar_file" "$dest/lib/h2splice.jar"

# netty names its libraries after the CPU: x86_64, aarch_64.
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch_64 ;;
  *) arch=$(uname -m) ;;
esac
unpack=$(mktemp -d)
trap 'rm -rf "$unpack"' EXIT
(cd "$unpack" && "${bin}jar" xf "$jar_file" META-INF/native/)
found=0
for lib in "$unpack"/META-INF/native/lib*"$arch".so; do
  [ -f "$lib" ] || continue
  cp "$lib" "$dest/lib/native/"
  found=$((found + 1))
done
if [ "$found" -eq 0 ]; then
  echo "$0: warning: no native libraries for $arch in $jar_file; netty will use NIO and the JDK's TLS" >&2
fi

cp "$here/entrypoint.sh" "$dest/bin/entrypoint"
chmod 0755 "$dest/bin/entrypoint"
echo "$dest: runtime with $MODULES ($(du -sh "$dest/runtime" | cut -f1)), $found native librar$( [ "$found" -eq 1 ] && echo y || echo ies)"
