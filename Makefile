# Sightglass: `make run` builds and opens the station on its embedded demo
# plant; `make test` sets up and runs every test. See README.md.

# bash with pipefail: `make bench` pipes into tee and must still fail when
# a benchmark does.
SHELL       := bash
.SHELLFLAGS := -o pipefail -c

GO       ?= go
BIN      := bin/sightglass
# migrated_fynedo: every Fyne call from another goroutine goes through
# fyne.Do, so Fyne need not look up the calling goroutine (a stack walk)
# on every refresh. The tests run with it too, and with -race.
BUILDTAGS := migrated_fynedo
TESTTAGS  := ci,$(BUILDTAGS)

.PHONY: run build test vet bench smoke deps deps-test clean

run: deps build
	./$(BIN) run

build:
	$(GO) build -tags $(BUILDTAGS) -o $(BIN) ./app

deps:
	scripts/deps.sh run

deps-test:
	scripts/deps.sh test

vet:
	$(GO) vet -tags $(TESTTAGS) ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "not gofmt-formatted"; exit 1; }

# The unit, protocol and headless GUI tests with the race detector, then
# the smoke test: the real binary in a real window under Xvfb.
test: deps-test vet
	$(GO) test -race -tags $(TESTTAGS) -count=1 -skip TestSmoke ./...
	$(GO) test -count=1 -run 'TestSmoke' -v ./app

bench: deps-test
	$(GO) test -tags $(TESTTAGS) -run '^$$' -bench . -benchtime 2s ./... | { mkdir -p out; tee out/bench.txt; }

clean:
	rm -rf bin out
