#!/bin/bash
# An installed tree runs on its built-in defaults: built and installed
# with PREFIX, SYSCONFDIR, RUNSTATEDIR and LOCALSTATEDIR under $OBJ, the
# build directory then removed (as after `make clean`), the installed
# tmpfiles.d snippet creates the directories, the installed keygen creates
# the host keys where the daemon looks by default, and the installed
# daemon (no -f, no WorkerPath: a config with only the port and the
# privsep user) serves a SECURE value to the installed client through the
# installed worker.  A program built with `pkg-config metasafe` against
# the installed header and library calls metasafe_version().  make
# uninstall then leaves the config, keys and store alone.
. "$(dirname "$0")/test-exec.sh"
tid "installed tree: daemon, worker, client and library on default paths"

. "$SRCDIR/lib/install.sh"
need_tool cc pkg-config systemd-tmpfiles
P=$OBJ/usr
E=$OBJ/etc
C=$E/metasafe
V="PREFIX=$P SYSCONFDIR=$E RUNSTATEDIR=$OBJ/run LOCALSTATEDIR=$OBJ/var"
# shellcheck disable=SC2086
mk $V install || fatal "make install failed: $(tail -n 20 "$OBJ/make.log")"
rm -rf "$MK_BUILD"	# nothing may need the build tree from here on

METASAFED=$P/sbin/metasafed
WORKER=$P/libexec/metasafe-worker
METASAFE=$P/bin/metasafe
METASAFE_KEYGEN=$P/bin/metasafe-keygen
need_prog "$METASAFED" "$WORKER" "$METASAFE" "$METASAFE_KEYGEN"

# The directories, as systemd-tmpfiles makes them at boot.
systemd-tmpfiles --create "$P/lib/tmpfiles.d/metasafe.conf" \
    > "$OBJ/tmpfiles.out" 2>&1 ||
    fail "systemd-tmpfiles: $(cat "$OBJ/tmpfiles.out")"
for d in "$OBJ/run/metasafed" "$OBJ/run/metasafed/empty" "$OBJ/var/lib/metasafe"; do
	[ -d "$d" ] || fail "tmpfiles did not create $d"
done

# Keys where the daemon looks by default: keygen -A without -d.
"$METASAFE_KEYGEN" -q -A > "$OBJ/keygen.out" 2>&1 ||
    fatal "metasafe-keygen -A: $(cat "$OBJ/keygen.out")"
for k in host_sig_key host_kex_key host_store_key; do
	[ -f "$C/$k" ] || fail "keygen -A did not create $C/$k"
done
"$METASAFE_KEYGEN" -q -t ed25519 -N '' -C admin -f "$OBJ/admin_key" \
    >> "$TEST_LOG" 2>&1 || fatal "admin key"
printf 'admin %s\n' "$(cat "$OBJ/admin_key.pub")" > "$C/principals"
chmod 644 "$C/principals"

DAEMON_PORT=$(pick_port)
printf '[127.0.0.1]:%s %s\n' "$DAEMON_PORT" \
    "$(cut -d' ' -f1,2 "$C/host_sig_key.pub")" > "$OBJ/known_hosts"
# The installed sample config, with only the port and who may do what
# added.  PrivsepUser: the default _metasafe is made by sysusers.d on a
# real install (systemd-snippets.sh); this test does not add users to the
# host, so the workers run as nobody here.
[ -f "$C/metasafed_config" ] || fatal "no installed $C/metasafed_config"
cat >> "$C/metasafed_config" <<CONF
ListenAddress 127.0.0.1
Port $DAEMON_PORT
AdminPrincipals admin
PrivsepUser nobody
CONF

"$METASAFED" -T > "$OBJ/dump" 2>&1 || fatal "metasafed -T (default config): $(cat "$OBJ/dump")"
for l in "workerpath $WORKER" "hostkey $C/host_sig_key" \
    "storedirectory $OBJ/var/lib/metasafe" \
    "privsepchroot $OBJ/run/metasafed/empty" "port $DAEMON_PORT"; do
	grep -qx "$l" "$OBJ/dump" || fail "-T lacks '$l': $(tr '\n' '|' < "$OBJ/dump")"
