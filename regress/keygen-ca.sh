#!/bin/bash
# metasafe-keygen as a small CA: CA and intermediate creation, client and
# host certificates, validity and usage overrides, CRLs; every product is
# checked with the openssl command line (x509 -text, verify -crl_check,
# crl -text), and an openssl-made CA works with keygen -s.
. "$(dirname "$0")/test-exec.sh"
tid "keygen CA: certificates and CRLs, checked with openssl"
need_prog "$METASAFE_KEYGEN"
need_tool openssl

K=$METASAFE_KEYGEN
cd "$OBJ" || fatal "cd $OBJ"

expect_rc() {
	_want=$1
	shift
	"$@" >> "$TEST_LOG" 2>&1
	_rc=$?
	[ $_rc -eq "$_want" ] || fail "exit $_rc, want $_want: $*"
}

text() {
	openssl x509 -in "$1" -noout -text 2>>"$TEST_LOG"
}

# --- key types -----------------------------------------------------------
for t in ecdsa-p256 ecdsa-p384 rsa; do
	"$K" -q -t $t -N '' -f id_$t </dev/null || fail "generate $t"
	[ "$(file_mode id_$t)" = 600 ] || fail "id_$t not 0600"
	grep -q 'BEGIN PUBLIC KEY' id_$t.pub || fail "id_$t.pub is not PEM SPKI"
	openssl pkey -in id_$t -noout 2>>"$TEST_LOG" ||
	    fail "openssl cannot read id_$t"
	want=$(openssl pkey -pubin -in id_$t.pub -outform DER 2>/dev/null |
	    openssl dgst -sha256 -binary | openssl base64 -A | tr -d '=')
	fp=$("$K" -l -f id_$t) || fail "-l $t"
	case "$fp" in
	*"SHA256:$want"*) ;;
	*) fail "-l $t: '$fp' lacks SHA256:$want" ;;
	esac
	[ "$("$K" -l -f id_$t.pub | cut -d' ' -f2)" = "SHA256:$want" ] ||
	    fail "-l of id_$t.pub differs"
	"$K" -y -f id_$t > y.pub || fail "-y $t"
	cmp -s id_$t.pub y.pub || fail "-y $t differs from .pub"
done
"$K" -l -f id_ecdsa-p256 | grep -q '^256 .*(ECDSA-P256)$' || fail "P-256 -l"
"$K" -l -f id_ecdsa-p384 | grep -q '^384 .*(ECDSA-P384)$' || fail "P-384 -l"
"$K" -l -f id_rsa | grep -q '^3072 .*(RSA)$' || fail "RSA default size"
"$K" -q -t rsa -b 1024 -N '' -f rsa1024 </dev/null || fail "rsa -b 1024"
"$K" -l -f rsa1024 | grep -q '^1024 ' || fail "RSA 1024 size"
expect_rc 1 "$K" -q -t rsa -b 512 -N '' -f rsa512
[ ! -e rsa512 ] || fail "512-bit RSA key written"
expect_rc 1 "$K" -q -t ecdsa-p256 -b 2048 -N '' -f ecb
"$K" -q -t ecdsa-p256 -N 'pass word' -f enc </dev/null || fail "encrypted ec"
grep -q 'ENCRYPTED PRIVATE KEY' enc || fail "enc not encrypted"
expect_rc 3 "$K" -y -f enc -P wrong
"$K" -y -f enc -P "pass word" | grep -q "BEGIN PUBLIC KEY" || fail "-y enc"
"$K" -q -t ed25519 -N '' -f ed </dev/null || fail "ed25519"
"$K" -q -t x25519 -N '' -f xk </dev/null || fail "x25519"

