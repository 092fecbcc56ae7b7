# lib/certs-openssl.sh — certificate fixtures made with the openssl tools
# only (`openssl genpkey`, `openssl req`, `openssl x509 -req` with extension
# files, `openssl ca` for dated certificates, revocation and CRLs), the way
# an organisation's existing CA would make them.  Sourced by certs_use
# (test-exec.sh, "certificates"), which sets CERTS (this builder's directory)
# and CB=openssl.  lib/certs-keygen.sh provides the same functions with
# metasafe-keygen; the cert-*.sh tests run every case with both.
#
#   mk_key NAME TYPE		$CERTS/NAME.key, PKCS#8 PEM; TYPE is ed25519,
#				ecdsa-p256, ecdsa-p384, rsa1024, rsa2048, rsa3072
#   ca_root NAME		self-signed root: NAME.key, NAME.crt
#   ca_sub PARENT NAME SERIAL	intermediate CA signed by PARENT
#   leaf CA NAME SERIAL [-t TYPE] [-d expired|future] [-u serverauth|
#	keycertsign] [-h HOST,...] [-k KEYNAME] [-n PRINCIPAL] [-p yes]
#				NAME.crt (the leaf alone) and NAME-cert.pem
#				(the leaf and, under an intermediate, that
#				intermediate); the key is NAME.key unless -k.
#				-h makes a host certificate for the names.
#				-p yes (openssl builder only): an RSA CA
#				signs with RSASSA-PSS instead of PKCS#1 v1.5.
#				The principal (URI SAN metasafe:P, email SAN
#				P@example.org, CN P) is NAME.$CB unless -n.
#   crl CA [-s] [NAME...]	CA.crl revoking exactly the named leaves or
#				CAs; -s: stale (nextUpdate in the past)
#
# CA keys: the root is ECDSA P-256 (ecdsa-with-SHA256), intermediates RSA
# 2048 (sha256WithRSAEncryption), so both certificate signature families
# are exercised.

need_tool openssl

_ossl() {
	openssl "$@" >> "$TEST_LOG" 2>&1
}

mk_key() {
	case "$2" in
	ed25519)	_ossl genpkey -algorithm ED25519 -out "$CERTS/$1.key" ;;
	ecdsa-p256)	_ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			    -out "$CERTS/$1.key" ;;
	ecdsa-p384)	_ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 \
			    -out "$CERTS/$1.key" ;;
	rsa*)		_ossl genpkey -algorithm RSA \
			    -pkeyopt "rsa_keygen_bits:${2#rsa}" -out "$CERTS/$1.key" ;;
	*)		fatal "mk_key: unknown key type $2" ;;
	esac || fatal "openssl: key $1 ($2) failed"
	chmod 600 "$CERTS/$1.key"
}

# The per-CA openssl ca database: config, index, serial, crlnumber.
_ossl_cadb() {
	_d=$CERTS/$1.db
	[ -d "$_d" ] && return 0
	mkdir -p "$_d/new"
	: > "$_d/index.txt"
	echo 1000 > "$_d/crlnumber"
	cat > "$_d/openssl.cnf" <<EOF
[ca]
default_ca = CA_default
[CA_default]
dir = $_d
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = $CERTS/$1.crt
private_key = $CERTS/$1.key
default_md = sha256
default_crl_days = 30
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[policy_any]
commonName = supplied
organizationName = optional
[req]
distinguished_name = req_dn
prompt = no
[req_dn]
CN = unused
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
}

_ossl_ca_ext() {
	cat > "$1" <<EOF
[v3]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
}

ca_root() {
	mk_key "$1" ecdsa-p256
	_ossl_cadb "$1"
	_ossl req -new -x509 -key "$CERTS/$1.key" -sha256 -days 3650 \
	    -subj "/O=metasafe regress/CN=$1 (openssl root)" \
	    -config "$CERTS/$1.db/openssl.cnf" -extensions v3_ca \
	    -set_serial 1 -out "$CERTS/$1.crt" ||
	    fatal "openssl: root CA $1 failed"
	echo 1 > "$CERTS/$1.serial"
	: > "$CERTS/$1.chain"
}

ca_sub() {
	mk_key "$2" rsa2048
	_ossl_cadb "$2"
	_ossl_ca_ext "$CERTS/$2.ext"
	_ossl req -new -key "$CERTS/$2.key" \
	    -subj "/O=metasafe regress/CN=$2 (openssl intermediate)" \
	    -out "$CERTS/$2.csr" || fatal "openssl: CSR for $2 failed"
	_n=$3
	_ossl x509 -req -in "$CERTS/$2.csr" -CA "$CERTS/$1.crt" \
	    -CAkey "$CERTS/$1.key" -sha256 -days 3000 -set_serial "$_n" \
	    -extfile "$CERTS/$2.ext" -extensions v3 -out "$CERTS/$2.crt" ||
	    fatal "openssl: intermediate $2 failed"
	echo "$_n" > "$CERTS/$2.serial"
	cp "$CERTS/$2.crt" "$CERTS/$2.chain"
	echo "$1" > "$CERTS/$2.parent"
}

