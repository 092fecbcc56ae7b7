#!/bin/bash
# The generated metasafed.service: `systemd-analyze verify` accepts it
# without a word (no running systemd needed), it is a Type=notify unit
# that checks the config before start and reload, reloads with SIGHUP and
# restarts on failure, and `systemd-analyze security --offline` rates its
# exposure 3.0 or better.
. "$(dirname "$0")/test-exec.sh"
tid "systemd unit: verify, directives, security exposure <= 3.0"

need_tool systemd-analyze
UNIT=$BUILD/metasafed.service
[ -f "$UNIT" ] || fatal "$UNIT missing (make builds it)"
grep -n '@[A-Z_]*@' "$UNIT" && fail "unsubstituted names in the unit"

has() {
	grep -qx -- "$1" "$UNIT" || fail "the unit lacks the line '$1'"
}
sbindir=$(sed -n 's|^ExecStart=\(/.*\)/metasafed -D$|\1|p' "$UNIT")
[ -n "$sbindir" ] || fatal "no 'ExecStart=SBINDIR/metasafed -D' in the unit"
has "Type=notify"
has "ExecStartPre=$sbindir/metasafed -t"
has "ExecReload=$sbindir/metasafed -t"
has 'ExecReload=/bin/kill -HUP $MAINPID'
has "Restart=on-failure"
has "KillMode=mixed"
has "ProtectSystem=strict"
has "NoNewPrivileges=yes"
has "MemoryDenyWriteExecute=yes"
has "PrivateTmp=yes"
has "ProtectHome=yes"
has "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"
has "CapabilityBoundingSet=CAP_SYS_CHROOT CAP_SETUID CAP_SETGID CAP_KILL"
store=$(sed -n 's/^#define MS_PATH_STORE_DIR[[:space:]]*"\(.*\)"/\1/p' "$BUILD/pathnames.h")
[ -n "$store" ] || fatal "no MS_PATH_STORE_DIR in pathnames.h"
grep -q "^ReadWritePaths=.*$store" "$UNIT" ||
    fail "ReadWritePaths does not name the store $store"

# verify wants the programs where the unit names them: a copy that points
# at this build's.
mkdir -p "$OBJ/unit"
sed "s|$sbindir/metasafed|$BUILD/metasafed|g" "$UNIT" > "$OBJ/unit/metasafed.service"
grep -q "^ExecStart=$BUILD/metasafed -D\$" "$OBJ/unit/metasafed.service" ||
    fatal "could not point the unit at $BUILD"
# Documentation= is checked too: the man pages it names must be found.
need_tool man
mkdir -p "$OBJ/man/man8" "$OBJ/man/man5"
cp "$TOP/man/metasafed.8" "$OBJ/man/man8/" || fatal "man/metasafed.8 missing"
cp "$TOP/man/metasafed_config.5" "$OBJ/man/man5/" ||
    fatal "man/metasafed_config.5 missing"
MANPATH=$OBJ/man systemd-analyze verify "$OBJ/unit/metasafed.service" \
    > "$OBJ/verify.out" 2>&1
st=$?
[ $st -eq 0 ] || fail "systemd-analyze verify: exit $st: $(cat "$OBJ/verify.out")"
[ -s "$OBJ/verify.out" ] &&
    fail "systemd-analyze verify complained: $(cat "$OBJ/verify.out")"

systemd-analyze security --offline=yes --no-pager \
    "$OBJ/unit/metasafed.service" > "$OBJ/security.out" 2>&1 ||
    fail "systemd-analyze security failed: $(tail -n 5 "$OBJ/security.out")"
level=$(sed -n 's/.*Overall exposure level for metasafed.service: \([0-9.]*\).*/\1/p' \
    "$OBJ/security.out")
[ -n "$level" ] || fatal "no exposure level in: $(tail -n 3 "$OBJ/security.out")"
verbose "systemd-analyze security: exposure $level"
awk -v l="$level" 'BEGIN { exit !(l <= 3.0) }' ||
    fail "exposure $level is above 3.0: $(grep '✗' "$OBJ/security.out" | head -n 20)"
exit 0
