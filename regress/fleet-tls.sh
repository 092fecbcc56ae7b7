#!/bin/bash
# Two hosts on an etcd cluster that speaks only TLS and wants client
# certificates (mutual TLS: EtcdCAFile, EtcdCertFile, EtcdKeyFile): they
# share plain and SECURE values as over http.  A host whose client
# certificate is from another CA, one with none, and one that does not
# trust the cluster's server certificate each refuse to start (exit 5,
# the store class, naming the endpoints); the first host keeps serving.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
. "$SRCDIR/lib/fleet.sh"
tid "fleet: hosts on an etcd cluster with mutual TLS"
need_tool openssl timeout

T=$OBJ/tls
mkdir -p "$T" && chmod 0700 "$T"
# mkca NAME: a self-signed P-256 CA, $T/NAME.crt and $T/NAME.key.
mkca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/$1.key" -out "$T/$1.crt" -days 2 -subj "/CN=$1" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign \
	    >> "$TEST_LOG" 2>&1 || fatal "mkca $1"
	chmod 0600 "$T/$1.key"
}
# mkcert CA NAME EKU [SAN]: a P-256 leaf signed by CA.
mkcert() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/$2.key" -out "$T/$2.csr" -subj "/CN=$2" \
	    >> "$TEST_LOG" 2>&1 || fatal "mkcert $2: request"
	{
		echo "basicConstraints=critical,CA:FALSE"
		echo "keyUsage=critical,digitalSignature"
		echo "extendedKeyUsage=$3"
		[ -z "${4:-}" ] || echo "subjectAltName=$4"
	} > "$T/$2.ext"
	openssl x509 -req -in "$T/$2.csr" -CA "$T/$1.crt" -CAkey "$T/$1.key" \
	    -CAcreateserial -days 2 -extfile "$T/$2.ext" -out "$T/$2.crt" \
	    >> "$TEST_LOG" 2>&1 || fatal "mkcert $2: signing"
	chmod 0600 "$T/$2.key"
}
mkca ca
mkca rogue-ca
# The members' certificate also serves etcdctl as a client.
mkcert ca member serverAuth,clientAuth "IP:127.0.0.1,DNS:localhost"
mkcert ca metasafed clientAuth
mkcert rogue-ca rogue clientAuth

etcd_use_tls "$T/ca.crt" "$T/member.crt" "$T/member.key"
etcd_cluster_start
case "$ETCD_ENDPOINTS" in https://*) ;; *) fatal "endpoints: $ETCD_ENDPOINTS" ;; esac
# Proof that the cluster insists on a client certificate.
ETCDCTL_API=3 etcdctl --endpoints "$ETCD_ENDPOINTS" --command-timeout 3s \
    --cacert "$T/ca.crt" get /probe > "$OBJ/nocert.out" 2>&1 &&
    fatal "etcd answered a client without a certificate"

fleet_init
TLS_OK="EtcdCAFile $T/ca.crt|EtcdCertFile $T/metasafed.crt|EtcdKeyFile $T/metasafed.key"
IFS='|' read -r c1 c2 c3 <<< "$TLS_OK"
fleet_up A "$c1" "$c2" "$c3"
fleet_up B "$c1" "$c2" "$c3"

head -c 2048 /dev/urandom > "$OBJ/secure.val"
msh A set -s /fleet/tls secure < "$OBJ/secure.val" || fail "A: set -s over TLS ($?)"
printf 'plain over tls' | msh A set /fleet/tls plain || fail "A: set over TLS ($?)"
msh B get /fleet/tls secure > "$OBJ/secure.B" || fail "B: get secure over TLS"
cmp -s "$OBJ/secure.B" "$OBJ/secure.val" || fail "B read other SECURE bytes than A wrote"
[ "$(msh B get /fleet/tls plain)" = "plain over tls" ] || fail "B: plain value over TLS"
etcdctl_t get --prefix --keys-only "${FLEET_PREFIX}records/" > "$OBJ/keys" ||
    fail "etcdctl over TLS"
[ -s "$OBJ/keys" ] || fail "no records under ${FLEET_PREFIX}records/ in the TLS cluster"

# refused NAME WHAT LINES...: host NAME with these lines cannot start.
refused_host() {
	_n=$1 _what=$2
	shift 2
	fleet_host "$_n" "EtcdTimeout 2s" "$@"
	start_fails 5 "etcd|Etcd" "$(fleet_dir "$_n")/metasafed_config"
	grep -qF "$ETCD_ENDPOINTS" "$OBJ/start.err" ||
	    fail "$_what: the refusal does not name the endpoints: $(cat "$OBJ/start.err")"
	port_listening "$(fleet_port "$_n")" && fail "$_what: host $_n listens"
	trace "$_what: $(cat "$OBJ/start.err")"
}
refused_host C "client certificate from another CA" "$c1" \
    "EtcdCertFile $T/rogue.crt" "EtcdKeyFile $T/rogue.key"
refused_host D "no client certificate" "$c1"
refused_host E "the cluster's CA not trusted" "EtcdCAFile $T/rogue-ca.crt" \
    "$c2" "$c3"
grep -qi certificate "$OBJ/start.err" ||
    fail "an untrusted server certificate is not named as such: $(cat "$OBJ/start.err")"

pid_alive "$(fleet_pid A)" || fatal "host A died"
[ "$(msh A get /fleet/tls plain)" = "plain over tls" ] ||
    fail "A: does not serve after the refused starts"
exit 0
