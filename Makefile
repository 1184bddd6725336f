# Freshet developer entry points. `make run` and `make test` work on a fresh Debian 12 machine as root.
BUILD_DIR ?= build
DATA_DIR ?= freshet-data
PORT ?= 5444
JOBS ?= $(shell nproc)

# Everything the build links and the tests run. Libraries are checked by package name; tools by
# their command (TOOL=package), so a machine that has the tool from elsewhere (Node.js from
# another repository, a JDK) keeps it.
DEB_PACKAGES := cmake g++ ninja-build ccache antlr4 libantlr4-runtime-dev uuid-dev librocksdb-dev \
  libpqxx-dev libpq-dev libboost-dev libboost-system-dev libspdlog-dev libgtest-dev libgmock-dev \
  libbenchmark-dev libabsl-dev librdkafka-dev libssl-dev libsimdjson-dev pkg-config \
  postgresql postgresql-client python3 python3-psycopg2 libpostgresql-jdbc-java tzdata
DEB_TOOLS := kcat=kcat sqlsmith=sqlsmith java=default-jdk-headless javac=default-jdk-headless \
  node=nodejs npm=npm

.PHONY: all deps build run test soak fuzz unit slt format clean

all: build

# Installs the Debian packages that are missing (needs root and apt-get); waits for another
# apt-get holding the package lock instead of failing.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	for t in $(DEB_TOOLS); do \
	  command -v $${t%%=*} >/dev/null 2>&1 || case " $$missing " in *" $${t#*=} "*) ;; *) missing="$$missing $${t#*=}" ;; esac; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get -o DPkg::Lock::Timeout=600 update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing; \
	fi

# Configures every time (cheap), so new test folders and files are always picked up.
build: deps
	@gen=""; command -v ninja >/dev/null && gen="-G Ninja"; \
	[ -f $(BUILD_DIR)/CMakeCache.txt ] && gen=""; \
	launcher=""; command -v ccache >/dev/null && launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"; \
	cmake -S . -B $(BUILD_DIR) $$gen $$launcher -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/freshet --data-dir $(DATA_DIR) --port $(PORT)

# Every test: unit tests, our sqllogictest suites, the public suites beside the checkout.
test: build
	bash tests/run_all.sh $(BUILD_DIR)

# The crash test's soak mode: CYCLES kill -9 / restart cycles (default 200) against the oracle.
CYCLES ?= 200
soak: build
	$(BUILD_DIR)/freshet-crash-test --server $(BUILD_DIR)/freshet --cycles $(CYCLES)

# Random-query testing for as long as asked: FUZZ_QUERIES statements (default 1,000,000) or
# FUZZ_SECONDS, from seed FUZZ_SEED; the report (counts by SQLSTATE, every finding) goes to
# FUZZ_REPORT.
FUZZ_QUERIES ?= 1000000
FUZZ_SECONDS ?= 0
FUZZ_SEED ?= 1000
FUZZ_REPORT ?= fuzz-report.txt
fuzz: build
	/usr/bin/python3 tests/sqlsmith/fuzz.py $(BUILD_DIR)/freshet --seed $(FUZZ_SEED) \
	  --queries $(FUZZ_QUERIES) --seconds $(FUZZ_SECONDS) --queries-per-round 5000 --progress \
	  --report $(FUZZ_REPORT)

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf $(BUILD_DIR)
