# alien: one alien.so per Lua, built by SwiftPM from one Swift core.
#
#   make                 every Lua whose headers are installed -> build/<tag>/alien.so
#   make LUA=5.3         just one (LUA=5.1 5.2 5.3 5.4 luajit)
#   make demo            build everything and run demo/demo.lua under each Lua
#   make test            swift test, then the Lua suite under every Lua (and a debug build)
#   make debug           a debug build of the lua5.4 adapter -> build/lua5.4-debug/alien.so
#   make bench           the benchmark table (make bench-callgrind: instruction counts)
#   make check-memory    the Lua suite and the threads test under valgrind memcheck (lua5.4)
#   make fuzz            the fuzzer under every Lua (make fuzz-quick: the fixed seeds of make test)
#
# The Debian packages needed are installed first when missing (ci/install-deps.sh).

SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
# SwiftPM picks its C compiler from CC; a CC meant for us (LuaRocks passes gcc) must not reach it.
SWIFT_BUILD := env -u CC -u CFLAGS -u LDFLAGS $(SWIFT) build
CC ?= cc
BUILD := build

ALL_TAGS := lua5.1 lua5.2 lua5.3 lua5.4 luajit
INCDIR_lua5.1 ?= /usr/include/lua5.1
INCDIR_lua5.2 ?= /usr/include/lua5.2
INCDIR_lua5.3 ?= /usr/include/lua5.3
INCDIR_lua5.4 ?= /usr/include/lua5.4
INCDIR_luajit ?= /usr/include/luajit-2.1
PRODUCT_lua5.1 := alien_lua51
PRODUCT_lua5.2 := alien_lua52
PRODUCT_lua5.3 := alien_lua53
PRODUCT_lua5.4 := alien_lua54
PRODUCT_luajit := alien_luajit
INCENV_lua5.1 := ALIEN_INCDIR_LUA51
INCENV_lua5.2 := ALIEN_INCDIR_LUA52
INCENV_lua5.3 := ALIEN_INCDIR_LUA53
INCENV_lua5.4 := ALIEN_INCDIR_LUA54
INCENV_luajit := ALIEN_INCDIR_LUAJIT

ifdef LUA
TAGS := $(if $(filter luajit,$(LUA)),luajit,lua$(LUA))
else
TAGS := $(foreach t,$(ALL_TAGS),$(if $(wildcard $(INCDIR_$(t))/lua.h),$(t)))
endif

TESTLIB := $(BUILD)/testlib/libalientest.so

.PHONY: bench bench-callgrind all deps demo demo-run test test-run swift-test lua-test luarocks-test threads-test check-memory adversarial fuzz fuzz-quick debug testlib dist rock rock-install clean $(ALL_TAGS)

all: $(TAGS)

deps:
	@bash ci/install-deps.sh

# One product per Lua; SwiftPM shares the compiled core between them.
$(ALL_TAGS):
	@test -f "$(INCDIR_$@)/lua.h" || { echo "alien: no Lua headers for $@ in $(INCDIR_$@) (install them, or make INCDIR_$@=...)"; exit 1; }
	$(INCENV_$@)="$(INCDIR_$@)" $(SWIFT_BUILD) -c release --product $(PRODUCT_$@)
	@mkdir -p $(BUILD)/$@
	cp .build/release/lib$(PRODUCT_$@).so $(BUILD)/$@/alien.so
	strip --strip-unneeded $(BUILD)/$@/alien.so
	@echo "built $(BUILD)/$@/alien.so"

# Debug build: a longjmp over a Swift frame traps at once in Swift's
# exclusivity checking here, where a release build may only corrupt memory.
debug:
	$(SWIFT_BUILD) -c debug --product alien_lua54
	@mkdir -p $(BUILD)/lua5.4-debug
	cp .build/debug/libalien_lua54.so $(BUILD)/lua5.4-debug/alien.so

testlib: $(TESTLIB)

$(TESTLIB): Tests/lua/testlib/alientest.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -shared -fPIC -o $@ $<

# The list of Luas (TAGS) is read when make starts: after deps has installed
# the headers on a fresh machine, a new make computes it again.
demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: all
	@test -n "$(TAGS)" || { echo "alien: no Lua headers found"; exit 1; }
	@bash ci/demo.sh $(TAGS)

swift-test:
	$(SWIFT) test

lua-test: testlib
	@bash ci/matrix.sh $(TAGS)