done

# -D alone logs to syslog once the startup rework lands; -e then keeps
# the log on stderr.  Use -e where the daemon knows it.
LOGOPT=
if "$METASAFED" -e -t > /dev/null 2>&1; then
	LOGOPT=-e
elif ! "$METASAFED" -t > "$OBJ/t.out" 2>&1; then
	fatal "metasafed -t (default config) failed: $(cat "$OBJ/t.out")"
fi
"$METASAFED" -D $LOGOPT > "$OBJ/metasafed.log" 2>&1 &
DAEMON_PID=$!
i=0
while ! port_listening "$DAEMON_PORT"; do
	if ! pid_alive "$DAEMON_PID"; then
		DAEMON_PID=
		fatal "installed metasafed exited: $(cat "$OBJ/metasafed.log")"
	fi
	i=$((i + 1))
	[ $i -le 100 ] || fatal "installed metasafed not listening after 10 s"
	sleep 0.1
done
[ -s "$OBJ/run/metasafed/metasafed.pid" ] || fail "no PidFile at the default path"

secret="installed-secret-$$"
printf '%s' "$secret" | ms set -s /inst rec || fail "installed client: set -s failed"
[ "$(ms get /inst rec)" = "$secret" ] || fail "installed client: get did not read the value"
ms status > "$OBJ/status" 2>&1 || fail "status: $(cat "$OBJ/status")"
grep -qx "server: metasafe-$VERSION" "$OBJ/status" || fail "status: $(cat "$OBJ/status")"
# The store is at its default place and holds no clear text.
[ -f "$OBJ/var/lib/metasafe/data.mdb" ] || fail "no store at $OBJ/var/lib/metasafe"
grep -rq "$secret" "$OBJ/var/lib/metasafe" && fail "the SECURE value is in the store in clear"
stop_daemon

# A program built against the installed header and library.
PKG_CONFIG_PATH=$P/lib/pkgconfig
export PKG_CONFIG_PATH
[ "$(pkg-config --modversion metasafe)" = "$VERSION" ] ||
    fail "pkg-config --modversion: $(pkg-config --modversion metasafe 2>&1)"
flags=$(pkg-config --cflags --libs metasafe) || fatal "pkg-config cannot read metasafe.pc"
echo "$flags" | grep -q -- "-I$P/include" || fail "pkg-config --cflags: $flags"
cat > "$OBJ/v.c" <<'PROG'
#include <stdio.h>
#include <string.h>
#include <metasafe.h>

int
main(void)
{
#if METASAFE_VERSION_NUMBER < 0x000900
	return 2;
#endif
	if (strcmp(metasafe_version(), METASAFE_VERSION) != 0)
		return 1;
	printf("%s\n", metasafe_version());
	return 0;
}
PROG
san=
[ "${SANITIZE:-0}" = 1 ] && san="-fsanitize=address,undefined"
# shellcheck disable=SC2086
cc $san -Wall -Werror -o "$OBJ/v" "$OBJ/v.c" $flags -Wl,-rpath,"$P/lib" \
    2> "$OBJ/cc.err" || fatal "cannot build against the installed library: $(cat "$OBJ/cc.err")"
ldd "$OBJ/v" | grep -q "$P/lib/libmetasafe.so.1" || fail "not linked to the installed libmetasafe.so.1"
[ "$("$OBJ/v")" = "$VERSION" ] || fail "metasafe_version() from the installed library"

# uninstall: the installed files go, the operator's config, keys,
# principals and store stay.
# shellcheck disable=SC2086
mk $V uninstall || fatal "make uninstall failed: $(tail -n 20 "$OBJ/make.log")"
left=$(find "$P" \( -type f -o -type l \))
[ -z "$left" ] || fail "uninstall left: $left"
for f in "$C/metasafed_config" "$C/host_sig_key" "$C/host_store_key" \
    "$C/principals" "$OBJ/var/lib/metasafe/data.mdb"; do
	[ -f "$f" ] || fail "uninstall removed $f"
done
grep -q "^Port $DAEMON_PORT\$" "$C/metasafed_config" || fail "uninstall changed the config"
exit 0
