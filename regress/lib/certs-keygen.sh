# lib/certs-keygen.sh — certificate fixtures made with metasafe-keygen's
# small CA (-c CA and intermediate, -s ... -I issue, -k CRL), for users
# without a CA of their own.  Same functions and files as
# lib/certs-openssl.sh (see there); openssl is used here only to read
# results, never to make them.
#
# CA keys: the root is keygen's default type, intermediates ECDSA P-384.

need_prog "$METASAFE_KEYGEN"

_kg() {
	"$METASAFE_KEYGEN" "$@" >> "$TEST_LOG" 2>&1 < /dev/null
}

mk_key() {
	case "$2" in
	ed25519|ecdsa-p256|ecdsa-p384)
		_kg -q -t "$2" -N '' -C "$1" -f "$CERTS/$1.key" ;;
	rsa*)	_kg -q -t rsa -b "${2#rsa}" -N '' -C "$1" -f "$CERTS/$1.key" ;;
	*)	fatal "mk_key: unknown key type $2" ;;
	esac || fatal "metasafe-keygen: key $1 ($2) failed"
}

ca_root() {
	_kg -q -c -N '' -f "$CERTS/$1.key" -n "$1 (keygen root)" -V 3650 ||
	    fatal "metasafe-keygen: root CA $1 failed"
	[ -s "$CERTS/$1.key.crt" ] || fatal "metasafe-keygen -c wrote no $1.key.crt"
	cp "$CERTS/$1.key.crt" "$CERTS/$1.crt"
	cert_serial "$CERTS/$1.crt" > "$CERTS/$1.serial"
	: > "$CERTS/$1.chain"
}

ca_sub() {
	_kg -q -c -N '' -t ecdsa-p384 -s "$CERTS/$1.key" -f "$CERTS/$2.key" \
	    -n "$2 (keygen intermediate)" -V 3000 ||
	    fatal "metasafe-keygen: intermediate CA $2 failed"
	[ -s "$CERTS/$2.key.crt" ] || fatal "metasafe-keygen -c -s wrote no $2.key.crt"
	pem_first "$CERTS/$2.key.crt" "$CERTS/$2.crt"
	cp "$CERTS/$2.crt" "$CERTS/$2.chain"
	echo "$1" > "$CERTS/$2.parent"
}

# _kg_stamp DAYS: a UTC time DAYS (signed) from now, for -V FROM:TO.
_kg_stamp() {
	date -u -d "$1 days" +%Y%m%d%H%M%S
}

leaf() {
	_ca=$1 _name=$2 _serial=$3
	shift 3
	_type=ed25519 _dates='' _usage='' _hosts='' _key=$_name _princ=$_name.$CB
	while [ $# -gt 0 ]; do
		case "$1" in
		-t) _type=$2 ;;
		-d) _dates=$2 ;;
		-u) _usage=$2 ;;
		-h) _hosts=$2 ;;
		-k) _key=$2 ;;
		-n) _princ=$2 ;;
		*) fatal "leaf: unknown option $1" ;;
		esac
		shift 2
	done
	[ "$_key" = "$_name" ] && mk_key "$_name" "$_type"
	set -- -q -s "$CERTS/$_ca.key" -z "$_serial"
	case "$_dates" in
	'')	set -- "$@" -V +365 ;;
	expired) set -- "$@" -V "$(_kg_stamp -30):$(_kg_stamp -1)" ;;
	future)	set -- "$@" -V "$(_kg_stamp +10):$(_kg_stamp +40)" ;;
	*)	fatal "leaf: unknown dates $_dates" ;;
	esac
	# The same purposes as the openssl builder's wrong-usage leaves.
	case "$_usage" in
	'') ;;
	serverauth) set -- "$@" -u digitalsignature,serverauth ;;
	keycertsign) set -- "$@" -u keycertsign,clientauth ;;
	*) fatal "leaf: unknown usage $_usage" ;;
	esac
	if [ -n "$_hosts" ]; then
		_first=${_hosts%%,*}
		set -- "$@" -h -I "$_first"
		[ "$_first" = "$_hosts" ] || set -- "$@" -n "${_hosts#*,}"
	else
		set -- "$@" -I "$_princ" -n "$_princ@example.org"
	fi
	rm -f "$CERTS/$_key.key-cert.pem"
	_kg "$@" -f "$CERTS/$_key.key" ||
	    fatal "metasafe-keygen: certificate $_name failed"
	[ -s "$CERTS/$_key.key-cert.pem" ] ||
	    fatal "metasafe-keygen -I wrote no $_key.key-cert.pem"
	mv "$CERTS/$_key.key-cert.pem" "$CERTS/$_name-cert.pem"
	pem_first "$CERTS/$_name-cert.pem" "$CERTS/$_name.crt"
	echo "$_serial" > "$CERTS/$_name.serial"
}

crl() {
	_ca=$1
	shift
	_v=30
	if [ "${1:-}" = -s ]; then
		_v="$(_kg_stamp -20):$(_kg_stamp -2)"
		shift
	fi
	# The CRL lists exactly the names given: start from no CRL.
	rm -f "$CERTS/$_ca.crl"
	if [ $# -eq 0 ]; then
		_kg -q -k -s "$CERTS/$_ca.key" -f "$CERTS/$_ca.crl" -V "$_v" ||
		    fatal "metasafe-keygen: empty CRL for $_ca failed"
	fi
	for _n in "$@"; do
		_z=$(cert_serial_dec "$CERTS/$_n.crt")
		_kg -q -k -s "$CERTS/$_ca.key" -f "$CERTS/$_ca.crl" -V "$_v" \
		    -z "$_z" || fatal "metasafe-keygen: revoke $_n failed"
	done
	[ -s "$CERTS/$_ca.crl" ] || fatal "metasafe-keygen -k wrote no $_ca.crl"
}
