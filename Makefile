# make         build the book into public/
# make test    run every test, the book's checks included
# make check   verify every example of the book
# make serve   live preview on http://127.0.0.1:8080
# make bench   benchmarks with medians and ratios
# make lint    go vet and staticcheck (examples/ keeps its deliberate lessons;
#              runner/wasmstd is yaegi's generated symbol tables, copied)

.PHONY: all build test check serve bench lint

STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2

all: build

build:
	go run . build

test:
	go test ./...

check:
	go run . check

serve:
	go run . serve -open

bench:
	scripts/bench.sh

lint:
	go vet ./...
	go run $(STATICCHECK) $$(go list ./... | grep -v -e /examples/ -e /runner/wasmstd)
