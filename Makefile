# make         build the book into public/
# make test    run every test, the book's checks included
# make check   verify every example of the book
# make serve   live preview on http://127.0.0.1:8080
# make bench   benchmarks with medians and ratios

.PHONY: all build test check serve bench

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
