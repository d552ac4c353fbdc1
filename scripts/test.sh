#!/usr/bin/env bash
# `pnpm test`: every check, one stage after another, each timed, with a summary at the end, so a
# stage that grows slow is seen long before CI's time limit.
set -euo pipefail
cd "$(dirname "$0")/.."

# The cpu-backend stage reruns what depends on the default backend. Suites that choose their backends
# themselves (the PyTorch fixture suites run cpu, wasm and webgpu explicitly) or run on webgpu only
# would repeat the first vitest stage's work exactly, so they are left out of it.
CPU_STAGE_EXCLUDES="--exclude '**/ops.fixtures*.test.ts' --exclude '**/webgpu*.test.ts' \
  --exclude '**/pytorch-layers2.test.ts' --exclude '**/pytorch-recurrent.test.ts' \
  --exclude '**/pytorch-attention.test.ts' --exclude '**/pytorch-losses-extended.test.ts'"

stages=(
  "build|pnpm build"
  "lint and format (biome)|pnpm lint"
  "typecheck|pnpm typecheck"
  "API docs check|pnpm docs:check"
  "docs outputs and pictures (drift)|pnpm docs:outputs --check"
  "TypeDoc reference|pnpm run docs"
  "WebGPU prerequisites (SwiftShader)|bash scripts/ensure-webgpu.sh"
  "vitest (default backend; webgpu on SwiftShader)|vitest run"
  "vitest core+nn (cpu backend)|BACKPROP_BACKEND=cpu vitest run packages/core packages/nn $CPU_STAGE_EXCLUDES"
  "browser test (Chromium)|pnpm test:browser"
  "packages as users get them (tarballs, attw, publint, npm projects)|pnpm test:packages"
)

summary=()
total_start=$SECONDS
for stage in "${stages[@]}"; do
  name="${stage%%|*}"
  command="${stage#*|}"
  echo
  echo "=== ${name}: ${command}"
  start=$SECONDS
  if ! bash -c "$command"; then
    echo "=== ${name} FAILED after $((SECONDS - start)) s"
    exit 1
  fi
  took=$((SECONDS - start))
  summary+=("$(printf '%5d s  %s' "$took" "$name")")
  echo "=== ${name}: ${took} s"
done

echo
echo "Stage times:"
printf '%s\n' "${summary[@]}"
echo "total: $((SECONDS - total_start)) s"