# --- CA ------------------------------------------------------------------
"$K" -q -c -f ca -n "Test Root CA" || fatal "create CA"
[ "$(file_mode ca)" = 600 ] || fail "CA key not 0600"
t=$(text ca.crt)
echo "$t" | grep -q 'Subject: CN = Test Root CA' || fail "CA subject"
echo "$t" | grep -q 'Issuer: CN = Test Root CA' || fail "CA not self-signed"
echo "$t" | grep -A1 'Basic Constraints: critical' | grep -q 'CA:TRUE' ||
    fail "CA basicConstraints"
echo "$t" | grep -A1 'Key Usage: critical' |
    grep -q 'Certificate Sign, CRL Sign' || fail "CA keyUsage"
echo "$t" | grep -q 'Subject Key Identifier' || fail "CA SKI"
openssl verify -CAfile ca.crt ca.crt >>"$TEST_LOG" 2>&1 || fail "root verify"
days=$(( ($(date -d "$(openssl x509 -in ca.crt -noout -enddate | cut -d= -f2)" +%s) - $(date +%s)) / 86400 ))
[ "$days" -ge 3648 ] && [ "$days" -le 3650 ] || fail "CA validity $days days"
expect_rc 2 "$K" -q -c -f ca -n "Again"
expect_rc 1 "$K" -q -c -f ca_noname
expect_rc 5 "$K" -q -c -f cax -n X -t x25519
[ ! -e cax ] || fail "x25519 CA key written"

"$K" -q -c -f ca384 -n "P-384 CA" -t ecdsa-p384 -V 10 || fail "P-384 CA"
text ca384.crt | grep -q 'ecdsa-with-SHA384' || fail "P-384 CA signature"
"$K" -q -c -f carsa -n "RSA CA" -t rsa -b 2048 || fail "RSA CA"

# Intermediate, signed by the root.
"$K" -q -s ca -c -f sub -n "Sub CA" -t ecdsa-p256 -z 777 ||
    fatal "intermediate"
t=$(text sub.crt)
echo "$t" | grep -q 'Issuer: CN = Test Root CA' || fail "sub issuer"
echo "$t" | grep -q 'CA:TRUE' || fail "sub CA:TRUE"
echo "$t" | grep -q 'Authority Key Identifier' || fail "sub AKI"
openssl verify -CAfile ca.crt sub.crt >>"$TEST_LOG" 2>&1 ||
    fail "intermediate does not verify"
expect_rc 1 "$K" -q -s nonexistent -c -f sub2 -n "X"
[ ! -e sub2 ] || fail "sub2 written without a parent"

# --- certificates ----------------------------------------------------------
# Client certificate for a private key, with extra SANs and a serial.
"$K" -q -s ca -I alice -n alice@example.org,metasafe:ops -z 4242 \
    -f id_ecdsa-p256 || fail "issue alice"
c=id_ecdsa-p256-cert.pem
[ "$(grep -c 'BEGIN CERTIFICATE' $c)" = 1 ] || fail "root-issued chain length"
t=$(text $c)
echo "$t" | grep -q 'Subject: CN = alice' || fail "alice subject"
echo "$t" | grep -q 'Serial Number: 4242' || fail "alice serial"
echo "$t" | grep -q 'URI:metasafe:alice' || fail "alice URI SAN"
echo "$t" | grep -q 'email:alice@example.org' || fail "alice e-mail SAN"
echo "$t" | grep -q 'URI:metasafe:ops' || fail "alice extra URI SAN"
echo "$t" | grep -A1 'Key Usage: critical' | grep -q 'Digital Signature' ||
    fail "alice keyUsage"
echo "$t" | grep -q 'TLS Web Client Authentication' || fail "alice EKU"
openssl verify -CAfile ca.crt -purpose sslclient $c >>"$TEST_LOG" 2>&1 ||
    fail "alice does not verify as a client"
if openssl verify -CAfile ca.crt -purpose sslserver $c >>"$TEST_LOG" 2>&1; then
	fail "alice verifies as a server"
fi
expect_rc 2 "$K" -q -s ca -I alice -f id_ecdsa-p256

