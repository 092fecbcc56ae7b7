#!/bin/bash
# make install DESTDIR=... PREFIX=/usr LIBDIR=<multiarch>: exactly the
# expected files with the expected modes (programs, library, header, .pc,
# sample config, unit, sysusers.d/tmpfiles.d snippets, man pages), built-in
# paths naming the final locations and not DESTDIR; a second install keeps
# an edited config; make uninstall removes everything but the config.
. "$(dirname "$0")/test-exec.sh"
tid "make install DESTDIR: file list, modes, config kept; uninstall"

. "$SRCDIR/lib/install.sh"
D=$OBJ/dest
ML=/usr/lib/x86_64-linux-gnu
V="PREFIX=/usr LIBDIR=$ML DESTDIR=$D"
# shellcheck disable=SC2086
mk $V install || fatal "make install failed: $(tail -n 20 "$OBJ/make.log")"

# mode path (or "link path target"), one per line, sorted by path.
{
	echo "644 etc/metasafe/metasafed_config"
	echo "755 usr/bin/metasafe"
	echo "755 usr/bin/metasafe-keygen"
	echo "644 usr/include/metasafe.h"
	echo "644 usr/lib/systemd/system/metasafed.service"
	echo "644 usr/lib/sysusers.d/metasafe.conf"
	echo "644 usr/lib/tmpfiles.d/metasafe.conf"
	echo "644 ${ML#/}/libmetasafe.a"
	echo "link ${ML#/}/libmetasafe.so libmetasafe.so.1"
	echo "755 ${ML#/}/libmetasafe.so.1"
	echo "644 ${ML#/}/pkgconfig/metasafe.pc"
	echo "755 usr/libexec/metasafe-worker"
	[ -x "$MK_BUILD/metasafe-admin" ] && echo "755 usr/sbin/metasafe-admin"
	echo "755 usr/sbin/metasafed"
	echo "644 usr/share/metasafe/metasafed_config"
	for m in "$TOP"/man/*.[1358]; do
		[ -f "$m" ] || continue
		n=$(basename "$m")
		echo "644 usr/share/man/man${n##*.}/$n"
	done
} | sort -k2 > "$OBJ/want"
listing() {
	(cd "$D" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort |
	    while read -r f; do
		if [ -L "$f" ]; then
			echo "link $f $(readlink "$f")"
		else
			echo "$(stat -c %a "$f") $f"
		fi
	    done)
}
listing > "$OBJ/got"
diff "$OBJ/want" "$OBJ/got" > "$OBJ/diff" ||
    fail "installed files differ (- expected, + installed): $(cat "$OBJ/diff")"
[ "$(stat -c %a "$D/etc/metasafe")" = 755 ] || fail "etc/metasafe is not 0755"

# The contents name the final paths, never DESTDIR or the build tree.
if grep -rl -e "$D" -e "$MK_BUILD" "$D" > "$OBJ/leak" 2>/dev/null; then
	fail "files name DESTDIR or the build tree: $(cat "$OBJ/leak")"
fi
PC=$D$ML/pkgconfig/metasafe.pc
grep -qx 'prefix=/usr' "$PC" || fail "metasafe.pc: $(cat "$PC")"
grep -qx 'libdir=${prefix}/lib/x86_64-linux-gnu' "$PC" || fail "metasafe.pc libdir: $(cat "$PC")"
grep -qx "Version: $VERSION" "$PC" || fail "metasafe.pc version: $(cat "$PC")"
grep -qx 'ExecStart=/usr/sbin/metasafed -D' "$D/usr/lib/systemd/system/metasafed.service" ||
    fail "the unit does not run /usr/sbin/metasafed"
cmp -s "$D/etc/metasafe/metasafed_config" "$D/usr/share/metasafe/metasafed_config" ||
    fail "the config and its reference copy differ after a first install"
grep -qx '#HostKey /etc/metasafe/host_sig_key' "$D/etc/metasafe/metasafed_config" ||
    fail "the sample config does not show the HostKey default"
grep -qx '#PrivsepUser _metasafe' "$D/etc/metasafe/metasafed_config" ||
    fail "the sample config does not show PrivsepUser _metasafe"
# Every line of the sample is a comment or empty: it runs on the defaults.
grep -v '^#' "$D/etc/metasafe/metasafed_config" | grep -q . &&
    fail "the sample config sets something: $(grep -v '^#' "$D/etc/metasafe/metasafed_config" | grep .)"

# The installed daemon's built-in defaults are the installed locations.
: > "$OBJ/empty_config"
"$D/usr/sbin/metasafed" -T -f "$OBJ/empty_config" > "$OBJ/dump" 2>&1 ||
    fail "metasafed -T on an empty config failed: $(cat "$OBJ/dump")"
for l in "workerpath /usr/libexec/metasafe-worker" \
    "hostkey /etc/metasafe/host_sig_key" \
    "hostkexkey /etc/metasafe/host_kex_key" \
    "storekey /etc/metasafe/host_store_key" \
    "authorizedprincipalsfile /etc/metasafe/principals" \
    "storedirectory /var/lib/metasafe" \
    "privsepchroot /run/metasafed/empty" \
    "pidfile /run/metasafed/metasafed.pid" \
    "privsepuser _metasafe"; do
	grep -qx "$l" "$OBJ/dump" || fail "-T lacks '$l'"
done
"$D/usr/sbin/metasafed" -h 2>&1 | grep -q '/etc/metasafe/metasafed_config' ||
    fail "metasafed -h does not name /etc/metasafe/metasafed_config"

# A second install never overwrites the operator's config.
echo "# edited by the operator" >> "$D/etc/metasafe/metasafed_config"
sum=$(checksum "$D/etc/metasafe/metasafed_config")
: > "$OBJ/make.log"
# shellcheck disable=SC2086
mk $V install || fatal "second make install failed: $(tail -n 20 "$OBJ/make.log")"
[ "$(checksum "$D/etc/metasafe/metasafed_config")" = "$sum" ] ||
    fail "make install overwrote the edited config"
grep -q 'metasafed_config exists: not overwritten' "$OBJ/make.log" ||
    fail "make install did not say it kept the config: $(tail -n 5 "$OBJ/make.log")"

# uninstall: only the config is left (and empty directories).
# shellcheck disable=SC2086
mk $V uninstall || fatal "make uninstall failed: $(tail -n 20 "$OBJ/make.log")"
listing > "$OBJ/left"
[ "$(cat "$OBJ/left")" = "644 etc/metasafe/metasafed_config" ] ||
    fail "uninstall left or removed the wrong files: $(cat "$OBJ/left")"
[ "$(checksum "$D/etc/metasafe/metasafed_config")" = "$sum" ] ||
    fail "uninstall changed the config"
exit 0
