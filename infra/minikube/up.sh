#!/usr/bin/env bash
# Pipeline on Minikube, KEDA-scaled, with the Spark Operator:
#   1. starts (or reuses) the Minikube profile, with Calico so NetworkPolicies are enforced and metrics-server for the HPA
#   2. installs KEDA and the Spark Operator with Helm
#   3. builds the two images inside Minikube (`minikube image build`; USE_DOCKER_ENV=1 builds with `minikube docker-env`)
#   4. creates the Functions host keys Secret (random, once) and applies infra/k8s/overlays/minikube
#   5. waits for the init jobs and every deployment, then prints the URLs
# Needs: minikube, kubectl, helm (and docker only with USE_DOCKER_ENV=1). Re-running it is safe.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROFILE="${MINIKUBE_PROFILE:-pipeline}"
NAMESPACE="pipeline"
TAG="${PIPELINE_TAG:-dev}"
KEDA_VERSION="${KEDA_VERSION:-2.16.1}"
SPARK_OPERATOR_VERSION="${SPARK_OPERATOR_VERSION:-2.1.1}"
OVERLAY="$ROOT/infra/k8s/overlays/minikube"
WAIT_TIMEOUT="${WAIT_TIMEOUT:-600s}"

log() { printf '\n==> %s\n' "$*"; }
need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "up.sh: '$1' is required but not on PATH ($2)" >&2
    exit 1
  fi
}
random_key() { head -c 48 /dev/urandom | base64 | tr -d '=+/\n' | cut -c1-40; }

need minikube "https://minikube.sigs.k8s.io/docs/start/"
need kubectl "https://kubernetes.io/docs/tasks/tools/"
need helm "https://helm.sh/docs/intro/install/"

log "Minikube profile '$PROFILE'"
if minikube status -p "$PROFILE" >/dev/null 2>&1; then
  echo "already running"
else
  minikube start -p "$PROFILE" \
    --cpus="${MINIKUBE_CPUS:-4}" --memory="${MINIKUBE_MEMORY:-8192}" \
    --cni=calico --kubernetes-version="${MINIKUBE_K8S_VERSION:-stable}"
fi
minikube -p "$PROFILE" addons enable metrics-server
kubectl config use-context "$PROFILE" >/dev/null

log "KEDA $KEDA_VERSION and Spark Operator $SPARK_OPERATOR_VERSION (Helm)"
helm repo add kedacore https://kedacore.github.io/charts --force-update >/dev/null
helm repo add spark-operator https://kubeflow.github.io/spark-operator --force-update >/dev/null
helm repo update >/dev/null
helm upgrade --install keda kedacore/keda \
  --namespace keda --create-namespace --version "$KEDA_VERSION" --wait --timeout 10m
helm upgrade --install spark-operator spark-operator/spark-operator \
  --namespace spark-operator --create-namespace --version "$SPARK_OPERATOR_VERSION" \
  -f "$ROOT/infra/spark-operator/values.yaml" --wait --timeout 10m

log "Building images into Minikube (tag $TAG)"
if [[ "${USE_DOCKER_ENV:-0}" == "1" ]]; then
  need docker "https://docs.docker.com/get-docker/"
  eval "$(minikube -p "$PROFILE" docker-env)"
  docker build -f "$ROOT/docker/Dockerfile.functions" -t "pipeline-functions:$TAG" "$ROOT"
  docker build -f "$ROOT/docker/Dockerfile.worker" -t "pipeline-worker:$TAG" "$ROOT"
else
  (cd "$ROOT" && minikube -p "$PROFILE" image build -t "pipeline-functions:$TAG" -f docker/Dockerfile.functions .)
  (cd "$ROOT" && minikube -p "$PROFILE" image build -t "pipeline-worker:$TAG" -f docker/Dockerfile.worker .)
fi

log "Namespace $NAMESPACE and Functions host keys"
kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
if kubectl -n "$NAMESPACE" get secret pipeline-functions-keys >/dev/null 2>&1; then
  echo "pipeline-functions-keys exists (kept: existing keys stay valid)"
else
  kubectl -n "$NAMESPACE" create secret generic pipeline-functions-keys \
    --from-literal=host.master="$(random_key)" \
    --from-literal=host.function.default="$(random_key)" \
    --from-literal=host.systemKey.default="$(random_key)" \
    --from-literal=host.systemKey.durabletask_extension="$(random_key)"
fi

log "Applying $OVERLAY"
# Jobs are immutable: remove the previous init runs so they run again with the current images and settings.
kubectl -n "$NAMESPACE" delete job -l app.kubernetes.io/component=init --ignore-not-found
kubectl apply -k "$OVERLAY"
if [[ "$TAG" != "dev" ]]; then
  kubectl -n "$NAMESPACE" set image deployment/pipeline-functions-http functions="pipeline-functions:$TAG"
  kubectl -n "$NAMESPACE" set image deployment/pipeline-functions functions="pipeline-functions:$TAG"
  kubectl -n "$NAMESPACE" set image deployment/pipeline-consumer consumer="pipeline-worker:$TAG"
fi

log "Waiting for readiness (timeout $WAIT_TIMEOUT)"
kubectl -n "$NAMESPACE" rollout status statefulset/pipeline-kafka --timeout="$WAIT_TIMEOUT"
kubectl -n "$NAMESPACE" rollout status statefulset/pipeline-mongo --timeout="$WAIT_TIMEOUT"
kubectl -n "$NAMESPACE" rollout status statefulset/pipeline-azurite --timeout="$WAIT_TIMEOUT"
kubectl -n "$NAMESPACE" wait --for=condition=complete job/pipeline-init-topics job/pipeline-init-store --timeout="$WAIT_TIMEOUT"
kubectl -n "$NAMESPACE" wait --for=condition=available deployment --all --timeout="$WAIT_TIMEOUT"
kubectl -n "$NAMESPACE" get scaledobjects,hpa,pods

log "Pipeline is up"
API_URL="$(minikube -p "$PROFILE" service pipeline-functions-http -n "$NAMESPACE" --url | head -n1)"
echo "API:        $API_URL/api"
echo "Health:     $API_URL/api/health"
echo "Metrics:    $API_URL/api/metrics"
echo "Webhook:    $API_URL/api/github/webhooks   (secret: GitHub__WebhookSecret in infra/k8s/overlays/minikube/secrets.env)"
echo "Master key: kubectl -n $NAMESPACE get secret pipeline-functions-keys -o jsonpath='{.data.host\\.master}' | base64 -d"
echo "Consumer:   kubectl -n $NAMESPACE port-forward svc/pipeline-consumer 7072:7071  ->  http://localhost:7072/api/health"
echo "Scaling:    kubectl -n $NAMESPACE get scaledobject,hpa -w"
