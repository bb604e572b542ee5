#!/usr/bin/env bash
# Compiles DJL 0.33.0's PyTorch JNI (.gpu/djl-jni-src/, or $DJL_JNI_SRC) against a libtorch, in
# parallel, incrementally.
# Usage: compile-jni.sh TORCH_DIR CXX11_ABI(0|1) OBJ_DIR OUT_SO [JOBS]
# TORCH_DIR is a torch package directory (include/, lib/). Prints the compiler errors and exits 1
# when a file does not compile.
set -u
TORCH_DIR="$1"; ABI="$2"; OBJ="$3"; OUT_SO="$4"; JOBS="${5:-$(nproc)}"
SRC="${DJL_JNI_SRC:-$(pwd)/.gpu/djl-jni-src}"  # run from the repository root
TLIB="$TORCH_DIR/lib"
mkdir -p "$OBJ" "$(dirname "$OUT_SO")"
# Skip by content, not mtime (a carried copy gets fresh mtimes on every call).
STAMP="$(cat "$SRC"/*.cc "$SRC"/*.h "$SRC"/include/*.h "$SRC"/include/djl/*.h | sha1sum | cut -c1-40) $TORCH_DIR $ABI"
if [ -f "$OUT_SO" ] && [ "$(cat "$OBJ/stamp" 2>/dev/null)" = "$STAMP" ]; then
  echo "up to date: $OUT_SO"; exit 0
fi
[ "$(cat "$OBJ/stamp" 2>/dev/null)" = "$STAMP" ] || rm -f "$OBJ"/*.o
export FLAGS="-std=c++17 -O1 -g0 -fPIC -w -D_GLIBCXX_USE_CXX11_ABI=$ABI -I$SRC/include -I$TORCH_DIR/include -I$TORCH_DIR/include/torch/csrc/api/include"
export OBJ
ls "$SRC"/*.cc | xargs -P "$JOBS" -I{} bash -c '
  f="{}"; o="$OBJ/$(basename "$f" .cc).o"
  [ -f "$o" ] && exit 0
  s=$(date +%s)
  if g++ $FLAGS -c "$f" -o "$o.tmp" 2> "$o.err"; then
    mv "$o.tmp" "$o"; echo "compiled $(basename "$f") in $(( $(date +%s) - s )) s"
  else
    echo "COMPILE FAILED: $f"; head -c 8000 "$o.err"; exit 1
  fi' || exit 1
EXTRA=""
for l in torch_cuda c10_cuda; do [ -f "$TLIB/lib$l.so" ] && EXTRA="$EXTRA -l$l"; done
g++ -shared -o "$OUT_SO" "$OBJ"/*.o -L"$TLIB" -Wl,-rpath,"$TLIB" -Wl,--no-as-needed \
  -ltorch -ltorch_cpu -lc10 $EXTRA || { echo "LINK FAILED"; exit 1; }
echo "$STAMP" > "$OBJ/stamp"
echo "linked $OUT_SO (extra: ${EXTRA:-none})"
