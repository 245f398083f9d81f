# Pipeline — developer entry points. `make run` and `make test` work on a fresh machine (see .ci/run for the installs).
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: help npm deps deps-run build run test test-unit test-integration test-browser watch lint format security bench docker minikube-up minikube-down audit clean

help:
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

# System packages (Debian). `make run` needs PostgreSQL's server; `make test` also needs Chromium and fonts (browser tests).
# Missing ones are installed when this user may (root, or sudo without a password); otherwise make stops at once, naming the
# command to run. shellcheck, entr and kubectl are optional: the tests that use them say they were skipped and why.
RUN_PACKAGES := postgresql
TEST_PACKAGES := postgresql chromium fonts-dejavu-core fonts-liberation
OPTIONAL_PACKAGES := shellcheck entr

# $(call apt_ensure,packages,required|optional)
define apt_ensure
	@command -v dpkg-query >/dev/null || { echo "deps: not a Debian machine; install $(1) with your package manager" >&2; [ "$(2)" = optional ]; exit $$?; }; \
	missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo"; \
	  elif [ "$(2)" = optional ]; then echo "deps: optional packages missing:$$missing (sudo apt-get install -y$$missing)" >&2; exit 0; \
	  else echo "deps: missing Debian packages:$$missing. Run: sudo apt-get update && sudo apt-get install -y$$missing" >&2; exit 1; fi; \
	  echo "deps: installing$$missing"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null \
	    || { [ "$(2)" = optional ] && echo "deps: could not install optional$$missing" >&2; [ "$(2)" = optional ]; }; \
	fi
endef

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

npm: node_modules/.package-lock.json ## npm packages: Azurite, webhook example payloads, chart library

deps-run: npm ## what `make run` needs: PostgreSQL's server binaries and the npm packages
	$(call apt_ensure,$(RUN_PACKAGES),required)

deps: deps-run ## what `make test` needs on top: Chromium and fonts (browser tests), shellcheck and entr when they can be had
	$(call apt_ensure,$(TEST_PACKAGES),required)
	$(call apt_ensure,$(OPTIONAL_PACKAGES),optional)
	$(DOTNET) restore Pipeline.sln --verbosity quiet

build: npm ## build everything
	$(DOTNET) build Pipeline.sln -c $(CONFIG)

run: deps-run ## run the local launcher on http://localhost:7071: embedded servers, sample data, HTTP app and worker (Ctrl-C stops all)
	$(DOTNET) run --project functions/Pipeline.LocalHost -c $(CONFIG)

test: deps build ## all tests: unit, integration (real PostgreSQL, Azurite, Kafka protocol) and browser
	# One test assembly at a time (-m:1): on 2 cores, parallel assemblies starve the real servers each one starts.
	$(DOTNET) test Pipeline.sln -c $(CONFIG) --no-build -m:1 --settings tests/test.runsettings --logger "console;verbosity=normal"

test-unit: build
	$(DOTNET) test tests/Pipeline.UnitTests -c $(CONFIG) --no-build --settings tests/test.runsettings

test-integration: deps build
	$(DOTNET) test tests/Pipeline.IntegrationTests -c $(CONFIG) --no-build --settings tests/test.runsettings

test-browser: deps build
	$(DOTNET) test tests/Pipeline.BrowserTests -c $(CONFIG) --no-build --settings tests/test.runsettings

watch: npm ## on every change to a tracked source file: format check, then the unit tests (needs entr: apt-get install entr)
	@command -v entr >/dev/null || { echo "make watch needs entr: sudo apt-get install -y entr" >&2; exit 1; }
	# entr -d exits when a file is added to a watched folder; the loop then picks the new file up.
	while true; do \
	  git ls-files -co --exclude-standard -- '*.cs' '*.csproj' '*.props' '*.sql' '*.json' | \
	    entr -d -c -s '$(DOTNET) format Pipeline.sln --verify-no-changes --no-restore && $(DOTNET) build tests/Pipeline.UnitTests -c $(CONFIG) -v q && $(DOTNET) test tests/Pipeline.UnitTests -c $(CONFIG) --no-build --settings tests/test.runsettings'; \
	  [ $$? -eq 2 ] || break; \
	done

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
	docker build -f docker/Dockerfile.spark -t pipeline-spark:local .

minikube-up: ## KEDA-scaled deployment on Minikube
	infra/minikube/up.sh

minikube-down:
	infra/minikube/down.sh

clean:
	$(DOTNET) clean Pipeline.sln
	rm -rf .pipeline TestResults
