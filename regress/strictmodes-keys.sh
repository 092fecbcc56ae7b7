#!/bin/sh
# StrictModes (default yes): a host or store key file that group or others
# can access, or that root does not own, or a key directory others can
# write, makes -t fail naming the file, and the daemon refuses to start.
. "$(dirname "$0")/test-exec.sh"
tid "StrictModes: loose or foreign key files fail -t and start-up"

# The harness defaults pass with StrictModes yes.
start_daemon
stop_daemon
cfg=$OBJ/metasafed_config
"$METASAFED" -T -f "$cfg" | grep -qx 'strictmodes yes' ||
    fail "-T does not show strictmodes yes by default"
"$METASAFED" -t -f "$cfg" > "$OBJ/t.out" 2>&1 ||
    fatal "-t refuses the harness config: $(cat "$OBJ/t.out")"

# refused WHAT WANT: -t and a foreground start both fail with WANT.
refused() {
	"$METASAFED" -t -f "$cfg" > "$OBJ/t.out" 2>&1 &&
	    fail "$1: -t accepted"
	grep -qF -- "$2" "$OBJ/t.out" ||
	    fail "$1: -t message lacks '$2': $(cat "$OBJ/t.out")"
	timeout 20 "$METASAFED" -D -f "$cfg" > "$OBJ/d.out" 2>&1
	_st=$?
	[ $_st -ne 0 ] && [ $_st -ne 124 ] ||
	    fail "$1: the daemon did not refuse to start (status $_st)"
	grep -qF -- "$2" "$OBJ/d.out" ||
	    fail "$1: start-up message lacks '$2': $(cat "$OBJ/d.out")"
	[ -e "$OBJ/metasafed.pid" ] && fail "$1: a PidFile was written"
	port_listening "$DAEMON_PORT" && fail "$1: something listens"
	return 0
}

k=$OBJ/keys
chmod 644 "$k/host_sig_key"
refused "0644 HostKey" "metasafed: HostKey $k/host_sig_key: bad ownership or modes (0644, owner uid 0): must be owned by root and not accessible by group or others"
chmod 600 "$k/host_sig_key"

chmod 640 "$k/host_store_key"
refused "0640 StoreKey" "StoreKey $k/host_store_key: bad ownership or modes (0640, owner uid 0)"
chmod 600 "$k/host_store_key"

chmod 604 "$k/host_kex_key"
refused "0604 HostKexKey" "HostKexKey $k/host_kex_key: bad ownership or modes (0604, owner uid 0)"
chmod 600 "$k/host_kex_key"

# Not owned by root, even at 0600.
chown 65534 "$k/host_sig_key" || fatal "chown"
refused "non-root HostKey" "HostKey $k/host_sig_key: bad ownership or modes (0600, owner uid 65534): must be owned by root"
chown 0 "$k/host_sig_key"

# The directory holding the keys.
chmod 0775 "$k"
refused "group-writable key directory" "HostKey $k/host_sig_key: bad ownership or modes for directory $k (0775, owner uid 0): must be owned by root and not writable by group or others"
chmod 0700 "$k"
chown 65534 "$k" || fatal "chown"
refused "key directory owned by another user" "for directory $k (0700, owner uid 65534)"
chown 0 "$k"

# A symbolic link to a loose key: the target's modes count.
mv "$k/host_sig_key" "$k/real_sig_key"
ln -s "$k/real_sig_key" "$k/host_sig_key"
"$METASAFED" -t -f "$cfg" > "$OBJ/t.out" 2>&1 ||
    fail "-t refuses a root-owned link to a 0600 key: $(cat "$OBJ/t.out")"
chmod 644 "$k/real_sig_key"
refused "link to a 0644 HostKey" "HostKey $k/host_sig_key: bad ownership or modes (0644"
chmod 600 "$k/real_sig_key"

"$METASAFED" -t -f "$cfg" > "$OBJ/t.out" 2>&1 ||
    fail "-t refuses the restored config: $(cat "$OBJ/t.out")"

# StrictModes no (for tests only) accepts the same loose key.
chmod 644 "$k/real_sig_key"
printf 'StrictModes no\n' >> "$cfg"
"$METASAFED" -t -f "$cfg" > "$OBJ/t.out" 2>&1 ||
    fail "StrictModes no: -t refuses a 0644 key: $(cat "$OBJ/t.out")"
start_daemon
ms status > /dev/null 2>&1 || fail "StrictModes no: daemon does not serve"
stop_daemon
exit 0
