# kenmin: one GNU Makefile for both programs, the tests, the local site
# and the benchmarks.  Local overrides go in Makefile.local (not tracked).
#
#   make            build generator/kenmin-gen and formsvc/formsvc.cgi
#   make run        install what is missing, build, load demo data, serve
#                   http://127.0.0.1:8080/ (lighttpd + the CGI)
#   make check      install what is missing, build with ASan/UBSan, run
#                   every test; the last line is "N passed, N failed"
#   make bench      print build and publish numbers (not a test)

sinclude Makefile.local

PKGS	 = sqlite3 libcmark-gfm libgit2 libcurl libsodium inih libutf8proc libseccomp \
	   libdeflate libcrypto
CC	?= cc
WARN	 = -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
	   -Wwrite-strings -Wshadow -Wformat=2 -Werror
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions
OPT	?= -O2 -g
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(OPT) $(PKG_CFLAGS) -Ilib -I$(B)/gen \
	   -MMD -MP $(CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS_ALL = -pthread $(LDFLAGS) $(EXTRA_LDFLAGS)

# Build variants live side by side: build/rel (what `make` installs as
# generator/kenmin-gen and formsvc/formsvc.cgi) and build/san (ASan +
# UBSan, what `make check` tests).  Header dependencies come from -MMD.
B	?= build/rel
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer

LIB_SRCS = lib/util.c lib/buf.c lib/config.c lib/text.c lib/esc.c \
	   lib/tmpl.c lib/db.c lib/crypto.c lib/totp.c \
	   lib/outbox.c lib/audit.c lib/search.c
GEN_SRCS = generator/main.c generator/init.c generator/stats.c \
	   generator/demo.c generator/demodata.c generator/site.c generator/history.c \
	   generator/histpack.c generator/matching.c generator/strset.c \
	   generator/render.c generator/build.c generator/families.c \
	   generator/feeds.c generator/misc.c \
	   generator/sn_lists.c generator/pages.c generator/content.c \
	   generator/ak_top.c generator/ak_postings.c generator/ak_members.c generator/ak_other.c \
	   generator/sn_top.c generator/sn_orgs.c generator/sn_events.c generator/sn_grants.c \
	   generator/mail.c generator/audit.c generator/staff.c \
	   generator/keys.c generator/purge.c \
	   generator/assets.c generator/search.c generator/preview.c
FSV_SRCS = formsvc/main.c formsvc/request.c formsvc/response.c \
	   formsvc/sandbox.c formsvc/pages.c formsvc/session.c formsvc/auth.c \
	   formsvc/form.c formsvc/flow.c formsvc/register.c formsvc/spawn.c \
	   formsvc/search.c \
	   formsvc/member.c formsvc/posting.c formsvc/snreg.c \
	   formsvc/event.c formsvc/review.c formsvc/account.c \
	   formsvc/apply.c formsvc/contact.c
TEST_SRCS = tests/unit/test_esc.c tests/unit/test_text.c \
	   tests/unit/test_tmpl.c tests/unit/test_config.c \
	   tests/unit/test_buf.c tests/unit/test_crypto.c tests/unit/test_db.c \
	   tests/unit/test_site.c tests/unit/test_totp.c \
	   tests/unit/test_outbox.c tests/unit/test_audit.c

# Everything db/ holds is embedded into the binaries at build time, so an
# installed kenmin-gen needs no path to the source tree.
DB_FILES = $(sort $(wildcard db/migrations/*.sql)) $(sort $(wildcard db/master/*.sql))

LIB_OBJS = $(LIB_SRCS:%.c=$(B)/%.o) $(B)/gen/dbfiles.o
GEN_OBJS = $(GEN_SRCS:%.c=$(B)/%.o)
FSV_OBJS = $(FSV_SRCS:%.c=$(B)/%.o)
TEST_BINS = $(TEST_SRCS:tests/unit/%.c=$(B)/tests/%)

.PHONY: all bins tests check run serve stop bench clean deps distclean
.DEFAULT_GOAL := all

all:
	$(MAKE) bins B=build/rel
	cp build/rel/kenmin-gen generator/kenmin-gen
	cp build/rel/formsvc.cgi formsvc/formsvc.cgi

bins: $(B)/kenmin-gen $(B)/formsvc.cgi

tests: $(TEST_BINS)

$(B)/libkenmin.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

$(B)/kenmin-gen: $(GEN_OBJS) $(B)/libkenmin.a
	$(CC) $(CFLAGS_ALL) -o $@ $(GEN_OBJS) $(B)/libkenmin.a $(LDFLAGS_ALL) $(PKG_LIBS)

$(B)/formsvc.cgi: $(FSV_OBJS) $(B)/libkenmin.a
	$(CC) $(CFLAGS_ALL) -o $@ $(FSV_OBJS) $(B)/libkenmin.a $(LDFLAGS_ALL) $(PKG_LIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/t.h $(B)/libkenmin.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(B)/libkenmin.a $(LDFLAGS_ALL) $(PKG_LIBS)

# test_site links the generator's output layer (site.c, history.c,
# histpack.c).
SITE_TEST_OBJS = $(B)/generator/site.o $(B)/generator/history.o \
		 $(B)/generator/histpack.o $(B)/generator/strset.o
$(B)/tests/test_site: tests/unit/test_site.c tests/unit/t.h $(SITE_TEST_OBJS) $(B)/libkenmin.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -Igenerator -o $@ $< $(SITE_TEST_OBJS) $(B)/libkenmin.a $(LDFLAGS_ALL) $(PKG_LIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O1 -o $@ $<

$(B)/gen/dbfiles.c: $(B)/tools/embed $(DB_FILES)
	@mkdir -p $(dir $@)
	$(B)/tools/embed $@ $(DB_FILES)

$(B)/gen/dbfiles.o: $(B)/gen/dbfiles.c
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# formsvc's own unit tests link its objects but main.o.  The test CGI is
# formsvc built with -DKENMIN_TEST: it adds the /_test/ pages that
# tests/cases/200_cgi_core.sh drives; the installed CGI never has them.
FSV_LIB_OBJS = $(filter-out $(B)/formsvc/main.o,$(FSV_OBJS))
FSV_TEST_BINS = $(B)/tests/test_request $(B)/tests/test_response \
	   $(B)/tests/test_upload
FSV_TEST_OBJS = $(FSV_SRCS:%.c=$(B)/ktest/%.o)

tests: $(FSV_TEST_BINS) $(B)/tests/formsvc-test.cgi

$(FSV_TEST_BINS): $(B)/tests/%: tests/unit/%.c tests/unit/t.h $(FSV_LIB_OBJS) $(B)/libkenmin.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -Iformsvc -o $@ $< $(FSV_LIB_OBJS) $(B)/libkenmin.a $(LDFLAGS_ALL) $(PKG_LIBS)

$(B)/ktest/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DKENMIN_TEST -c -o $@ $<

$(B)/tests/formsvc-test.cgi: $(FSV_TEST_OBJS) $(B)/libkenmin.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $(FSV_TEST_OBJS) $(B)/libkenmin.a $(LDFLAGS_ALL) $(PKG_LIBS)

# ---- the whole set-up: two commands ----

deps:
	@scripts/install-deps

check:
	@scripts/install-deps --check-only >/dev/null 2>&1 || scripts/install-deps
	$(MAKE) all
	$(MAKE) bins tests B=build/san EXTRA_CFLAGS="$(SAN_FLAGS)" EXTRA_LDFLAGS="$(SAN_FLAGS)" OPT="-O1 -g"
	@tests/run

run:
	@scripts/install-deps --check-only >/dev/null 2>&1 || scripts/install-deps
	$(MAKE) all
	@scripts/serve

stop:
	@scripts/serve --stop

bench: all
	@tests/bench/run

clean:
	rm -rf build generator/kenmin-gen formsvc/formsvc.cgi

distclean: clean
	rm -rf var site-out/* node_modules tests/node_modules

-include $(shell find build -name '*.d' 2>/dev/null)
