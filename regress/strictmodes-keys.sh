#!/bin/bash
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
t_ok "harness config" || exit 1

# key_refused WHAT WANT: refused (-t and a foreground start fail with
# WANT), and the refused start wrote no PidFile and listens nowhere.
key_refused() {
	refused "$1" "$2"
	[ -e "$OBJ/metasafed.pid" ] && fail "$1: a PidFile was written"
	port_listening "$DAEMON_PORT" && fail "$1: something listens"
	return 0
}

k=$OBJ/keys
chmod 644 "$k/host_sig_key"
key_refused "0644 HostKey" "metasafed: HostKey $k/host_sig_key: bad ownership or modes (0644, owner uid 0): must be owned by root and not accessible by group or others"
chmod 600 "$k/host_sig_key"

chmod 640 "$k/host_store_key"
key_refused "0640 StoreKey" "StoreKey $k/host_store_key: bad ownership or modes (0640, owner uid 0)"
chmod 600 "$k/host_store_key"

chmod 604 "$k/host_kex_key"
key_refused "0604 HostKexKey" "HostKexKey $k/host_kex_key: bad ownership or modes (0604, owner uid 0)"
chmod 600 "$k/host_kex_key"

# Not owned by root, even at 0600.
chown 65534 "$k/host_sig_key" || fatal "chown"
key_refused "non-root HostKey" "HostKey $k/host_sig_key: bad ownership or modes (0600, owner uid 65534): must be owned by root"
chown 0 "$k/host_sig_key"

# The directory holding the keys.
chmod 0775 "$k"
key_refused "group-writable key directory" "HostKey $k/host_sig_key: bad ownership or modes for directory $k (0775, owner uid 0): must be owned by root and not writable by group or others"
chmod 0700 "$k"
chown 65534 "$k" || fatal "chown"
key_refused "key directory owned by another user" "for directory $k (0700, owner uid 65534)"
chown 0 "$k"

# A symbolic link to a loose key: the target's modes count.
mv "$k/host_sig_key" "$k/real_sig_key"
ln -s "$k/real_sig_key" "$k/host_sig_key"
t_ok "root-owned link to a 0600 key"
chmod 644 "$k/real_sig_key"
key_refused "link to a 0644 HostKey" "HostKey $k/host_sig_key: bad ownership or modes (0644"
chmod 600 "$k/real_sig_key"

t_ok "restored config"

# StrictModes no (for tests only) accepts the same loose key.
chmod 644 "$k/real_sig_key"
printf 'StrictModes no\n' >> "$cfg"
t_ok "StrictModes no, a 0644 key"
start_daemon
ms status > /dev/null 2>&1 || fail "StrictModes no: daemon does not serve"
stop_daemon
exit 0
