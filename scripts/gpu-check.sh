#!/usr/bin/env bash
# GPU check for machines with an NVIDIA GPU and @tensorflow/tfjs-node-gpu installed
# (README: GPU): a few paper-256 training steps (batch 1 and 16) and 256² inference on the
# tensorflow backend, printed as ms/step and ms/frame. Exits 1 with a clear message when no GPU
# backend loads.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu-check: GPU /' || true
else
  echo "gpu-check: nvidia-smi not found; is the NVIDIA driver installed?" >&2
fi
if [ ! -d node_modules/@tensorflow/tfjs-node-gpu ]; then
  echo "gpu-check: @tensorflow/tfjs-node-gpu is not installed; run: npm install --no-save @tensorflow/tfjs-node-gpu@4.22.0 (needs an NVIDIA driver, CUDA 11.x and cuDNN 8; README: GPU)." >&2
  exit 1
fi
exec node --import tsx scripts/gpu-check.ts
