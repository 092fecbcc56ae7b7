#!/bin/bash
# Missing or unreadable keys stop the start before anything else happens:
# exit 1 and the key file on stderr, in daemon mode and with -D.
. "$(dirname "$0")/test-exec.sh"
tid "start-up: key load failure on stderr, exit 1, nothing running"

daemon_setup
cfg=$OBJ/metasafed_config

conf_set "$cfg" HostKey "$OBJ/keys/missing_sig_key"
start_fails 1 "$OBJ/keys/missing_sig_key" "$cfg"
start_fails 1 "$OBJ/keys/missing_sig_key" "$cfg" -D
conf_set "$cfg" HostKey "$OBJ/keys/host_sig_key"

# A store key of the wrong kind (the kex key).
conf_set "$cfg" StoreKey "$OBJ/keys/host_kex_key"
start_fails 1 "$OBJ/keys/host_kex_key" "$cfg"
[ -e "$OBJ/metasafed.pid" ] && fail "PidFile written although the keys failed"
[ -e "$OBJ/store/data.mdb" ] && fail "store opened although the keys failed"
exit 0