# From a .pub line (ed25519) and from a PEM public key (RSA).
"$K" -q -s ca -I bob -f ed.pub || fail "issue from .pub line"
openssl x509 -in ed.pub-cert.pem -noout -pubkey > ed.pem 2>>"$TEST_LOG"
openssl pkey -in ed -pubout 2>>"$TEST_LOG" | cmp -s - ed.pem ||
    fail "bob's certificate does not hold bob's key"
"$K" -q -s ca -I carol -f id_rsa.pub || fail "issue from PEM public key"
openssl verify -CAfile ca.crt id_rsa.pub-cert.pem >>"$TEST_LOG" 2>&1 ||
    fail "carol does not verify"
expect_rc 5 "$K" -q -s ca -I xk -f xk
[ ! -e xk-cert.pem ] || fail "x25519 certificate written"
expect_rc 1 "$K" -q -s ca -I 'bad name' -f ed
expect_rc 1 "$K" -q -s ca -I dave -z 0 -f ed
expect_rc 1 "$K" -q -s ca -I dave -z 12x -f ed
expect_rc 1 "$K" -q -s ca -I dave -u nonsense -f ed
expect_rc 1 "$K" -q -s ca -I dave -V 20210101000000:20200101000000 -f ed
expect_rc 1 "$K" -q -I dave -f ed
[ ! -e ed-cert.pem ] || fail "certificate written despite errors"

# Host certificate: DNS and IP SANs, serverAuth.
"$K" -q -s ca -h -I db1.example.org -n localhost,127.0.0.1,::1 \
    -f id_ecdsa-p384 || fail "host certificate"
c=id_ecdsa-p384-cert.pem
t=$(text $c)
echo "$t" | grep -q 'DNS:db1.example.org' || fail "host DNS SAN"
echo "$t" | grep -q 'DNS:localhost' || fail "host extra DNS SAN"
echo "$t" | grep -q 'IP Address:127.0.0.1' || fail "host IPv4 SAN"
echo "$t" | grep -q 'IP Address:0:0:0:0:0:0:0:1' || fail "host IPv6 SAN"
echo "$t" | grep -q 'TLS Web Server Authentication' || fail "host EKU"
openssl verify -CAfile ca.crt -purpose sslserver -verify_hostname \
    db1.example.org $c >>"$TEST_LOG" 2>&1 || fail "host does not verify"
openssl verify -CAfile ca.crt -verify_ip 127.0.0.1 $c >>"$TEST_LOG" 2>&1 ||
    fail "host IP does not verify"
if openssl verify -CAfile ca.crt -verify_hostname other.example.org $c \
    >>"$TEST_LOG" 2>&1; then
	fail "host certificate valid for another name"
fi
expect_rc 1 "$K" -q -s ca -h -I 'bad..host' -f id_rsa

# Validity: expired, not yet valid, +DAYS.
cp ed exp_key; cp ed future_key; cp ed d10_key
"$K" -q -s ca -I old -V 20200101000000:20210101000000 -f exp_key ||
    fail "expired certificate"
openssl verify -CAfile ca.crt exp_key-cert.pem 2>&1 |
    grep -q 'certificate has expired' || fail "expired not seen as expired"
"$K" -q -s ca -I new -V 20900101000000:20910101000000 -f future_key ||
    fail "future certificate"
openssl verify -CAfile ca.crt future_key-cert.pem 2>&1 |
    grep -q 'not yet valid' || fail "future not seen as not yet valid"
"$K" -q -s ca -I d10 -V +10 -f d10_key || fail "+10 days"
days=$(( ($(date -d "$(openssl x509 -in d10_key-cert.pem -noout -enddate | cut -d= -f2)" +%s) - $(date +%s)) / 86400 ))
[ "$days" -ge 9 ] && [ "$days" -le 10 ] || fail "+10 gave $days days"

# Usage overrides for negative tests.
cp ed u1; cp ed u2
"$K" -q -s ca -I wrongeku -u serverauth -f u1 || fail "-u serverauth"
text u1-cert.pem | grep -q 'TLS Web Server Authentication' ||
    fail "-u serverauth EKU"
