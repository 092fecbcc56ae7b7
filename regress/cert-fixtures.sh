#!/bin/bash
# The certificate fixtures of the cert-*.sh matrix have exactly the defect
# each case is about, as `openssl verify` sees it, with both builders
# (openssl tools and metasafe-keygen).  A daemon test that accepts or
# refuses a fixture is only meaningful when the fixture is what it claims.
. "$(dirname "$0")/test-exec.sh"
tid "certificate fixtures (openssl and keygen) have the intended defects"

# vfy WHAT WANT_ERROR FILE [openssl verify options]: WANT_ERROR 0 = valid.
vfy() {
	_what="$CB: $1" _want=$2 _f=$3
	shift 3
	openssl verify "$@" "$_f" > "$OBJ/vfy" 2>&1
	_st=$?
	if [ "$_want" = 0 ]; then
		[ $_st -eq 0 ] || fail "$_what: openssl verify refused: $(tr '\n' ' ' < "$OBJ/vfy")"
	else
		[ $_st -ne 0 ] || fail "$_what: openssl verify accepted it"
		grep -q "error $_want at" "$OBJ/vfy" ||
		    fail "$_what: want error $_want: $(tr '\n' ' ' < "$OBJ/vfy")"
	fi
}

for b in ${CERT_BUILDERS:-openssl keygen}; do
	certs_use "$b"
	ca_root root
	ca_sub root sub "$(sn 1)"
	ca_root rogue
	leaf root good "$(sn 2)"
	leaf root p256 "$(sn 3)" -t ecdsa-p256
	leaf root p384 "$(sn 4)" -t ecdsa-p384
	leaf root r3072 "$(sn 5)" -t rsa3072
	leaf root expired "$(sn 6)" -d expired
	leaf root future "$(sn 7)" -d future
	leaf rogue foreign "$(sn 8)" -n good.$CB
	leaf sub chained "$(sn 9)"
	leaf root eku "$(sn 10)" -u serverauth
	leaf root ku "$(sn 11)" -u keycertsign
	leaf root host "$(sn 12)" -h localhost,127.0.0.1
	leaf root revoked "$(sn 13)"
	leaf sub revsub "$(sn 14)"
	cert_badsig "$CERTS/good.crt" "$CERTS/badsig.crt"
	pem_first "$CERTS/chained-cert.pem" "$CERTS/chained-leaf.pem"
	crl root revoked
	cp "$CERTS/root.crl" "$CERTS/root-fresh.crl"
	crl sub
	cat "$CERTS/root.crl" "$CERTS/sub.crl" > "$CERTS/all.crl"
	crl root -s
	cp "$CERTS/root.crl" "$CERTS/root-stale.crl"
	crl root sub
	cat "$CERTS/root.crl" "$CERTS/sub.crl" > "$CERTS/subrevoked.crl"

	T="-CAfile $CERTS/root.crt -purpose sslclient"
	# shellcheck disable=SC2086
	{
	vfy valid 0 "$CERTS/good.crt" $T
	vfy p256 0 "$CERTS/p256.crt" $T
	vfy p384 0 "$CERTS/p384.crt" $T
	vfy rsa3072 0 "$CERTS/r3072.crt" $T
	vfy expired 10 "$CERTS/expired.crt" $T
	vfy "not yet valid" 9 "$CERTS/future.crt" $T
	vfy "unknown CA" 20 "$CERTS/foreign-cert.pem" $T
	vfy "bad signature" 7 "$CERTS/badsig.crt" $T
	vfy "wrong EKU" 26 "$CERTS/eku.crt" $T
	vfy "wrong keyUsage" 26 "$CERTS/ku.crt" $T
	vfy "chain" 0 "$CERTS/chained.crt" $T -untrusted "$CERTS/sub.crt"
	vfy "missing intermediate" 20 "$CERTS/chained-leaf.pem" $T
	vfy "not revoked" 0 "$CERTS/good.crt" $T -crl_check \
	    -CRLfile "$CERTS/root-fresh.crl"
	vfy "revoked leaf" 23 "$CERTS/revoked.crt" $T -crl_check \
	    -CRLfile "$CERTS/root-fresh.crl"
	vfy "chain with CRLs" 0 "$CERTS/chained.crt" $T -crl_check_all \
	    -untrusted "$CERTS/sub.crt" -CRLfile "$CERTS/all.crl"
	vfy "revoked intermediate" 23 "$CERTS/revsub.crt" $T -crl_check_all \
	    -untrusted "$CERTS/sub.crt" -CRLfile "$CERTS/subrevoked.crl"
	vfy "stale CRL" 12 "$CERTS/good.crt" $T -crl_check \
	    -CRLfile "$CERTS/root-stale.crl"
	vfy "host certificate" 0 "$CERTS/host.crt" -CAfile "$CERTS/root.crt" \
	    -purpose sslserver -verify_ip 127.0.0.1
	vfy "host name" 0 "$CERTS/host.crt" -CAfile "$CERTS/root.crt" \
	    -purpose sslserver -verify_hostname localhost
	vfy "wrong host name" 62 "$CERTS/host.crt" -CAfile "$CERTS/root.crt" \
	    -purpose sslserver -verify_hostname other.example.org
	}
	# The chain file a client presents: leaf first, then its intermediate.
	[ "$(grep -c 'BEGIN CERTIFICATE' "$CERTS/chained-cert.pem")" = 2 ] ||
	    fail "$CB: chained-cert.pem is not leaf + intermediate"
	[ "$(grep -c 'BEGIN CERTIFICATE' "$CERTS/good-cert.pem")" = 1 ] ||
	    fail "$CB: good-cert.pem is not the leaf alone"
	# Principal names and serials as the tests expect them.
	openssl x509 -in "$CERTS/good.crt" -noout -ext subjectAltName \
	    > "$OBJ/san" 2>&1
	grep -q "URI:metasafe:good.$CB" "$OBJ/san" ||
	    fail "$CB: no URI SAN metasafe:good.$CB: $(tr '\n' ' ' < "$OBJ/san")"
	[ "$(cert_serial "$CERTS/good.crt")" = "$(printf '%X' "$(sn 2)")" ] ||
	    fail "$CB: serial $(cert_serial "$CERTS/good.crt"), want $(printf '%X' "$(sn 2)")"
	[ "$(cert_serial "$CERTS/expired.crt")" = "$(printf '%X' "$(sn 6)")" ] ||
	    fail "$CB: dated serial $(cert_serial "$CERTS/expired.crt")"
	openssl pkey -in "$CERTS/r3072.key" -noout -text 2>/dev/null |
	    grep -q '3072 bit' || fail "$CB: r3072 key is not RSA-3072"
done
exit 0