# Several Lua states on several threads of one process (SPEC section 15).
threads-test: testlib
	@bash ci/threads.sh $(TAGS)

# The Lua suite and the threads host under valgrind memcheck on Lua 5.4 with the
# release module: zero errors and no definite leak (ci/check-memory.sh).
check-memory: testlib
	@test -f $(BUILD)/lua5.4/alien.so || $(MAKE) --no-print-directory lua5.4
	@bash ci/check-memory.sh

# The adversarial suite (Tests/adversarial, issue 14): about 2000 misuse cases,
# each in its own process, under every Lua and the debug build (ci/adversarial.sh).
adversarial: testlib
	@ALIEN_BUILD=$(BUILD) bash ci/adversarial.sh $(TAGS) lua5.4-debug

# The fuzzer (Tests/fuzz, issue 14): every alien function, method and metamethod
# with random arguments, under every built Lua and the debug build, each seed in
# its own process (ci/fuzz.sh). fuzz-quick: the fixed seeds make test runs.
# Longer runs by hand: make fuzz FUZZ_RUNS=20000 FUZZ_SEEDS="$(seq -s ' ' 1 64)"
# (also FUZZ_TIMEOUT, FUZZ_JOBS, FUZZ_ONLY, FUZZ_SKIP; see ci/fuzz.sh).
FUZZ_ENV = $(foreach v,FUZZ_RUNS FUZZ_SEEDS FUZZ_TIMEOUT FUZZ_JOBS FUZZ_VMEM FUZZ_ONLY FUZZ_SKIP,$(if $($(v)),$(v)='$($(v))'))
FUZZ_TAGS = $(if $(LUA),$(TAGS),$(TAGS) lua5.4-debug)

fuzz: testlib
	@$(FUZZ_ENV) bash ci/fuzz.sh $(FUZZ_TAGS)

fuzz-quick: testlib
	@$(FUZZ_ENV) bash ci/fuzz.sh --quick $(FUZZ_TAGS)

test: deps
	@bash ci/install-deps.sh luarocks
	@$(MAKE) --no-print-directory test-run

test-run:
	@test -n "$(TAGS)" || { echo "alien: no Lua headers found"; exit 1; }
	@$(MAKE) --no-print-directory swift-test
	@$(MAKE) --no-print-directory all debug testlib
	@bash ci/check-modules.sh
	@bash ci/luarocks.sh
	@bash ci/lua-tests.sh --debug $(TAGS)

# LuaRocks (rockspec/*.rockspec): `rock` builds for the Lua whose headers are in
# LUA_INCDIR, `rock-install` copies that alien.so into LIBDIR.
rock:
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "alien: building alien needs the Swift toolchain (swift 6): install it from swift.org and put swift on PATH"; exit 1; }
	@pkg-config --exists libffi 2>/dev/null || { echo "alien: building alien needs libffi and pkg-config: apt-get install libffi-dev pkg-config"; exit 1; }
	@tag=$$(sh ci/lua-tag.sh "$(LUA_INCDIR)") && \
	  $(MAKE) --no-print-directory $$tag INCDIR_$$tag="$(LUA_INCDIR)" && \
	  mkdir -p $(BUILD)/rock && cp $(BUILD)/$$tag/alien.so $(BUILD)/rock/alien.so

rock-install:
	install -d "$(LIBDIR)"
	install -m 0755 $(BUILD)/rock/alien.so "$(LIBDIR)/alien.so"

# The source tarball the versioned rockspec names, beside a copy of it.
VERSION := 0.8.0
dist:
	@mkdir -p $(BUILD)/dist
	git archive --format=tar.gz --prefix=alien-$(VERSION)/ -o $(BUILD)/dist/alien-$(VERSION).tar.gz HEAD
	sed 's|url = "alien-$(VERSION).tar.gz"|url = "file://$(abspath $(BUILD))/dist/alien-$(VERSION).tar.gz"|' \
	  rockspec/alien-$(VERSION)-1.rockspec > $(BUILD)/dist/alien-$(VERSION)-1.rockspec

luarocks-test:
	@bash ci/luarocks.sh

# Benchmarks (bench/): time per operation beside the hand-written floors and
# LuaJIT's FFI on every Lua, or instructions per operation under callgrind.
bench: all
	@bash bench/run.sh $(TAGS)

bench-callgrind: all
	@bash ci/install-deps.sh valgrind
	@bash bench/run.sh --callgrind $(TAGS)

clean:
	rm -rf $(BUILD) .build