if openssl verify -CAfile ca.crt -purpose sslclient u1-cert.pem \
    >>"$TEST_LOG" 2>&1; then
	fail "serverAuth-only certificate verifies as a client"
fi
"$K" -q -s ca -I wrongku -u keycertsign -f u2 || fail "-u keycertsign"
text u2-cert.pem | grep -A1 'Key Usage: critical' |
    grep -q 'Certificate Sign' || fail "-u keycertsign keyUsage"
text u2-cert.pem | grep -A1 'Key Usage: critical' |
    grep -q 'Digital Signature' && fail "-u keycertsign kept digitalSignature"

# Through the intermediate: the chain file carries it.
"$K" -q -s sub -I erin -z 555 -f id_ecdsa-p384.pub || fail "issue via sub"
c=id_ecdsa-p384.pub-cert.pem
[ "$(grep -c 'BEGIN CERTIFICATE' $c)" = 2 ] ||
    fail "intermediate not appended to the chain"
openssl x509 -in $c -noout -subject | grep -q 'CN = erin' ||
    fail "leaf is not first"
openssl verify -CAfile ca.crt -untrusted $c $c >>"$TEST_LOG" 2>&1 ||
    fail "chain through the intermediate does not verify"
if openssl verify -CAfile ca.crt $c >>"$TEST_LOG" 2>&1; then
	fail "leaf verifies without its intermediate"
fi

# --- CRLs ------------------------------------------------------------------
"$K" -q -k -s ca -f crl.pem || fail "empty CRL"
openssl crl -in crl.pem -noout -text > crl.txt 2>>"$TEST_LOG" ||
    fail "openssl cannot read the CRL"
grep -q 'No Revoked Certificates' crl.txt || fail "new CRL not empty"
grep -q 'Issuer: CN = Test Root CA' crl.txt || fail "CRL issuer"
openssl crl -in crl.pem -CAfile ca.crt -noout >>"$TEST_LOG" 2>&1 ||
    fail "CRL signature does not verify"
openssl verify -CAfile ca.crt -crl_check -CRLfile crl.pem \
    id_ecdsa-p256-cert.pem >>"$TEST_LOG" 2>&1 || fail "alice with empty CRL"
ino1=$(stat -c %i crl.pem)
"$K" -q -k -s ca -f crl.pem -z 4242 || fail "revoke 4242"
"$K" -q -k -s ca -f crl.pem -z 99 -V 7 || fail "revoke 99"
"$K" -q -k -s ca -f crl.pem -z 4242 || fail "revoke 4242 again"
[ "$(stat -c %i crl.pem)" != "$ino1" ] || fail "CRL rewritten in place"
[ "$(file_mode crl.pem)" = 644 ] || fail "CRL mode $(file_mode crl.pem)"
ls crl.pem.* >/dev/null 2>&1 && fail "temporary CRL file left behind"
openssl crl -in crl.pem -noout -text > crl.txt 2>>"$TEST_LOG"
[ "$(grep -c 'Serial Number:' crl.txt)" = 2 ] ||
    fail "CRL should list 2 serials: $(grep 'Serial' crl.txt)"
grep -q 'Serial Number: 1092' crl.txt || fail "4242 (0x1092) not listed"
grep -A1 'CRL Number' crl.txt | tail -1 | grep -q '4' || fail "CRL number"
next=$(openssl crl -in crl.pem -noout -nextupdate | cut -d= -f2)
days=$(( ($(date -d "$next" +%s) - $(date +%s)) / 86400 ))
[ "$days" -ge 29 ] && [ "$days" -le 30 ] || fail "nextUpdate $days days"
openssl verify -CAfile ca.crt -crl_check -CRLfile crl.pem \
    id_ecdsa-p256-cert.pem 2>&1 | grep -q 'certificate revoked' ||
    fail "revoked alice still verifies"
