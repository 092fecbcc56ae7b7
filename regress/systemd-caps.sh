#!/bin/bash
# The unit's confinement is enough and not more than enough: the daemon
# started with exactly metasafed.service's CapabilityBoundingSet, no
# inheritable capabilities and no_new_privs (NoNewPrivileges=yes), as
# setpriv(1) sets them up, serves SECURE values through its sandboxed
# workers; without CAP_SYS_CHROOT, CAP_SETUID or CAP_SETGID it cannot.
. "$(dirname "$0")/test-exec.sh"
tid "systemd unit: its capability set and no_new_privs suffice, each cap is needed"

need_tool setpriv
UNIT=$BUILD/metasafed.service
[ -f "$UNIT" ] || fatal "$UNIT missing"
grep -qx 'NoNewPrivileges=yes' "$UNIT" || fail "the unit does not set NoNewPrivileges=yes"
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT")
[ -n "$caps" ] || fatal "no CapabilityBoundingSet in the unit"
# CAP_SYS_CHROOT ... -> +sys_chroot,...
setpriv_caps() {
	for _c in "$@"; do
		printf ',+%s' "$(echo "${_c#CAP_}" | tr A-Z a-z)"
	done
}
REAL=$METASAFED
# run_confined CAPS...: start_daemon with the daemon under setpriv.
run_confined() {
	cat > "$OBJ/confined" <<WRAP
#!/bin/sh
exec setpriv --no-new-privs --inh-caps=-all \\
    --bounding-set=-all$(setpriv_caps "$@") "$REAL" "\$@"
WRAP
	chmod 755 "$OBJ/confined"
	METASAFED=$OBJ/confined
	start_daemon
}

# shellcheck disable=SC2086
run_confined $caps
grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$DAEMON_PID/status" ||
    fail "the daemon does not run with no_new_privs"
bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$DAEMON_PID/status")
n=$(printf '%s' "$caps" | wc -w)
v=$((0x${bnd:-0})) bits=0
while [ "$v" -ne 0 ]; do
	bits=$((bits + (v & 1)))
	v=$((v >> 1))
done
[ "$bits" -eq "$n" ] ||
    fail "CapBnd $bnd has $bits capabilities, the unit names $n ($caps)"
printf 'confined-secret' | ms set -s /caps rec || fail "set -s under the unit's capabilities"
[ "$(ms get /caps rec)" = confined-secret ] || fail "get under the unit's capabilities"
stop_daemon

# Each of these is needed: without it the worker cannot enter its sandbox
# and the session fails (and the daemon says why).
for need in CAP_SYS_CHROOT CAP_SETUID CAP_SETGID; do
	echo " $caps " | grep -q " $need " || { fail "the unit lacks $need"; continue; }
	rest=$(echo " $caps " | sed "s/ $need / /")
	: > "$OBJ/metasafed.log"
	# shellcheck disable=SC2086
	run_confined $rest
	if ms get /caps rec > "$OBJ/out" 2>&1; then
		fail "without $need a session still worked"
	fi
	wait_log 'Operation not permitted'
	stop_daemon
done
exit 0
