#!/bin/bash
# Server certificates (HostCertificate): a client with -o CAFile validates
# the chain and the -H name and needs no known_hosts entry; a wrong name,
# a wrong CA or an expired host certificate end with exit 2 before any
# request is sent; known-hosts pinning keeps working beside it.
. "$(dirname "$0")/test-exec.sh"
tid "server certificate: right CA and name; wrong name; wrong CA; expired"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
need_prog "$METASAFE_KEYGEN"
make_admin_key
# The host keys first, so that the host certificates can certify them.
mkdir -p "$OBJ/keys"
chmod 700 "$OBJ/keys"
"$METASAFE_KEYGEN" -q -A -d "$OBJ/keys" >> "$TEST_LOG" 2>&1 ||
    fatal "host key generation failed"
hostsum=$(checksum "$OBJ/keys/host_sig_key")
: > "$OBJ/no_known_hosts"
for b in $BUILDERS; do
	certs_use "$b"
	cp "$OBJ/keys/host_sig_key" "$CERTS/hostsig.key"
	cp "$OBJ/keys/host_sig_key.pub" "$CERTS/hostsig.key.pub"
	ca_root hostca
	ca_root otherca
	ca_sub hostca hostsub "$(sn 1)"
	leaf hostca host "$(sn 2)" -k hostsig -h 127.0.0.1,metasafe.example.org
	leaf hostca hostexp "$(sn 3)" -k hostsig -h 127.0.0.1 -d expired
	leaf hostsub hostchain "$(sn 4)" -k hostsig -h 127.0.0.1
done

# mscert HOST CAFILE ARGS...: admin login validating the server
# certificate, with an empty known_hosts file.
mscert() {
	_h=$1 _ca=$2
	shift 2
	"$METASAFE" -H "$_h" -p "$DAEMON_PORT" -i "$OBJ/admin_key" \
	    -o CAFile="$_ca" -o KnownHostsFile="$OBJ/no_known_hosts" "$@"
}

# server_refused WHAT HOST CAFILE: status, get and set all exit 2 and
# nothing is read or written.
server_refused() {
	_what=$1 _h=$2 _ca=$3
	mscert "$_h" "$_ca" status > "$OBJ/out" 2>&1 < /dev/null
	_st=$?
	[ $_st -eq 2 ] || fail "$_what: status gave exit $_st, want 2: $(tr '\n' ' ' < "$OBJ/out")"
	grep -qi 'certificate' "$OBJ/out" ||
	    fail "$_what: the message does not mention the certificate: $(tr '\n' ' ' < "$OBJ/out")"
	mscert "$_h" "$_ca" get /certdata rec > "$OBJ/out" 2>/dev/null < /dev/null
	_st=$?
	[ $_st -eq 2 ] || fail "$_what: get gave exit $_st, want 2"
	[ -s "$OBJ/out" ] && fail "$_what: the refused get printed something"
	printf 'overwritten' | mscert "$_h" "$_ca" set /certdata rec \
	    > /dev/null 2>&1
	_st=$?
	[ $_st -eq 2 ] || fail "$_what: set gave exit $_st, want 2"
	[ "$(ms get /certdata rec)" = "$CERT_VALUE" ] ||
	    fail "$_what: the value changed"
	[ -s "$OBJ/no_known_hosts" ] &&
	    fail "$_what: the client wrote to known_hosts"
}

# restart_with CERTFILE: the daemon with that HostCertificate.
restart_with() {
	cert_restart "HostCertificate $1"
}

first=1
for b in $BUILDERS; do
	certs_use "$b"
	restart_with "$CERTS/host-cert.pem"
	if [ $first = 1 ]; then
		printf '%s' "$CERT_VALUE" | ms set /certdata rec || fatal "set"
		first=0
	fi
	[ "$(checksum "$OBJ/keys/host_sig_key")" = "$hostsum" ] ||
	    fatal "start_daemon replaced the certified host key"
	# Right CA, right name (IP address and DNS name): no known_hosts needed.
	mscert 127.0.0.1 "$CERTS/hostca.crt" status > "$OBJ/out" 2>&1 ||
	    fail "$b: right CA and IP name refused: $(tr '\n' ' ' < "$OBJ/out")"
	[ "$(mscert 127.0.0.1 "$CERTS/hostca.crt" get /certdata rec)" = \
	    "$CERT_VALUE" ] || fail "$b: get with a validated server failed"
	# The CAFile may hold several CAs.
	cat "$CERTS/otherca.crt" "$CERTS/hostca.crt" > "$CERTS/both.pem"
	mscert 127.0.0.1 "$CERTS/both.pem" status > /dev/null 2>&1 ||
	    fail "$b: a CAFile with two CAs failed"
	[ -s "$OBJ/no_known_hosts" ] && fail "$b: the client wrote to known_hosts"
	# Wrong name: the certificate names 127.0.0.1 and
	# metasafe.example.org, the client asked for localhost.
	server_refused "$b wrong name" localhost "$CERTS/hostca.crt"
	# Wrong CA.
	server_refused "$b wrong CA" 127.0.0.1 "$CERTS/otherca.crt"
	# Pinning keeps working with a HostCertificate configured.
	ms status > /dev/null 2>&1 || fail "$b: known-hosts pinning broke"
	# Without CAFile and without a pin: refused (strict host checking).
	"$METASAFE" -H 127.0.0.1 -p "$DAEMON_PORT" -i "$OBJ/admin_key" \
	    -o KnownHostsFile="$OBJ/no_known_hosts" status > /dev/null 2>&1
	st=$?
	[ $st -eq 2 ] || fail "$b: no CAFile, no pin gave exit $st, want 2"

	restart_with "$CERTS/hostexp-cert.pem"
	server_refused "$b expired host certificate" 127.0.0.1 "$CERTS/hostca.crt"

	restart_with "$CERTS/hostchain-cert.pem"
	mscert 127.0.0.1 "$CERTS/hostca.crt" status > "$OBJ/out" 2>&1 ||
	    fail "$b: host certificate through an intermediate refused: $(tr '\n' ' ' < "$OBJ/out")"
done
daemon_healthy
exit 0
