#!/bin/bash
# StoreBackend and the Etcd* keywords: -T shows them, -t refuses bad
# values with FILE:LINE and cross-keyword mistakes with FILE, StrictModes
# holds EtcdKeyFile to a private key's modes, and a daemon whose cluster
# does not answer, or whose StoreKey the cluster's store did not record,
# refuses to start with exit status 5, naming the endpoints (never a key).
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
tid "etcd configuration keywords and start-up refusal"

daemon_setup
cfg=$OBJ/metasafed_config
cp "$cfg" "$OBJ/good_config"
"$METASAFED" -T -f "$cfg" > "$OBJ/dump" || fail "-T failed"
for want in 'storebackend lmdb' 'etcdendpoints none' 'etcdprefix /metasafe/' \
    'etcdcafile none' 'etcdcertfile none' 'etcdkeyfile none' \
    'etcdtimeout 5s'; do
	grep -qx "$want" "$OBJ/dump" || fail "-T lacks '$want'"
done

check_bad() {
	cp "$OBJ/good_config" "$OBJ/bad_config"
	printf '%s\n' "$1" >> "$OBJ/bad_config"
	_n=$(wc -l < "$OBJ/bad_config")
	"$METASAFED" -t -f "$OBJ/bad_config" > "$OBJ/bad.out" 2>&1 &&
	    fail "-t accepted: $1"
	grep -qF "$OBJ/bad_config:$_n: ${1%% *}" "$OBJ/bad.out" ||
	    fail "'$1': no FILE:LINE: KEYWORD: $(cat "$OBJ/bad.out")"
	grep -qF -- "$2" "$OBJ/bad.out" ||
	    fail "'$1': message lacks '$2': $(cat "$OBJ/bad.out")"
}
check_bad "StoreBackend sqlite" 'StoreBackend: expected lmdb or etcd'
check_bad "EtcdEndpoints 127.0.0.1:2379" 'EtcdEndpoints: "127.0.0.1:2379" is not an http:// or https:// URL'
check_bad "EtcdEndpoints http://127.0.0.1:99999" 'port is too large'
check_bad "EtcdEndpoints http://127.0.0.1:2379/x" 'expected SCHEME://HOST:PORT'
check_bad "EtcdPrefix metasafe" "EtcdPrefix metasafe: must begin and end with '/'"
check_bad "EtcdCAFile ca.pem" 'EtcdCAFile ca.pem: must be an absolute path'
check_bad "EtcdTimeout 50ms" 'EtcdTimeout: "50ms" is out of range (100ms..60s)'
check_bad "EtcdTimeout soon" 'EtcdTimeout: expected a time such as 5s or 500ms'

# Rules across keywords name the file.
check_file() {
	cp "$OBJ/good_config" "$OBJ/bad_config"
	printf '%s\n' "$@" >> "$OBJ/bad_config"
	"$METASAFED" -t -f "$OBJ/bad_config" > "$OBJ/bad.out" 2>&1 &&
	    fail "-t accepted: $*"
	grep -qF "$OBJ/bad_config: $_want" "$OBJ/bad.out" ||
	    fail "'$*': want '$_want', got: $(cat "$OBJ/bad.out")"
}
_want='StoreBackend etcd needs EtcdEndpoints'
check_file "StoreBackend etcd"
_want='EtcdCertFile and EtcdKeyFile go together'
check_file "EtcdCertFile $OBJ/keys/etcd.crt"
# TLS configured: a plain http:// endpoint would bypass it.
_want='EtcdEndpoints http://127.0.0.1:2379: plain http with EtcdCAFile'
check_file "EtcdEndpoints https://127.0.0.1:2380,http://127.0.0.1:2379" \
    "EtcdCAFile $OBJ/keys/ca.pem"

# StrictModes: the client key of mutual TLS is a private key.
umask 022
printf 'not a key\n' > "$OBJ/keys/etcd.key"
printf 'not a cert\n' > "$OBJ/keys/etcd.crt"
chmod 0644 "$OBJ/keys/etcd.key" "$OBJ/keys/etcd.crt"
cp "$OBJ/good_config" "$cfg"
printf 'EtcdCertFile %s\nEtcdKeyFile %s\n' "$OBJ/keys/etcd.crt" \
    "$OBJ/keys/etcd.key" >> "$cfg"
t_fails "EtcdKeyFile 0644" "EtcdKeyFile $OBJ/keys/etcd.key: bad ownership or modes (0644"
chmod 0600 "$OBJ/keys/etcd.key"
t_ok "EtcdKeyFile 0600"
chmod 0666 "$OBJ/keys/etcd.crt"
t_fails "EtcdCertFile 0666" "EtcdCertFile $OBJ/keys/etcd.crt: bad ownership or modes (0666"

# A cluster that does not answer: nothing listens on this port.
dead=$(pick_port)
cp "$OBJ/good_config" "$cfg"
printf 'StoreBackend etcd\nEtcdEndpoints http://127.0.0.1:%s\nEtcdTimeout 1s\n' \
    "$dead" >> "$cfg"
t_ok "StoreBackend etcd (-t does not contact the cluster)"
start_fails 5 "EtcdEndpoints http://127.0.0.1:$dead" "$cfg" -D
start_fails 5 "EtcdEndpoints http://127.0.0.1:$dead" "$cfg"
no_key_in_msg() {
	for f in "$@"; do
		needle=$(grep -v '^-----' "$f" | tr -d '\n' | cut -c1-24)
		grep -qF "$needle" "$OBJ/start.err" && fail "start-up message shows $f"
	done
	return 0
}
no_key_in_msg "$OBJ"/keys/*_key
[ -e "$OBJ/store/data.mdb" ] && fail "an LMDB store was created with StoreBackend etcd"

# A real cluster: the first daemon records its key there; a daemon with
# another key is refused at start.
etcd_cluster_start
conf_set "$cfg" EtcdEndpoints "$ETCD_ENDPOINTS"
start_daemon
printf 'v' | ms set -s /k v || fail "set on etcd"
stop_daemon
etcdctl_t get --prefix --keys-only /metasafe/meta/ | grep -qa '^/metasafe/meta/kcv:' ||
    fail "no key check value recorded in etcd"
mkdir -p "$OBJ/other" && chmod 0700 "$OBJ/other"
"$METASAFE_KEYGEN" -q -A -d "$OBJ/other" >> "$TEST_LOG" 2>&1 || fatal "keygen"
conf_set "$cfg" StoreKey "$OBJ/other/host_store_key"
start_fails 5 "etcd store /metasafe/ at EtcdEndpoints $ETCD_ENDPOINTS: .*(match|KCV)" "$cfg" -D
no_key_in_msg "$OBJ"/other/*_key "$OBJ"/keys/*_key
exit 0
