#!/bin/bash
# Algorithm policy and downgrade protection.  The server picks the first
# suite of its own list that the client offers; a client that offers less
# gets that (strip-suite); a man in the middle that strips the preferred
# cipher from CLIENT_HELLO breaks the handshake (the transcript signature
# covers the offer), so the client ends with exit 2 and nothing is read or
# written; an empty intersection is refused on both sides.
. "$(dirname "$0")/test-exec.sh"
tid "algorithm policy: server preference, stripped suite, MITM downgrade, no common suite"

need_tool perl
HOSTILE=$BUILD/regress/progs/hostile-client
need_prog "$HOSTILE"
BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
P=
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	leaf root good "$(sn 1)" -t ecdsa-p256
	crl root
	cert_trust root
	cert_crl root
	P="$P good.$b"
done
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" \
    "RevocationList $OBJ/crl.pem" "Ciphers aes256-gcm,chacha20-poly1305"
# shellcheck disable=SC2086
cert_data $P

cipher_of() {
	grep -o 'aes256-gcm\|chacha20-poly1305' "$1" | head -n 1
}

# The server's preference wins when the client offers both, in any order.
ms -o Ciphers=chacha20-poly1305,aes256-gcm status > "$OBJ/st" ||
    fail "status with both ciphers failed"
[ "$(cipher_of "$OBJ/st")" = aes256-gcm ] ||
    fail "server preference not honoured: $(cat "$OBJ/st")"
# A client that offers only chacha20-poly1305 gets it.
ms -o Ciphers=chacha20-poly1305 status > "$OBJ/st" ||
    fail "status with chacha20-poly1305 only failed"
[ "$(cipher_of "$OBJ/st")" = chacha20-poly1305 ] ||
    fail "chacha20-poly1305-only client got: $(cat "$OBJ/st")"
for b in $BUILDERS; do
	certs_use "$b"
	msc "$CERTS/good.key" "$CERTS/good-cert.pem" \
	    -o Ciphers=chacha20-poly1305 status > "$OBJ/st" ||
	    fail "$b: certificate login with chacha20-poly1305 failed"
	[ "$(cipher_of "$OBJ/st")" = chacha20-poly1305 ] ||
	    fail "$b: certificate login got: $(cat "$OBJ/st")"
done
# The hostile client's strip-suite: only chacha20-poly1305 offered.
out=$("$HOSTILE" -p "$DAEMON_PORT" -i "$OBJ/admin_key" \
    -k "$OBJ/keys/host_sig_key.pub" strip-suite 2>>"$TEST_LOG")
st=$?
[ $st -eq 0 ] || fail "hostile strip-suite: exit $st: $out"

# --- a man in the middle rewrites CLIENT_HELLO --------------------------
# mitm.pl LPORT DPORT MODE LOG: relays connections to DPORT; in mode
# "rewrite" it replaces aes256-gcm (0x0001) in the CLIENT_HELLO cipher list
# with an unknown id, so the server settles for chacha20-poly1305 although
# the client offered (and the server prefers) AES.  Same frame length.
cat > "$OBJ/mitm.pl" <<'PERL'
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
my ($lport, $dport, $mode, $log) = @ARGV;
open(my $lf, '>>', $log) or die "log: $!";
$lf->autoflush(1);
my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $lport,
    Listen => 8, ReuseAddr => 1) or die "listen: $!";
print $lf "listening\n";
sub readn {
	my ($fh, $n) = @_;
	my $buf = '';
	while (length($buf) < $n) {
		my $r = sysread($fh, $buf, $n - length($buf), length($buf));
		return undef if !defined($r) || $r == 0;
	}
	return $buf;
}
while (my $c = $l->accept) {
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
	    PeerPort => $dport) or die "connect: $!";
	my $hdr = readn($c, 4);
	next unless defined $hdr;
	my $len = unpack('N', $hdr);
	next if $len < 1 || $len > 4096;
	my $body = readn($c, $len);
	next unless defined $body;
	if ($mode eq 'rewrite' && ord(substr($body, 0, 1)) == 1 && $len > 36) {
		my $n = ord(substr($body, 35, 1));
		my $k = 0;
		for my $i (0 .. $n - 1) {
			my $o = 36 + 2 * $i;
			last if $o + 2 > $len;
			if (unpack('n', substr($body, $o, 2)) == 1) {
				substr($body, $o, 2) = pack('n', 0x7777);
				$k++;
			}
		}
		print $lf "rewrote $k of $n\n";
	} else {
		print $lf "passed\n";
	}
	syswrite($s, $hdr . $body);
	my $sel = IO::Select->new($c, $s);
	RELAY: while (1) {
		for my $fh ($sel->can_read(30)) {
			my $buf;
			my $r = sysread($fh, $buf, 65536);
			last RELAY if !defined($r) || $r == 0;
			syswrite($fh == $c ? $s : $c, $buf);
		}
	}
	close($c);
	close($s);
}
PERL

