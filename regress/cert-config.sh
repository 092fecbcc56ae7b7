#!/bin/bash
# The certificate and algorithm-policy keywords: metasafed -T prints the
# effective values (defaults included), and -t refuses bad ones with
# FILE:LINE.  A daemon whose TrustedUserCAFile is not a CA file does not
# start.
. "$(dirname "$0")/test-exec.sh"
tid "certificate/policy config keywords: -T output and -t errors"

certs_use openssl
ca_root root
crl root
cert_trust root
cert_crl root
cert_start_daemon
stop_daemon
base=$OBJ/metasafed_config
cp "$base" "$OBJ/base_config"

"$METASAFED" -T -f "$base" > "$OBJ/dump" 2>>"$TEST_LOG" || fail "-T failed"
for l in 'minimumrsabits 2048' 'trustedusercafile none' \
    'revocationlist none' 'certificateprincipal san-uri' \
    'hostcertificate none' 'kexalgorithms x25519-hybrid' \
    'ciphers aes256-gcm,chacha20-poly1305' \
    'signaturealgorithms ed25519,ecdsa-p256-sha256,ecdsa-p384-sha384,rsa-pss-sha256'; do
	grep -qx "$l" "$OBJ/dump" || fail "-T default lacks '$l'"
done

cat "$OBJ/base_config" - > "$OBJ/cert_config" <<EOF2
TrustedUserCAFile $OBJ/user_ca.pem
RevocationList $OBJ/crl.pem
RequireFreshCRL yes
CertificatePrincipal subject-cn
Ciphers chacha20-poly1305
KexAlgorithms x25519-hybrid
SignatureAlgorithms ecdsa-p384-sha384,ed25519
MinimumRSABits 3072
EOF2
"$METASAFED" -t -f "$OBJ/cert_config" > "$OBJ/t.out" 2>&1 ||
    fail "-t refused a good certificate config: $(cat "$OBJ/t.out")"
"$METASAFED" -T -f "$OBJ/cert_config" > "$OBJ/dump" 2>>"$TEST_LOG" ||
    fail "-T failed"
for l in "trustedusercafile $OBJ/user_ca.pem" "revocationlist $OBJ/crl.pem" \
    'requirefreshcrl yes' 'certificateprincipal subject-cn' \
    'ciphers chacha20-poly1305' 'kexalgorithms x25519-hybrid' \
    'signaturealgorithms ecdsa-p384-sha384,ed25519' 'minimumrsabits 3072'; do
	grep -qx "$l" "$OBJ/dump" || fail "-T lacks '$l': $(tr '\n' '|' < "$OBJ/dump")"
done

check_bad() {
	_line=$1 _want=$2
	cp "$OBJ/base_config" "$OBJ/bad_config"
	printf '%s\n' "$_line" >> "$OBJ/bad_config"
	_n=$(wc -l < "$OBJ/bad_config")
	"$METASAFED" -t -f "$OBJ/bad_config" > "$OBJ/bad.out" 2>&1 &&
	    fail "-t accepted: $_line"
	grep -q "bad_config:$_n:" "$OBJ/bad.out" ||
	    fail "no file:line for '$_line': $(cat "$OBJ/bad.out")"
	grep -qi -- "$_want" "$OBJ/bad.out" ||
	    fail "message for '$_line' lacks '$_want': $(cat "$OBJ/bad.out")"
}
check_bad "Ciphers rc4-40" "Ciphers"
check_bad "Ciphers aes256-gcm,aes256-gcm" "Ciphers"
check_bad "KexAlgorithms rsa-512" "KexAlgorithms"
check_bad "SignatureAlgorithms rsa-pkcs1-md5" "SignatureAlgorithms"
check_bad "CertificatePrincipal subject-ou" "CertificatePrincipal"
check_bad "RequireFreshCRL maybe" "RequireFreshCRL"
check_bad "MinimumRSABits 512" "MinimumRSABits"
check_bad "MinimumRSABits lots" "MinimumRSABits"

# A TrustedUserCAFile that holds no certificate: the daemon refuses to
# start rather than run without the CAs the operator meant.
printf 'not a certificate\n' > "$OBJ/junk.pem"
cp "$OBJ/base_config" "$OBJ/junk_config"
echo "TrustedUserCAFile $OBJ/junk.pem" >> "$OBJ/junk_config"
"$METASAFED" -t -f "$OBJ/junk_config" > "$OBJ/junk.out" 2>&1 &&
    fail "-t accepted a TrustedUserCAFile without certificates"
grep -q 'junk.pem' "$OBJ/junk.out" ||
    fail "the error does not name the CA file: $(cat "$OBJ/junk.out")"
exit 0
