#!/bin/bash
# libmetasafe.so exports only the documented metasafe_* API, a program
# built against it with pkg-config's flags works, and metasafe.pc is sane.
. "$(dirname "$0")/test-exec.sh"
tid "libmetasafe.so: exported API, pkg-config, a linked program works"

need_tool cc nm pkg-config
SO=$BUILD/libmetasafe.so
[ -f "$SO" ] || fatal "$SO missing"
nm -D --defined-only "$SO" | awk '$2 ~ /^[TDBR]$/ { sub(/@.*/, "", $3); print $3 }' > "$OBJ/syms"
grep -q '^metasafe_connect_auth$' "$OBJ/syms" || fail "metasafe_connect_auth not exported"
grep -q '^metasafe_version$' "$OBJ/syms" || fail "metasafe_version not exported"
if grep -v '^metasafe_' "$OBJ/syms" > "$OBJ/leaked"; then
	fail "internal symbols exported: $(head -5 "$OBJ/leaked" | tr '\n' ' ')"
fi
# The .pc file (as installed under a prefix) names the library and header dir.
grep -q '^Libs:.*-lmetasafe' "$BUILD/metasafe.pc" || fail "metasafe.pc lacks -lmetasafe"
grep -q '^Cflags:' "$BUILD/metasafe.pc" || fail "metasafe.pc lacks Cflags"
mkdir -p "$OBJ/pc/include" "$OBJ/pc/lib/pkgconfig"
cp "$TOP/client/metasafe.h" "$OBJ/pc/include/"
cp "$BUILD/libmetasafe.so.1" "$OBJ/pc/lib/"
ln -s libmetasafe.so.1 "$OBJ/pc/lib/libmetasafe.so"
sed "s|^prefix=.*|prefix=$OBJ/pc|" "$BUILD/metasafe.pc" > "$OBJ/pc/lib/pkgconfig/metasafe.pc"
flags=$(PKG_CONFIG_PATH=$OBJ/pc/lib/pkgconfig pkg-config --cflags --libs metasafe) ||
    fatal "pkg-config cannot read metasafe.pc"
san=
[ "${SANITIZE:-0}" = 1 ] && san="-fsanitize=address,undefined"
cc $san -o "$OBJ/holder" "$TOP/regress/progs/hold-conn.c" $flags \
    -Wl,-rpath,"$OBJ/pc/lib" 2> "$OBJ/cc.err" ||
    fatal "cannot build against libmetasafe.so: $(cat "$OBJ/cc.err")"
ldd "$OBJ/holder" | grep -q "$OBJ/pc/lib/libmetasafe.so.1" ||
    fail "program not linked to the shared library"

start_daemon
printf 'shared-ok' | ms set /so rec || fatal "set"
echo | "$OBJ/holder" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" /so rec \
    > "$OBJ/out" 2>&1 || fail "program linked to libmetasafe.so failed: $(cat "$OBJ/out")"
grep -q '^ready' "$OBJ/out" || fail "no result from the linked program"
