#!/bin/bash
# Certificate principals: the name comes from the URI SAN metasafe:NAME by
# default, or from the e-mail SAN or the subject CN (CertificatePrincipal);
# an AuthorizedPrincipalsFile "NAME groups=... cert" line gives a
# certificate principal groups, without one it has none.
. "$(dirname "$0")/test-exec.sh"
tid "certificate principals: san-uri/san-email/subject-cn and cert lines with groups"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
add_principal rawp
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	leaf root member "$(sn 1)"
	leaf root loner "$(sn 2)" -t ecdsa-p256
	crl root
	cert_trust root
	cert_crl root
	printf 'member.%s groups=certgrp,other cert\n' "$b" >> "$OBJ/principals"
done

# restart_with LINE...: the daemon again, same keys and store.
restart_with() {
	cert_restart "TrustedUserCAFile $OBJ/user_ca.pem" \
	    "RevocationList $OBJ/crl.pem" "$@"
}

principal_of() {
	sed -n 's/^principal:[[:space:]]*//p' "$1"
}

restart_with
$METASAFED -T -f "$OBJ/metasafed_config" 2>>"$TEST_LOG" |
    grep -qx 'certificateprincipal san-uri' ||
    fail "-T does not show the default certificateprincipal san-uri"
printf 'grp-v' | ms set /grp rec || fatal "set /grp"
ms acl set /grp group:certgrp=r > /dev/null || fatal "acl set /grp"
for b in $BUILDERS; do
	certs_use "$b"
	msc "$CERTS/member.key" "$CERTS/member-cert.pem" status > "$OBJ/st" 2>&1 ||
	    fail "$b: member status failed: $(cat "$OBJ/st")"
	[ "$(principal_of "$OBJ/st")" = "member.$b" ] || fail "$b: san-uri principal: $(cat "$OBJ/st")"
	[ "$(msc "$CERTS/member.key" "$CERTS/member-cert.pem" get /grp rec)" = grp-v ] ||
	    fail "$b: the cert line's group does not grant r"
	msc "$CERTS/loner.key" "$CERTS/loner-cert.pem" status > "$OBJ/st" 2>&1 ||
	    fail "$b: a certificate principal without a cert line cannot log in"
	[ "$(principal_of "$OBJ/st")" = "loner.$b" ] || fail "$b: loner principal: $(cat "$OBJ/st")"
	msc "$CERTS/loner.key" "$CERTS/loner-cert.pem" get /grp rec \
	    > "$OBJ/out" 2>/dev/null
	st=$?
	[ $st -eq 4 ] || fail "$b: a principal without groups read /grp: exit $st"
	[ -s "$OBJ/out" ] && fail "$b: the refused get printed something"
done
# The raw-key principal is not in the certificate's group.
ms -k "$OBJ/rawp_key" get /grp rec > /dev/null 2>&1
st=$?
[ $st -eq 4 ] || fail "raw-key principal read /grp: exit $st"

restart_with "CertificatePrincipal san-email"
$METASAFED -T -f "$OBJ/metasafed_config" 2>>"$TEST_LOG" |
    grep -qx 'certificateprincipal san-email' ||
    fail "-T does not show certificateprincipal san-email"
for b in $BUILDERS; do
	certs_use "$b"
	msc "$CERTS/member.key" "$CERTS/member-cert.pem" status > "$OBJ/st" 2>&1 ||
	    fail "$b: san-email login failed: $(cat "$OBJ/st")"
	[ "$(principal_of "$OBJ/st")" = "member.$b@example.org" ] ||
	    fail "$b: san-email principal: $(cat "$OBJ/st")"
	# The groups belong to the name member.B, not to its e-mail name.
	msc "$CERTS/member.key" "$CERTS/member-cert.pem" get /grp rec \
	    > /dev/null 2>&1
	st=$?
	[ $st -eq 4 ] || fail "$b: san-email principal got member's groups: exit $st"
done

restart_with "CertificatePrincipal subject-cn"
for b in $BUILDERS; do
	certs_use "$b"
	msc "$CERTS/loner.key" "$CERTS/loner-cert.pem" status > "$OBJ/st" 2>&1 ||
	    fail "$b: subject-cn login failed: $(cat "$OBJ/st")"
	[ "$(principal_of "$OBJ/st")" = "loner.$b" ] || fail "$b: subject-cn principal: $(cat "$OBJ/st")"
done
daemon_healthy
exit 0
