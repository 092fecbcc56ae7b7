#!/bin/bash
# The built-in paths follow the make variables: a make with another PREFIX
# (or LIBDIR) regenerates pathnames.h and metasafe.pc and recompiles what
# includes pathnames.h; a make with the same paths rewrites and rebuilds
# nothing; a path that is relative or has blanks is refused.
. "$(dirname "$0")/test-exec.sh"
tid "make: pathnames.h and metasafe.pc follow PREFIX/LIBDIR, and only then"

. "$SRCDIR/lib/install.sh"
need_tool strings
H=$MK_BUILD/pathnames.h
PC=$MK_BUILD/metasafe.pc
O=$MK_BUILD/obj/monitor/servconf.o
targets="$H $PC $O"

mk PREFIX=/opt/ms1 $targets || fatal "make failed: $(tail -n 20 "$OBJ/make.log")"
grep -q '^#define MS_PATH_WORKER[[:space:]]*"/opt/ms1/libexec/metasafe-worker"$' "$H" ||
    fail "pathnames.h lacks the PREFIX=/opt/ms1 worker: $(cat "$H")"
grep -q '^#define MS_PATH_CONFIG[[:space:]]*"/opt/ms1/etc/metasafe/metasafed_config"$' "$H" ||
    fail "SYSCONFDIR is not PREFIX/etc for PREFIX=/opt/ms1: $(cat "$H")"
grep -qx 'prefix=/opt/ms1' "$PC" || fail "metasafe.pc: $(cat "$PC")"
grep -qx "Version: $VERSION" "$PC" || fail "metasafe.pc lacks Version: $VERSION"
h1=$(mtime "$H") p1=$(mtime "$PC") o1=$(mtime "$O")

# The same paths again: nothing is rewritten or rebuilt.
mk PREFIX=/opt/ms1 $targets || fatal "make failed"
[ "$(mtime "$H")" = "$h1" ] || fail "pathnames.h rewritten with unchanged paths"
[ "$(mtime "$PC")" = "$p1" ] || fail "metasafe.pc rewritten with unchanged paths"
[ "$(mtime "$O")" = "$o1" ] || fail "servconf.o rebuilt with unchanged paths"

# Another PREFIX and a multiarch LIBDIR: both files change, the object
# that includes pathnames.h is rebuilt.
mk PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu $targets || fatal "make failed"
grep -q '^#define MS_PATH_WORKER[[:space:]]*"/usr/libexec/metasafe-worker"$' "$H" ||
    fail "pathnames.h not regenerated for PREFIX=/usr: $(cat "$H")"
grep -q '^#define MS_PATH_CONFIG[[:space:]]*"/etc/metasafe/metasafed_config"$' "$H" ||
    fail "SYSCONFDIR is not /etc for PREFIX=/usr: $(cat "$H")"
grep -q '^#define MS_PATH_PIDFILE[[:space:]]*"/run/' "$H" ||
    fail "RUNSTATEDIR is not /run: $(cat "$H")"
grep -q '^#define MS_PATH_STORE_DIR[[:space:]]*"/var/lib/metasafe"$' "$H" ||
    fail "LOCALSTATEDIR is not /var: $(cat "$H")"
grep -qx 'prefix=/usr' "$PC" || fail "metasafe.pc keeps the old prefix: $(cat "$PC")"
grep -qx 'libdir=${prefix}/lib/x86_64-linux-gnu' "$PC" ||
    fail "metasafe.pc libdir: $(cat "$PC")"
grep -qx 'includedir=${prefix}/include' "$PC" || fail "metasafe.pc includedir: $(cat "$PC")"
[ "$(mtime "$O")" != "$o1" ] || fail "servconf.o not rebuilt after the paths changed"
strings "$O" | grep -q '/usr/libexec/metasafe-worker' ||
    fail "servconf.o does not carry the new worker path"
strings "$O" | grep -q '/opt/ms1' && fail "servconf.o still carries /opt/ms1"

# One variable alone (SYSCONFDIR) changes pathnames.h too.
mk PREFIX=/usr SYSCONFDIR=/srv/etc $H || fatal "make failed"
grep -q '"/srv/etc/metasafe/host_sig_key"' "$H" || fail "SYSCONFDIR=/srv/etc ignored"

# Bad paths are refused before anything is built.
for bad in PREFIX=usr/local "PREFIX=/a b" 'SYSCONFDIR=/etc"x'; do
	if mk "$bad" "$H"; then
		fail "make accepted $bad"
	fi
done
tail -n 1 "$OBJ/make.log" | grep -q 'SYSCONFDIR' ||
    fail "the refusal does not name the variable: $(tail -n 1 "$OBJ/make.log")"
exit 0
