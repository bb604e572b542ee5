#!/usr/bin/env bash
# HART Batch on a CUDA machine without Maven, JDK or network. Run from the repository root:
#   bash ops/gpu/run-gpu.sh [all|check|perf|ab]      (default all; check = compile + correctness,
#                                              perf = compile if needed + throughput)
# Needs: .gpu/ (carried: djl-jni-src/, payload.tar.xz = jre/ + lib/), the working tree (fixtures,
# hart/src/main/resources), g++, and a python with torch (CUDA build). Writes $OUT/gpu-results.md,
# $OUT/gpu-run.log, the content grids and the compiled libdjl_torch-<torch>.so.
# Overrides (for a CPU dry run elsewhere): TORCH_DIR=<.../site-packages/torch>, HART_DEVICE=cpu,
# BUDGET_S (default 320 s for the whole run), JOBS (compile parallelism, default nproc).
set -u
PHASE="${1:-all}"
ROOT="$(pwd)"
G="$ROOT/.gpu"
OUT="${OUT:-$ROOT/.gpu/out}"
W="${HART_GPU_WORK:-/tmp/hart-gpu}"
mkdir -p "$OUT" "$W"
LOG="$OUT/gpu-run.log"
RES="$OUT/gpu-results.md"
exec > >(tee -a "$LOG") 2>&1
T0=$(date +%s)
BUDGET_S="${BUDGET_S:-320}"
DEADLINE=$((T0 + BUDGET_S))
JOBS="${JOBS:-$(nproc)}"
: > "$RES"
res() { echo "$*" >> "$RES"; }
now() { echo $(($(date +%s) - T0)); }
left() { echo $((DEADLINE - $(date +%s))); }
hdr() { echo; echo "=================== [t+$(now)s] $*"; }

# step NAME LIMIT_S CMD...: runs CMD with its own timeout (never past the budget), logs wall time,
# keeps its output in $W/step-NAME.out, records the status; never stops the script.
declare -A STATUS WALL
step() {
  local name="$1" limit="$2"; shift 2
  local l; l=$(left)
  if [ "$l" -lt 15 ]; then
    hdr "SKIP $name: only ${l}s of the budget left"; STATUS[$name]="skipped (budget)"; WALL[$name]=0; return 0
  fi
  [ "$limit" -gt "$l" ] && limit="$l"
  hdr "$name (timeout ${limit}s): $*"
  local s; s=$(date +%s.%N)
  timeout -k 5 "$limit" "$@" > "$W/step-$name.out" 2>&1
  local rc=$?
  local e; e=$(date +%s.%N)
  cat "$W/step-$name.out"
  WALL[$name]=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.1f", b - a }')
  case $rc in 0) STATUS[$name]="ok";; 124|137) STATUS[$name]="TIMEOUT after ${limit}s";; *) STATUS[$name]="exit $rc";; esac
  echo "--- $name: ${STATUS[$name]}, ${WALL[$name]} s"
  return 0
}

res "# HART Batch GPU run ($(date -u '+%Y-%m-%d %H:%M UTC'), phase $PHASE)"
res ""

hdr "machine"
nvidia-smi 2>&1 | head -20 || echo "no nvidia-smi"
echo "cores: $(nproc); which java: $(which java 2>/dev/null || echo none)"
PY="${PYTHON:-/opt/torch/.venv/bin/python3}"; [ -x "$PY" ] || PY=python3
if [ -z "${TORCH_DIR:-}" ]; then
  TORCH_DIR=$("$PY" -c 'import torch, os; print(os.path.dirname(torch.__file__))' 2>/dev/null)
fi
INFO=$("$PY" - "$TORCH_DIR" <<'EOF' 2>/dev/null
import sys, re, os
d = sys.argv[1]
try:
    import torch
    v, cu, abi = torch.__version__, torch.version.cuda, int(torch._C._GLIBCXX_USE_CXX11_ABI)
    n = torch.cuda.device_count() if torch.cuda.is_available() else 0
    name = torch.cuda.get_device_name(0) if n else "-"
except Exception:
    src = open(os.path.join(d, "version.py")).read()
    v = re.search(r"__version__ = '([^']+)'", src).group(1); cu = None; abi = 1; n = 0; name = "-"
print(v, cu or "none", abi, n, name.replace(" ", "_"))
EOF
)
read -r TORCH_VERSION TORCH_CUDA TORCH_ABI TORCH_GPUS GPU_NAME <<< "$INFO"
echo "python $PY; torch dir $TORCH_DIR"
echo "torch $TORCH_VERSION, CUDA $TORCH_CUDA, _GLIBCXX_USE_CXX11_ABI=$TORCH_ABI, GPUs seen by torch: $TORCH_GPUS ($GPU_NAME)"
res "* GPU: $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | head -1) ; torch $TORCH_VERSION (CUDA $TORCH_CUDA, CXX11 ABI $TORCH_ABI, sees $TORCH_GPUS GPU), $(nproc) cores"
if [ -z "$TORCH_DIR" ] || [ ! -f "$TORCH_DIR/lib/libtorch.so" ]; then
  echo "FATAL: no libtorch under '$TORCH_DIR'"; res "* FATAL: no libtorch found"; exit 1