# start_mitm MODE: MITM_PORT relays to the daemon.
MITM_PID=
start_mitm() {
	if [ -n "$MITM_PID" ]; then
		kill "$MITM_PID" 2>/dev/null
		wait "$MITM_PID" 2>/dev/null
	fi
	MITM_PORT=$(cert_pick_port)
	: > "$OBJ/mitm.log"
	perl "$OBJ/mitm.pl" "$MITM_PORT" "$DAEMON_PORT" "$1" "$OBJ/mitm.log" \
	    2>>"$TEST_LOG" &
	MITM_PID=$!
	add_cleanup "kill $MITM_PID 2>/dev/null"
	_i=0
	while ! port_listening "$MITM_PORT"; do
		_i=$((_i + 1))
		[ $_i -le 50 ] || fatal "the MITM relay does not listen"
		sleep 0.1
	done
	printf '[127.0.0.1]:%s %s\n' "$MITM_PORT" \
	    "$(cut -d' ' -f1,2 "$OBJ/keys/host_sig_key.pub")" > "$OBJ/kh_mitm"
}

# via_mitm [-c KEY CHAIN] ARGS...: the CLI through the relay.
via_mitm() {
	if [ "$1" = -c ]; then
		_vk=$2 _vc=$3
		shift 3
		"$METASAFE" -p "$MITM_PORT" -i "$_vk" -o CertificateFile="$_vc" \
		    -o KnownHostsFile="$OBJ/kh_mitm" "$@"
	else
		"$METASAFE" -p "$MITM_PORT" -i "$OBJ/admin_key" \
		    -o KnownHostsFile="$OBJ/kh_mitm" "$@"
	fi
}

# The relay itself is transparent: without rewriting, logins work.
start_mitm pass
via_mitm status > "$OBJ/st" 2>&1 || fail "transparent relay: $(cat "$OBJ/st")"
grep -q passed "$OBJ/mitm.log" || fail "the relay saw no connection"

start_mitm rewrite
mark=$(wc -l < "$OBJ/metasafed.log")
mitm_refused() {
	_what=$1
	shift
	via_mitm "$@" get /certdata rec > "$OBJ/out" 2>"$OBJ/err" < /dev/null
	_st=$?
	[ $_st -eq 2 ] || fail "$_what: downgraded get gave exit $_st, want 2: $(cat "$OBJ/err")"
	[ -s "$OBJ/out" ] && fail "$_what: the downgraded get printed something"
	[ -s "$OBJ/err" ] || fail "$_what: the client gave no message"
	trace "$_what: $(cat "$OBJ/err")"
	printf 'downgraded-write' | via_mitm "$@" set /certdata rec \
	    > /dev/null 2>&1
	_st=$?
	[ $_st -eq 2 ] || fail "$_what: downgraded set gave exit $_st, want 2"
	[ "$(ms get /certdata rec)" = "$CERT_VALUE" ] ||
	    fail "$_what: the value changed"
}
mitm_refused "MITM downgrade (raw key)"
grep -q 'rewrote 1 of 2' "$OBJ/mitm.log" ||
    fail "the relay did not strip aes256-gcm: $(cat "$OBJ/mitm.log")"
for b in $BUILDERS; do
	certs_use "$b"
	mitm_refused "$b MITM downgrade (certificate)" -c "$CERTS/good.key" \
	    "$CERTS/good-cert.pem"
done
# Only direct admin connections (AES) ran since the relay started
# rewriting: no chacha20-poly1305 session may have authenticated.
tail -n "+$((mark + 1))" "$OBJ/metasafed.log" |
    grep -q 'authenticated .*cipher chacha20-poly1305' &&
    fail "a downgraded connection authenticated"
kill "$MITM_PID" 2>/dev/null
wait "$MITM_PID" 2>/dev/null
MITM_PID=

# --- no common suite ----------------------------------------------------
cert_restart "TrustedUserCAFile $OBJ/user_ca.pem" \
    "RevocationList $OBJ/crl.pem" "Ciphers aes256-gcm"
ms -o Ciphers=chacha20-poly1305 get /certdata rec > "$OBJ/out" 2>"$OBJ/err"
st=$?
[ $st -eq 2 ] || fail "no common cipher gave exit $st, want 2"
[ -s "$OBJ/out" ] && fail "no common cipher: get printed something"
grep -Eqi 'common|cipher|suite' "$OBJ/err" ||
    fail "no common cipher: unclear message: $(cat "$OBJ/err")"
printf 'x' | ms -o Ciphers=chacha20-poly1305 set /certdata rec > /dev/null 2>&1
st=$?
[ $st -eq 2 ] || fail "no common cipher: set gave exit $st, want 2"
for b in $BUILDERS; do
	certs_use "$b"
	msc "$CERTS/good.key" "$CERTS/good-cert.pem" \
	    -o Ciphers=chacha20-poly1305 status > /dev/null 2>&1
	st=$?
	[ $st -eq 2 ] || fail "$b: certificate login, no common cipher: exit $st"
done
[ "$(ms get /certdata rec)" = "$CERT_VALUE" ] || fail "the value changed"
ms status > "$OBJ/st" || fail "default client refused by an aes-only server"
[ "$(cipher_of "$OBJ/st")" = aes256-gcm ] || fail "aes-only server: $(cat "$OBJ/st")"
out=$("$HOSTILE" -p "$DAEMON_PORT" -i "$OBJ/admin_key" \
    -k "$OBJ/keys/host_sig_key.pub" no-common-suite 2>>"$TEST_LOG")
st=$?
[ $st -eq 0 ] || fail "hostile no-common-suite: exit $st: $out"
daemon_healthy
exit 0