# _ossl_stamp DAYS: a UTC time DAYS (signed) from now, for openssl ca.
_ossl_stamp() {
	date -u -d "$1 days" +%Y%m%d%H%M%SZ
}

leaf() {
	_ca=$1 _name=$2 _serial=$3
	shift 3
	_type=ed25519 _dates='' _usage='' _hosts='' _key=$_name _princ=$_name.$CB
	_pss=no
	while [ $# -gt 0 ]; do
		case "$1" in
		-t) _type=$2 ;;
		-d) _dates=$2 ;;
		-u) _usage=$2 ;;
		-h) _hosts=$2 ;;
		-k) _key=$2 ;;
		-n) _princ=$2 ;;
		-p) _pss=$2 ;;
		*) fatal "leaf: unknown option $1" ;;
		esac
		shift 2
	done
	[ "$_key" = "$_name" ] && mk_key "$_name" "$_type"
	_ext=$CERTS/$_name.ext
	{
		echo "[v3]"
		echo "basicConstraints = critical, CA:FALSE"
		echo "subjectKeyIdentifier = hash"
		echo "authorityKeyIdentifier = keyid"
		case "$_usage" in
		keycertsign)
			echo "keyUsage = critical, keyCertSign"
			echo "extendedKeyUsage = clientAuth" ;;
		serverauth)
			echo "keyUsage = critical, digitalSignature"
			echo "extendedKeyUsage = serverAuth" ;;
		'')
			echo "keyUsage = critical, digitalSignature"
			if [ -n "$_hosts" ]; then
				echo "extendedKeyUsage = serverAuth"
			else
				echo "extendedKeyUsage = clientAuth"
			fi ;;
		*) fatal "leaf: unknown usage $_usage" ;;
		esac
		if [ -n "$_hosts" ]; then
			_san=
			for _h in $(echo "$_hosts" | tr , ' '); do
				case "$_h" in
				*[!0-9.]*) _san="$_san${_san:+, }DNS:$_h" ;;
				*) _san="$_san${_san:+, }IP:$_h" ;;
				esac
			done
			echo "subjectAltName = $_san"
		else
			echo "subjectAltName = URI:metasafe:$_princ, email:$_princ@example.org"
		fi
	} > "$_ext"
	_ossl req -new -key "$CERTS/$_key.key" \
	    -subj "/O=metasafe regress/CN=$_princ" -out "$CERTS/$_name.csr" ||
	    fatal "openssl: CSR for $_name failed"
	if [ -z "$_dates" ]; then
		set --
		[ "$_pss" = yes ] && set -- -sigopt rsa_padding_mode:pss \
		    -sigopt rsa_pss_saltlen:32
		_ossl x509 -req -in "$CERTS/$_name.csr" -CA "$CERTS/$_ca.crt" \
		    -CAkey "$CERTS/$_ca.key" -sha256 -days 365 "$@" \
		    -set_serial "$_serial" -extfile "$_ext" -extensions v3 \
		    -out "$CERTS/$_name.crt" ||
		    fatal "openssl: x509 -req for $_name failed"
	else
		case "$_dates" in
		expired) _from=$(_ossl_stamp -30) _to=$(_ossl_stamp -1) ;;
		future) _from=$(_ossl_stamp +10) _to=$(_ossl_stamp +40) ;;
		*) fatal "leaf: unknown dates $_dates" ;;
		esac
		_ossl_cadb "$_ca"
		printf '%04X\n' "$_serial" > "$CERTS/$_ca.db/serial"
		_ossl ca -batch -notext -config "$CERTS/$_ca.db/openssl.cnf" \
		    -in "$CERTS/$_name.csr" -startdate "$_from" -enddate "$_to" \
		    -extfile "$_ext" -extensions v3 -out "$CERTS/$_name.crt" ||
		    fatal "openssl: openssl ca for $_name failed"
	fi
	echo "$_serial" > "$CERTS/$_name.serial"
	cat "$CERTS/$_name.crt" "$CERTS/$_ca.chain" > "$CERTS/$_name-cert.pem"
}

crl() {
	_ca=$1
	shift
	_stale=
	if [ "${1:-}" = -s ]; then
		_stale=1
		shift
	fi
	_ossl_cadb "$_ca"
	# The CRL lists exactly the names given: start from an empty index.
	: > "$CERTS/$_ca.db/index.txt"
	for _n in "$@"; do
		_ossl ca -batch -config "$CERTS/$_ca.db/openssl.cnf" \
		    -revoke "$CERTS/$_n.crt" -crl_reason keyCompromise ||
		    fatal "openssl: revoke $_n failed"
	done
	if [ -n "$_stale" ]; then
		_ossl ca -batch -gencrl -config "$CERTS/$_ca.db/openssl.cnf" \
		    -crl_lastupdate "$(_ossl_stamp -20)" \
		    -crl_nextupdate "$(_ossl_stamp -2)" -out "$CERTS/$_ca.crl"
	else
		_ossl ca -batch -gencrl -config "$CERTS/$_ca.db/openssl.cnf" \
		    -crldays 30 -out "$CERTS/$_ca.crl"
	fi || fatal "openssl: CRL for $_ca failed"
}
