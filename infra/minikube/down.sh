#!/usr/bin/env bash
# Removes what up.sh created. By default the whole Minikube profile is deleted (cluster, images, volumes).
#   --keep-cluster   only remove Pipeline, its namespace, KEDA and the Spark Operator; keep the Minikube profile
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROFILE="${MINIKUBE_PROFILE:-pipeline}"
NAMESPACE="pipeline"
KEEP_CLUSTER=0

for arg in "$@"; do
  case "$arg" in
    --keep-cluster) KEEP_CLUSTER=1 ;;
    -h|--help) sed -n '2,4p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "down.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

if ! command -v minikube >/dev/null 2>&1; then
  echo "down.sh: minikube is not installed; nothing to remove" >&2
  exit 0
fi
if ! minikube status -p "$PROFILE" >/dev/null 2>&1; then
  echo "Minikube profile '$PROFILE' is not running."
  if [[ "$KEEP_CLUSTER" == "0" ]]; then
    minikube delete -p "$PROFILE"
  fi
  exit 0
fi

if [[ "$KEEP_CLUSTER" == "1" ]]; then
  kubectl config use-context "$PROFILE" >/dev/null
  kubectl delete -k "$ROOT/infra/k8s/overlays/minikube" --ignore-not-found --wait=true
  kubectl delete namespace "$NAMESPACE" --ignore-not-found --wait=true
  helm uninstall spark-operator --namespace spark-operator --ignore-not-found
  helm uninstall keda --namespace keda --ignore-not-found
  kubectl delete namespace spark-operator keda --ignore-not-found --wait=true
  echo "Pipeline, KEDA and the Spark Operator removed; Minikube profile '$PROFILE' kept."
else
  minikube delete -p "$PROFILE"
  echo "Minikube profile '$PROFILE' deleted."
fi