fi
TLIB="$TORCH_DIR/lib"
PT_VER="${TORCH_VERSION%%+*}"
if [ "$TORCH_CUDA" != "none" ]; then FLAVOR="cu$(echo "$TORCH_CUDA" | tr -d .)"; else FLAVOR=cpu; fi
DEVICE="${HART_DEVICE:-gpu}"

hdr "Java payload"
if [ ! -x "$W/payload/jre/bin/java" ] || [ "$G/payload.tar.xz" -nt "$W/payload/.done" ]; then
  rm -rf "$W/payload" && mkdir -p "$W/payload" && xz -dc "$G/payload.tar.xz" | tar -xf - -C "$W/payload" \
    && touch "$W/payload/.done"
fi
JAVA="$W/payload/jre/bin/java"
"$JAVA" -version 2>&1 | head -1

# ---- libdjl_torch.so: DJL 0.33.0's JNI compiled against this torch ---------------------------
hdr "compile libdjl_torch.so against torch $TORCH_VERSION ($JOBS jobs)"
LIBDIR="$W/libtorch-$PT_VER-$FLAVOR"
mkdir -p "$LIBDIR" "$W/obj-$PT_VER"
PREBUILT="$G/prebuilt/libdjl_torch-$PT_VER-$FLAVOR.so"
if [ -f "$PREBUILT" ]; then
  echo "using $PREBUILT"; cp "$PREBUILT" "$LIBDIR/libdjl_torch.so"; STATUS[compile]="prebuilt"; WALL[compile]=0
else
  step compile 240 bash "$ROOT/ops/gpu/compile-jni.sh" "$TORCH_DIR" "$TORCH_ABI" "$W/obj-$PT_VER" "$LIBDIR/libdjl_torch.so" "$JOBS"
fi
if [ ! -f "$LIBDIR/libdjl_torch.so" ]; then
  echo "FATAL: libdjl_torch.so was not built (errors above)"
  res "* FATAL: the JNI did not compile: see gpu-run.log"; exit 1
fi
cp "$LIBDIR/libdjl_torch.so" "$OUT/libdjl_torch-$PT_VER-$FLAVOR.so" 2>/dev/null
# DJL loads every library of PYTORCH_LIBRARY_PATH, then OUR libdjl_torch.so found there: give it
# a directory with only the libtorch core (no python/test libraries).
for f in "$TLIB"/libc10.so "$TLIB"/libc10_cuda.so "$TLIB"/libtorch.so "$TLIB"/libtorch_cpu.so \
    "$TLIB"/libtorch_cuda.so "$TLIB"/libgomp*.so*; do
  [ -f "$f" ] && ln -sf "$f" "$LIBDIR/$(basename "$f")"
done
ls -la "$LIBDIR"
# JNA (DJL's CudaUtils, the GPU count) needs an unversioned libcudart.so.
mkdir -p "$W/jna"
CUDART=$(ls "$TORCH_DIR"/../nvidia/*/lib/libcudart.so* "$TORCH_DIR"/../nvidia/cu*/lib/libcudart.so* \
  /usr/local/cuda/lib64/libcudart.so* /usr/local/cuda*/lib64/libcudart.so* 2>/dev/null | head -1)
