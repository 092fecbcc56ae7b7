#!/bin/bash
# metasafed -t fails, with FILE:LINE or KEYWORD, for whatever would stop the
# daemon or weaken it later, and touches nothing; the daemon refuses the
# same things at start-up.  An AdminPrincipals name nobody can log in as is
# a warning only.
. "$(dirname "$0")/test-exec.sh"
tid "-t checks addresses, paths, parents and the store's modes"
need_tool timeout

start_daemon
ms status > /dev/null 2>&1 || fatal "the harness daemon does not serve"
stop_daemon
cfg=$OBJ/metasafed_config
cp "$cfg" "$OBJ/base_config"
t_ok "harness config" || exit 1

# set_kw KEYWORD VALUE: replace (or add) KEYWORD's line; prints its number.
set_kw() {
	cp "$OBJ/base_config" "$cfg"
	if grep -q "^$1 " "$cfg"; then
		sed -i "s|^$1 .*|$1 $2|" "$cfg"
	else
		printf '%s %s\n' "$1" "$2" >> "$cfg"
	fi
	grep -n "^$1 " "$cfg" | head -n 1 | cut -d: -f1
}

# ListenAddress: a host name is refused at its line.
n=$(set_kw ListenAddress localhost)
t_fails "host name" "$cfg:$n: ListenAddress localhost: host names are not accepted; give an address"
n=$(set_kw ListenAddress 127.0.0.300)
t_fails "bad address" "$cfg:$n: ListenAddress 127.0.0.300: not an IPv4 or IPv6 address"
n=$(set_kw ListenAddress ::1)
t_ok "ListenAddress ::1"

# Relative paths, each at its line.
for kw in HostKey StoreKey StoreDirectory AuthorizedPrincipalsFile PidFile \
    PrivsepChroot WorkerPath; do
	n=$(set_kw $kw "relative/$kw")
	t_fails "relative $kw" "$cfg:$n: $kw relative/$kw: must be an absolute path"
done
n=$(set_kw TrustedUserCAFile ca.pem)
t_fails "relative TrustedUserCAFile" "$cfg:$n: TrustedUserCAFile ca.pem: must be an absolute path"

# PidFile: its directory must exist.
set_kw PidFile "$OBJ/nodir/metasafed.pid" > /dev/null
t_fails "PidFile parent missing" "metasafed: PidFile $OBJ/nodir/metasafed.pid: directory $OBJ/nodir: No such file or directory"
start_refused "PidFile parent missing" "PidFile $OBJ/nodir/metasafed.pid: directory $OBJ/nodir"
: > "$OBJ/plainfile"
set_kw PidFile "$OBJ/plainfile/metasafed.pid" > /dev/null
t_fails "PidFile parent a file" "PidFile $OBJ/plainfile/metasafed.pid: $OBJ/plainfile is not a directory"

# StoreDirectory: the store creates only the last component.
set_kw StoreDirectory "$OBJ/nodir/store" > /dev/null
t_fails "StoreDirectory parent missing" "metasafed: StoreDirectory $OBJ/nodir/store: parent directory $OBJ/nodir: No such file or directory"
start_refused "StoreDirectory parent missing" "StoreDirectory $OBJ/nodir/store: parent directory"
[ -e "$OBJ/nodir" ] && fail "-t or start-up created $OBJ/nodir"
set_kw StoreDirectory "$OBJ/newstore" > /dev/null
t_ok "a missing StoreDirectory with a parent"
[ -e "$OBJ/newstore" ] && fail "-t created the StoreDirectory"

# The store's ownership and modes, found by -t, not only at store open.
cp "$OBJ/base_config" "$cfg"
[ -f "$OBJ/store/data.mdb" ] || fatal "the harness store has no data.mdb"
chmod 0755 "$OBJ/store"
t_fails "store 0755" "metasafed: StoreDirectory $OBJ/store: bad ownership or modes (0755, owner uid 0): must be owned by root and not accessible by group or others (0700)"
start_refused "store 0755" "StoreDirectory $OBJ/store: bad ownership or modes (0755"
chmod 0700 "$OBJ/store"
chmod 0644 "$OBJ/store/data.mdb"
t_fails "data.mdb 0644" "StoreDirectory $OBJ/store: bad ownership or modes for data.mdb (0644, owner uid 0)"
start_refused "data.mdb 0644" "bad ownership or modes for data.mdb (0644"
chmod 0600 "$OBJ/store/data.mdb"
chown 65534 "$OBJ/store" || fatal chown
t_fails "store owned by another user" "StoreDirectory $OBJ/store: bad ownership or modes (0700, owner uid 65534)"
chown 0 "$OBJ/store"

# PrivsepChroot: missing parents are created later, a file in the way is not.
set_kw PrivsepChroot "$OBJ/run/metasafed/empty" > /dev/null
t_ok "a chroot with missing parents"
[ -e "$OBJ/run" ] && fail "-t created the chroot's parents"
: > "$OBJ/run"
t_fails "chroot under a file" "metasafed: PrivsepChroot $OBJ/run/metasafed/empty: cannot be created: $OBJ/run is not a directory"
start_refused "chroot under a file" "PrivsepChroot $OBJ/run/metasafed/empty: cannot be created"
rm -f "$OBJ/run"
cp "$OBJ/base_config" "$cfg"
: > "$OBJ/empty/intruder"
t_fails "non-empty chroot" "PrivsepChroot $OBJ/empty: must be empty, but holds \"intruder\""
rm -f "$OBJ/empty/intruder"

# AdminPrincipals naming nobody: -t warns and passes; start-up logs it.
cp "$OBJ/base_config" "$cfg"
sed -i 's|^AdminPrincipals .*|AdminPrincipals admin ghost|' "$cfg"
t_ok "an AdminPrincipals warning"
want="warning: AdminPrincipals: ghost is not in AuthorizedPrincipalsFile and no TrustedUserCAFile is configured"
grep -qF "$want" "$OBJ/t.out" || fail "-t does not warn: $(cat "$OBJ/t.out")"
grep -q "admin is not" "$OBJ/t.out" && fail "-t warns about admin, who is listed"
start_daemon
wait_log "$want"
ms status > /dev/null 2>&1 || fail "the daemon with a warning does not serve"
stop_daemon

# Everything restored: -t passes again.
cp "$OBJ/base_config" "$cfg"
t_ok "restored config"
exit 0
