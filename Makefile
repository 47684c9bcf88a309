# The two commands of the README, and a few more. Each installs what it needs first.
BUILD   ?= build
ASAN    ?= build-asan
FUZZ    ?= build-fuzz
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
PY      ?= /usr/bin/python3
CMAKE_FLAGS ?=

.PHONY: all run test unit http sanitize fuzz fuzz-ci bench clean install

all:
	@scripts/deps.sh run
	cmake -S . -B $(BUILD) -DBRISK_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

# Build and serve the flagship example, the todo API of examples/todo, on
# http://127.0.0.1:8000 (its SQLite file: $TODO_DB, default ./todo.db).
run: all
	./$(BUILD)/examples/todo --host 127.0.0.1 --port 8000

# Build and run every test: unit tests, the llhttp corpus, black-box HTTP tests; under CI
# (CI=true) also the whole suite again under ASan+UBSan and the fuzzer for a short while.
test:
	@scripts/deps.sh test
	cmake -S . -B $(BUILD) -DBRISK_TESTS=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)
	$(MAKE) --no-print-directory unit http B=$(BUILD)
ifeq ($(CI),true)
	$(MAKE) --no-print-directory sanitize
	$(MAKE) --no-print-directory fuzz-ci
endif

B ?= $(BUILD)
unit:
	timeout 900 ./$(B)/unit_tests --jobs $(JOBS)

http:
	BRISK_BUILD=$(abspath $(B)) $(PY) -m pytest -q -p no:cacheprovider tests/http

sanitize:
	@scripts/deps.sh test
	cmake -S . -B $(ASAN) -DBRISK_TESTS=ON -DBRISK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(ASAN) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  $(MAKE) --no-print-directory unit http B=$(ASAN)

fuzz:
	@scripts/deps.sh test
	CC=clang cmake -S . -B $(FUZZ) -DBRISK_TESTS=OFF -DBRISK_FUZZ=ON -DBRISK_SANITIZE=ON \
	  -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(FUZZ) -j$(JOBS)
	@for f in $(FUZZ)/fuzz_*; do echo "== $$f"; mkdir -p $$f.corpus; \
	  $$f -max_total_time=$${FUZZ_SECONDS:-60} -print_final_stats=1 $$f.corpus \
	  tests/fuzz/seeds/$$(basename $$f) || exit 1; done

fuzz-ci:
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30

bench:
	bench/run.sh

install: all
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