[ -n "$CUDART" ] && ln -sf "$CUDART" "$W/jna/libcudart.so"
echo "cudart for JNA: ${CUDART:-none}"
NVLIBS=$(ls -d "$TORCH_DIR"/../nvidia/*/lib "$TORCH_DIR"/../nvidia/cu*/lib 2>/dev/null | paste -sd:)
export LD_LIBRARY_PATH="$TLIB${NVLIBS:+:$NVLIBS}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PYTORCH_LIBRARY_PATH="$LIBDIR" PYTORCH_VERSION="$PT_VER" PYTORCH_FLAVOR="$FLAVOR"
export DJL_CACHE_DIR="$W/djl-cache"
CP="$W/payload/lib/*:$ROOT/hart/src/main/resources"
J=("$JAVA" -Dai.djl.offline=true -Djava.awt.headless=true -Djna.library.path="$W/jna"
   -Dorg.slf4j.simpleLogger.defaultLogLevel=info -cp "$CP")
FIX="$ROOT/hart/src/test/resources/fixtures"

# ---- correctness ----------------------------------------------------------------------------
if [ "$PHASE" = all ] || [ "$PHASE" = check ]; then
  step smoke 90 "${J[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=debug -Dhart.device="$DEVICE" \
    org.hartbatch.hart.fixtures.FixtureRunner "$FIX/hart-alt"
  # In parallel: fixtures (every set, fp32 and fp16), the CPU fallback, the shapes content check.
  PIDS=()
  for set in $(ls "$FIX"); do
    for p in fp32 fp16; do
      step "fixtures-$set-$p" 150 "${J[@]}" -Dhart.device="$DEVICE" -Dhart.precision=$p \
        org.hartbatch.hart.fixtures.FixtureRunner "$FIX/$set" > "$W/par-fixtures-$set-$p.log" 2>&1 &
      PIDS+=($!)
    done
  done
  for p in fp32 fp16; do
    step "content-$p" 150 "${J[@]}" -Dhart.device="$DEVICE" -Dhart.precision=$p \
      org.hartbatch.hart.bench.ContentBench builtin:shapes 4.5 "" "$OUT/shapes-grid-$p.png" 4.5 \
      > "$W/par-content-$p.log" 2>&1 &
    PIDS+=($!)
  done
  step fallback-gpu 90 env CUDA_VISIBLE_DEVICES= "${J[@]}" -Dhart.device=gpu \
    org.hartbatch.hart.cli.HartCli render --model builtin:tiny --prompt "a red boat" --seed 1 \
    --out "$W/fallback-gpu.png" > "$W/par-fallback-gpu.log" 2>&1 &
  PIDS+=($!)
  step fallback-auto 90 env CUDA_VISIBLE_DEVICES= "${J[@]}" -Dhart.device=auto \
    org.hartbatch.hart.cli.HartCli render --model builtin:tiny --prompt "a red boat" --seed 1 \
    --out "$W/fallback-auto.png" > "$W/par-fallback-auto.log" 2>&1 &
  PIDS+=($!)
  wait "${PIDS[@]}"
  for f in "$W"/par-*.log; do cat "$f"; done
  # step ran in subshells: read the statuses back from the logs
  for f in "$W"/par-*.log; do
    n=$(basename "$f" .log); n=${n#par-}
    STATUS[$n]=$(grep -- "^--- $n: " "$f" | sed "s/^--- $n: //; s/, [0-9.]* s$//")
    WALL[$n]=$(grep -- "^--- $n: " "$f" | sed 's/.*, \([0-9.]*\) s$/\1/')
  done
fi

# ---- throughput (serial: the GPU to itself) -------------------------------------------------
if [ "$PHASE" = all ] || [ "$PHASE" = perf ]; then
  for set in hart-tiny hart-alt; do
    step "fixtures-$set-fp32notf32" 60 env NVIDIA_TF32_OVERRIDE=0 "${J[@]}" -Dhart.device="$DEVICE" \
      -Dhart.precision=fp32 org.hartbatch.hart.fixtures.FixtureRunner "$FIX/$set"
  done
  for p in fp16 fp32; do
    step "shapes-perf-$p" 60 "${J[@]}" -Dhart.device="$DEVICE" -Dhart.precision=$p \
      org.hartbatch.hart.bench.PipelineBench builtin:shapes 64 256
  done
  step "hart07b-perf-fp16" 150 "${J[@]}" -Dhart.device="$DEVICE" -Dhart.precision=fp16 \
    org.hartbatch.hart.bench.PipelineBench 0.7b 1 8 16 32
  step "hart07b-perf-fp32" 120 "${J[@]}" -Dhart.device="$DEVICE" -Dhart.precision=fp32 \
    org.hartbatch.hart.bench.PipelineBench 0.7b 1 8 16
fi

# ---- A/B of hart builds (.gpu/variants/hart-classes-<name>.jar), same machine, one after another --
if [ "$PHASE" = ab ]; then
  JB=("$JAVA" -Dai.djl.offline=true -Djava.awt.headless=true -Djna.library.path="$W/jna")
  # AB_VARIANTS: names of .gpu/variants/hart-classes-<name>.jar; <name>-bigchunks runs that jar
  # with 2^30-element attention chunks.
  for v in ${AB_VARIANTS:-before after}; do
    jar="$G/variants/hart-classes-${v%%-bigchunks}.jar"
    extra=(); [ "$v" != "${v%%-bigchunks}" ] && extra=(-Dhart.attention.maxScores=1073741824)
    step "ab-$v" 75 "${JB[@]}" "${extra[@]}" -cp "$jar:$CP" -Dhart.device="$DEVICE" -Dhart.precision=fp16 \
      org.hartbatch.hart.bench.PipelineBench 0.7b 1 8
    res ""; res "## ab-$v (0.7b fp16, PipelineBench)"; res ""
    grep -E '^model |px; open|^\|' "$W/step-ab-$v.out" >> "$RES" || res "(no result)"
  done
fi

# ---- summary --------------------------------------------------------------------------------
hdr "summary"
res ""
res "## Steps (wall s, status)"
res ""
res "| step | status | wall s |"
res "|---|---|---|"
for k in $(printf '%s\n' "${!STATUS[@]}" | sort); do res "| $k | ${STATUS[$k]} | ${WALL[$k]} |"; done
if ls "$W"/step-fixtures-*.out >/dev/null 2>&1; then
  res ""
  res "## Fixture parity (same tolerances as on CPU)"
  res ""
  res "| set | precision | result | max abs dev (floats) | worst check | integer mismatches | raised |"
  res "|---|---|---|---|---|---|---|"
  for f in "$W"/step-fixtures-*.out; do
    n=$(basename "$f" .out); n=${n#step-fixtures-}
    awk -v n="$n" '
      / max_abs=/ { for (i = 1; i <= NF; i++) if ($i ~ /^max_abs=/) { v = substr($i, 9) + 0 }
                    if ($0 ~ / exact/) { if ($0 ~ /FAIL$/) im++ } else if (v > m) { m = v; w = $1 " " $2 } }
      / raised / { r++ }
      /passed, .* failed/ { res = $0 }
      END { split(n, a, "-"); p = a[length(a)]; s = substr(n, 1, length(n) - length(p) - 1)
            printf "| %s | %s | %s | %.3g | %s | %d | %d |\n", s, p, (res == "" ? "no result" : res), m, w, im, r }' "$f" >> "$RES"
  done
fi
if ls "$W"/step-content-*.out >/dev/null 2>&1; then
  res ""
  res "## builtin:shapes content check (ContentBench, cfg 4.5, residual diffusion on, 50 captions)"
  res ""
  res "| precision | single: colour, cell, background | single: kind | two: colour, cell, bg | two: kinds | s/image |"
  res "|---|---|---|---|---|---|"
  for p in fp32 fp16; do
    row=$(grep '^| on |' "$W/step-content-$p.out" 2>/dev/null | head -1 | cut -d'|' -f4-)
    res "| $p |${row:- no result |}"
  done
fi
for f in "$W"/step-shapes-perf-*.out "$W"/step-hart07b-perf-*.out; do
  [ -f "$f" ] || continue
  n=$(basename "$f" .out); n=${n#step-}
  res ""
  res "## $n (PipelineBench)"
  res ""
  grep -E '^model |px; open|^\||failed' "$f" >> "$RES" || res "(no result: see gpu-run.log)"
done
if [ -n "${STATUS[fallback-gpu]:-}" ]; then
  res ""
  res "## CPU fallback (CUDA_VISIBLE_DEVICES empty)"
  res ""
  res "* hart.device=gpu: $(grep -o 'hart.device=gpu but[^)]*)[^:]*:[^\"]*' "$W/step-fallback-gpu.out" 2>/dev/null | head -1 || true)"
  res "* hart.device=auto: $(grep -E '^model:|images in|Exception' "$W/step-fallback-auto.out" 2>/dev/null | head -3 | tr '\n' ' ')"
fi
res ""
res "Total wall time: $(now) s (budget $BUDGET_S s)."
cat "$RES"
sleep 1  # let the tee of the log finish
