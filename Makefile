# Thin wrapper over CMake presets. `make demo` and `make test` install what is missing first.
JOBS ?= $(shell nproc)
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: deps release debug asan demo test bench clean format

deps:
	@bash scripts/install-deps.sh

release: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

debug: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug -j $(JOBS)

asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

demo: release
	./build/release/cli/weft demo

# The whole suite: the Release build (the one `make demo` and the benchmarks use, with jemalloc),
# then the same tests under AddressSanitizer + UBSan (a Debug build: assertions on), then a short
# libFuzzer run of the importers where clang is installed. A plain Debug pass would add a third
# build of everything and check nothing these two do not (`make debug` still makes one).
test: release asan
	ctest --preset release -j $(JOBS)
	ctest --preset asan -j $(JOBS)
	bash scripts/fuzz-smoke.sh 10

bench: release
	./build/release/cli/weft bench --alerts 100000

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format-14 -i

clean:
	rm -rf build