openssl verify -CAfile ca.crt -crl_check -CRLfile crl.pem \
    ed.pub-cert.pem >>"$TEST_LOG" 2>&1 || fail "bob affected by revocation"

# Revoked intermediate: -crl_check_all with both CRLs.
"$K" -q -k -s sub -f subcrl.pem || fail "sub CRL"
cat crl.pem subcrl.pem > crls.pem
openssl verify -CAfile ca.crt -untrusted id_ecdsa-p384.pub-cert.pem \
    -crl_check_all -CRLfile crls.pem id_ecdsa-p384.pub-cert.pem \
    >>"$TEST_LOG" 2>&1 || fail "chain with clean CRLs"
openssl x509 -in sub.crt -noout -serial | grep -q '=0309$' ||
    fail "intermediate serial not 777"
"$K" -q -k -s ca -f crl.pem -z 777 || fail "revoke the intermediate"
cat crl.pem subcrl.pem > crls.pem
openssl verify -CAfile ca.crt -untrusted id_ecdsa-p384.pub-cert.pem \
    -crl_check_all -CRLfile crls.pem id_ecdsa-p384.pub-cert.pem 2>&1 |
    grep -q 'certificate revoked' || fail "revoked intermediate accepted"

# Stale CRLs: -V -1 and LASTUPDATE:NEXTUPDATE.
"$K" -q -k -s ca -f stale1.pem -V -1 || fail "stale -V -1"
openssl verify -CAfile ca.crt -crl_check -CRLfile stale1.pem \
    ed.pub-cert.pem 2>&1 | grep -q 'CRL has expired' ||
    fail "-V -1 CRL not stale"
"$K" -q -k -s ca -f stale2.pem -z 7 -V 20200101000000:20200201000000 ||
    fail "stale FROM:TO"
openssl crl -in stale2.pem -noout -lastupdate | grep -q 'Jan  1 00:00:00 2020' ||
    fail "lastUpdate not as given"
openssl crl -in stale2.pem -noout -nextupdate | grep -q 'Feb  1 00:00:00 2020' ||
    fail "nextUpdate not as given"

# Refusals: foreign CRL, garbage CRL, bad serial, no CA.
cp crl.pem foreign.pem
expect_rc 1 "$K" -q -k -s ca384 -f foreign.pem -z 5
cmp -s crl.pem foreign.pem || fail "foreign CRL modified"
echo garbage > garbage.pem
expect_rc 4 "$K" -q -k -s ca -f garbage.pem -z 5
[ "$(cat garbage.pem)" = garbage ] || fail "garbage CRL modified"
expect_rc 1 "$K" -q -k -s ca -f crl.pem -z abc
expect_rc 1 "$K" -q -k -f crl.pem -z 5
expect_rc 1 "$K" -q -k -s ca -f crl.pem -V 0

# --- an openssl-made CA signs through keygen ---------------------------------
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out osslca 2>>"$TEST_LOG" || fatal "openssl genpkey"
openssl req -x509 -new -key osslca -subj "/CN=OpenSSL CA" -days 30 \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out osslca.crt 2>>"$TEST_LOG" || fatal "openssl req"
cp ed of
"$K" -q -s osslca -I frank -f of || fail "issue with an openssl CA"
openssl verify -CAfile osslca.crt -purpose sslclient of-cert.pem \
    >>"$TEST_LOG" 2>&1 || fail "openssl-CA certificate does not verify"
"$K" -q -k -s osslca -f osslcrl.pem -z 3 || fail "CRL with an openssl CA"
openssl crl -in osslcrl.pem -CAfile osslca.crt -noout >>"$TEST_LOG" 2>&1 ||
    fail "openssl-CA CRL does not verify"
# A key whose .crt is not a CA is refused.
cp of-cert.pem notca.crt; cp ed notca
expect_rc 1 "$K" -q -s notca -I x -f ed
