# Pipeline — developer entry points. `make run` and `make test` work on a fresh machine (see .ci/run for the installs).
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: help deps build run test test-unit test-integration test-browser lint format security bench docker minikube-up minikube-down audit clean

help:
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

deps: node_modules/.package-lock.json ## npm packages: Azurite, webhook example payloads, chart library

build: deps ## build everything
	$(DOTNET) build Pipeline.sln -c $(CONFIG)

run: deps ## run the local launcher on http://localhost:7071: embedded servers, sample data, HTTP app and worker (Ctrl-C stops all)
	$(DOTNET) run --project functions/Pipeline.LocalHost -c $(CONFIG)

test: build ## all tests: unit, integration (real PostgreSQL, Azurite, Kafka protocol) and browser
	# One test assembly at a time (-m:1): on 2 cores, parallel assemblies starve the real servers each one starts.
	$(DOTNET) test Pipeline.sln -c $(CONFIG) --no-build -m:1 --settings tests/test.runsettings --logger "console;verbosity=normal"

test-unit: build
	$(DOTNET) test tests/Pipeline.UnitTests -c $(CONFIG) --no-build --settings tests/test.runsettings

test-integration: build
	$(DOTNET) test tests/Pipeline.IntegrationTests -c $(CONFIG) --no-build --settings tests/test.runsettings

test-browser: build
	$(DOTNET) test tests/Pipeline.BrowserTests -c $(CONFIG) --no-build --settings tests/test.runsettings

lint: ## formatting and analyzers, as CI checks them
	$(DOTNET) format Pipeline.sln --verify-no-changes --no-restore
	$(DOTNET) build Pipeline.sln -c $(CONFIG) -warnaserror

format: ## apply formatting
	$(DOTNET) format Pipeline.sln

security: ## known-vulnerable packages (needs the NuGet vulnerability feed)
	$(DOTNET) list Pipeline.sln package --vulnerable --include-transitive

bench: build ## benchmarks; results go to docs/benchmarks.md
	$(DOTNET) run --project bench/Pipeline.Bench -c Release -- all

audit: build ## audit this repository (ML Test Score) into docs/
	$(DOTNET) run --project functions/Pipeline.LocalHost -c $(CONFIG) --no-build -- audit . --out docs/audit --json docs/audit/self-audit.json --markdown docs/ml-test-score.md

docker: ## container images (needs a Docker engine)
	docker build -f docker/Dockerfile.functions -t pipeline-functions:local .
	docker build -f docker/Dockerfile.worker -t pipeline-worker:local .

minikube-up: ## KEDA-scaled deployment on Minikube
	infra/minikube/up.sh

minikube-down:
	infra/minikube/down.sh

clean:
	$(DOTNET) clean Pipeline.sln
	rm -rf .pipeline TestResults
