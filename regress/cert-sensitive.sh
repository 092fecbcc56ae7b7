#!/bin/bash
# SENSITIVE subtrees: after `acl set PATH sensitive=yes` a raw-key
# principal named in the ACL is refused everywhere below PATH (get, set,
# rm, ls: exit 4, nothing read or changed), while a certificate principal
# with the same rights is allowed; clearing the flag restores the raw key.
. "$(dirname "$0")/test-exec.sh"
tid "SENSITIVE subtree: raw-key principal refused, certificate principal allowed"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
add_principal rawp
P=
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	leaf root cp "$(sn 1)"
	crl root
	cert_trust root
	cert_crl root
	P="$P cp.$b"
done
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem"

RAW=$OBJ/rawp_key
printf 'sens-v' | ms set /sens rec || fatal "set /sens"
printf 'deep-v' | ms set /sens/sub rec || fatal "set /sens/sub"
printf 'plain-v' | ms set /plain rec || fatal "set /plain"
acl="rawp=rwl"
for p in $P; do
	acl="$acl $p=rwl"
done
# shellcheck disable=SC2086
ms acl set /sens $acl > /dev/null || fatal "acl set /sens"
ms acl set /plain rawp=rwl > /dev/null || fatal "acl set /plain"

# Before the flag: the raw key reads /sens (so later refusals are the
# flag's doing, not the ACL's).
[ "$(ms -k "$RAW" get /sens rec)" = sens-v ] ||
    fail "raw key cannot read /sens before the flag"
ms acl set /sens sensitive=yes > /dev/null || fatal "acl set sensitive=yes"
ms acl get /sens > "$OBJ/acl" || fail "acl get /sens"
grep -qx 'sensitive: yes' "$OBJ/acl" || fail "acl get does not show the flag: $(cat "$OBJ/acl")"
grep -q '^rawp rwl' "$OBJ/acl" || fail "the ACL lost rawp: $(cat "$OBJ/acl")"

expect_raw() {
	_want=$1
	shift
	ms -k "$RAW" "$@" > "$OBJ/out" 2>"$OBJ/err" < /dev/null
	_st=$?
	[ $_st -eq "$_want" ] ||
	    fail "raw key: '$*' gave exit $_st, want $_want: $(cat "$OBJ/err")"
	if [ "$_want" -ne 0 ] && [ -s "$OBJ/out" ]; then
		fail "raw key: refused '$*' printed: $(head -c 100 "$OBJ/out")"
	fi
}
expect_raw 4 get /sens rec
expect_raw 4 get /sens/sub rec
expect_raw 4 ls /sens
expect_raw 4 rm /sens rec
printf 'raw-overwrite' | ms -k "$RAW" set /sens rec > /dev/null 2>&1
st=$?
[ $st -eq 4 ] || fail "raw key: set on /sens gave exit $st, want 4"
printf 'raw-new' | ms -k "$RAW" set /sens/sub new > /dev/null 2>&1
st=$?
[ $st -eq 4 ] || fail "raw key: set of a new record below /sens gave exit $st, want 4"
# Outside the subtree the same raw key still works.
expect_raw 0 get /plain rec
grep -q 'audit: result=denied .*principal=rawp path=/sens' "$OBJ/metasafed.log" ||
    fail "the SENSITIVE refusals are not audited"

for b in $BUILDERS; do
	certs_use "$b"
	k=$CERTS/cp.key c=$CERTS/cp-cert.pem
	[ "$(msc "$k" "$c" get /sens rec)" = sens-v ] ||
	    fail "$b: certificate principal cannot read /sens"
	[ "$(msc "$k" "$c" get /sens/sub rec)" = deep-v ] ||
	    fail "$b: certificate principal cannot read /sens/sub"
	msc "$k" "$c" ls /sens > "$OBJ/ls" || fail "$b: certificate ls /sens"
	grep -q rec "$OBJ/ls" || fail "$b: ls /sens lacks rec"
	printf 'cert-%s' "$b" | msc "$k" "$c" set /sens/sub "by-$b" ||
	    fail "$b: certificate principal cannot write below /sens"
	[ "$(msc "$k" "$c" get /sens/sub "by-$b")" = "cert-$b" ] ||
	    fail "$b: the certificate principal's write is not there"
done
# Nothing the raw key tried changed anything, as the certificate sees it.
certs_use "${BUILDERS%% *}"
[ "$(msc "$CERTS/cp.key" "$CERTS/cp-cert.pem" get /sens rec)" = sens-v ] ||
    fail "/sens rec changed"
msc "$CERTS/cp.key" "$CERTS/cp-cert.pem" get /sens/sub new > /dev/null 2>&1
st=$?
[ $st -eq 5 ] || fail "the raw key's new record exists (get exit $st, want 5)"

# Clearing the flag gives the raw key its ACL rights back.
ms acl set /sens sensitive=no > /dev/null || fatal "acl set sensitive=no"
expect_raw 0 get /sens rec
daemon_healthy
exit 0
