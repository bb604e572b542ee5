#!/usr/bin/env bash
# Builds the GPU bundle's Java side here (needs the JDK 17 and ~/.m2 of this machine):
#   .gpu/payload.tar.xz = jre/ (jlink'ed Java 17) + lib/ (runtime jars of hart, its test classes)
# Usage, from the repository root: bash ops/gpu/make-bundle.sh [WORKTREE]  (where hart was built;
# default: this checkout). Writes .gpu/payload.tar.xz.
# The hart module must be installed first: ./mvnw -B -o -pl hart -am install -DskipTests
set -euo pipefail
SRC="${1:-$(pwd)}"
GPU="$(pwd)/.gpu"
mkdir -p "$GPU"
STAGE="$(mktemp -d /tmp/hart-gpu-bundle.XXXX)"
trap 'rm -rf "$STAGE"' EXIT
cd "$SRC"
./mvnw -B -o -q -pl hart dependency:build-classpath -Dmdep.outputFile="$STAGE/cp.txt" \
  -Dmdep.includeScope=runtime >/dev/null
mkdir -p "$STAGE/lib"
# pytorch-native-cpu (libtorch 2.5.1) and pytorch-jni (libdjl_torch for 2.5.1) must NOT be used
# on the GPU machine: libtorch comes from its torch package, libdjl_torch is compiled there.
for j in $(tr ':' ' ' < "$STAGE/cp.txt"); do
  case "$(basename "$j")" in
    pytorch-native-*|pytorch-jni-*) ;;
    tokenizers-*)  # keep only the linux-x86_64 native library (18 MB -> 6 MB)
      mkdir -p "$STAGE/tok" && (cd "$STAGE/tok" && unzip -q "$j" && \
        rm -rf native/lib/linux-aarch64 native/lib/osx-* native/lib/win-* && \
        zip -q -r "$STAGE/lib/$(basename "$j")" .) ;;
    *) cp "$j" "$STAGE/lib/" ;;
  esac
done
# hart's classes without the builtin:shapes weights (14 MB): run-gpu.sh puts the working tree's
# hart/src/main/resources on the class path, which holds the same files.
(cd hart/target/classes && zip -q -r "$STAGE/lib/hart-classes.jar" . -x 'org/hartbatch/hart/builtin/*')
(cd hart/target/test-classes && zip -q -r "$STAGE/lib/hart-test-classes.jar" org META-INF 2>/dev/null \
  || zip -q -r "$STAGE/lib/hart-test-classes.jar" org)
# Modules from: jdeps --print-module-deps over these jars (java.base, java.compiler, java.desktop,
# java.logging, java.management, jdk.management) plus jdk.unsupported (JNA), java.naming, jdk.zipfs.
jlink --add-modules java.base,java.compiler,java.desktop,java.logging,java.management,jdk.management,jdk.unsupported,java.naming,jdk.zipfs \
  --strip-debug --no-man-pages --no-header-files --compress=0 --output "$STAGE/jre"
strip --strip-unneeded "$STAGE/jre/lib/server/libjvm.so" || true
(cd "$STAGE" && tar -cf - jre lib | xz -T0 -6 > "$GPU/payload.tar.xz")
ls -la "$GPU/payload.tar.xz"
du -sh "$GPU"
