# Inventory Command Center: the two commands a newcomer needs.
#
#   make run    build and start the mesh on the embedded store with demo data
#   make test   every check and test (what CI runs)

CARGO ?= cargo
BUF := tools/node_modules/.bin/buf

.PHONY: run build test lint fmt-check clippy proto-lint unit bench

run: build
	scripts/run-mesh.sh

build:
	$(CARGO) build -p orders-svc -p ingest-svc -p icc-demo

test: lint unit

lint: fmt-check proto-lint clippy

fmt-check:
	$(CARGO) fmt --all --check

clippy:
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings

$(BUF): tools/package.json tools/package-lock.json
	npm ci --prefix tools --no-audit --no-fund
	touch $(BUF)

proto-lint: $(BUF)
	$(BUF) lint

# nextest runs each test in its own process; the binaries the whole-mesh
# tests start are built first, in the same (dev) profile.
unit:
	$(CARGO) build --workspace --bins
	$(CARGO) nextest run --workspace --all-features --no-fail-fast

bench:
	scripts/bench-orders.sh
