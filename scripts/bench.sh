#!/bin/bash
# make bench: metasafe against a reference measured in the same run.
#
# Reference: `openssl s_server` + `openssl s_time`, TLS 1.3 with the same
# algorithms (X25519 key exchange, Ed25519 server certificate,
# TLS_AES_256_GCM_SHA384), full handshakes without resumption, on loopback.
# metasafe: bench-client doing full handshakes (hybrid X25519, Ed25519
# server signature and client authentication, AES-256-GCM) plus one
# OPEN+GET each, and GETs of a 4 KiB SECURE value on one connection.
# Results are ratios; absolute numbers depend on the machine.
set -u
BUILD=${BUILD:-$(pwd)/build}
SECS=${BENCH_SECONDS:-5}
. "$(dirname "$0")/../regress/test-exec.sh"
tid "bench"
need_tool openssl awk
need_prog "$BUILD/regress/progs/bench-client"

# --- reference: openssl TLS 1.3 -----------------------------------------------
openssl req -x509 -newkey ed25519 -keyout "$OBJ/tls.key" -out "$OBJ/tls.crt" \
    -days 1 -nodes -subj /CN=localhost >/dev/null 2>&1 || fatal "openssl req"
tport=$(pick_port)
openssl s_server -accept "$tport" -cert "$OBJ/tls.crt" -key "$OBJ/tls.key" \
    -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384 -groups X25519 -www -quiet \
    > /dev/null 2>&1 &
spid=$!
add_cleanup "kill $spid 2>/dev/null"
i=0
while ! port_listening "$tport"; do
	i=$((i + 1)); [ $i -le 50 ] || fatal "s_server did not start"; sleep 0.1
done
openssl s_time -connect "127.0.0.1:$tport" -new -time "$SECS" -tls1_3 \
    -ciphersuites TLS_AES_256_GCM_SHA384 > "$OBJ/s_time.out" 2>&1
ref_conns=$(awk '/connections in .* real seconds/ { print $1 }' "$OBJ/s_time.out")
[ -n "$ref_conns" ] || fatal "s_time produced no result: $(cat "$OBJ/s_time.out")"
ref_rate=$(awk -v n="$ref_conns" -v t="$SECS" 'BEGIN { printf "%.1f", n / t }')
kill "$spid" 2>/dev/null

# --- metasafe -------------------------------------------------------------------
start_daemon "MaxSessions 1000" "PerSourceMaxStartups 1000"
stop_daemon
# Benchmark at the production log level, not the suite's DEBUG1.
sed -i 's/^LogLevel DEBUG1$/LogLevel INFO/' "$OBJ/metasafed_config"
start_daemon
printf '0123456789abcdef0123456789abcdef' | ms set /bench small || fatal "set"
head -c 4096 /dev/urandom | ms set -s /bench secure || fatal "set -s"
BC=$BUILD/regress/progs/bench-client
"$BC" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" connect "$SECS" \
    aes256-gcm > "$OBJ/connect.out" || fatal "bench-client connect failed"
"$BC" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" get "$SECS" \
    aes256-gcm > "$OBJ/get.out" || fatal "bench-client get failed"
"$BC" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" get "$SECS" \
    chacha20-poly1305 > "$OBJ/get-chacha.out" || fatal "bench-client get chacha failed"
ms_rate=$(awk '{ print $(NF-1) }' "$OBJ/connect.out")
get_rate=$(awk '{ print $(NF-1) }' "$OBJ/get.out")
getc_rate=$(awk '{ print $(NF-1) }' "$OBJ/get-chacha.out")

# --- refused certificate logins: one answer time whatever the reason ---------
# The monitor answers every refused login AUTH_REFUSAL_FLOOR_MS after the
# AUTH request (SECURITY.md); these medians show whether the reason still
# shows through.  Times are whole client runs, so only differences count.
stop_daemon
certs_use keygen
ca_root root
leaf root good "$(sn 1)"
leaf root gone "$(sn 2)"
crl root gone
ca_root stranger
leaf stranger alien "$(sn 3)"
cert_trust root
cert_crl root
rm -f "$OBJ/metasafed_config" "$OBJ/known_hosts"
DAEMON_PORT=
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem" \
    "MaxSessions 1000" "PerSourceMaxStartups 1000" "MaxStartups 1000"
N=${BENCH_LOGINS:-60}
# median_ms WHAT KEY CERT: the median time of N refused logins, in ms.
median_ms() {
	_i=0
	: > "$OBJ/t.$1"
	while [ $_i -lt "$N" ]; do
		_t0=$(date +%s%N)
		msc "$2" "$3" status > /dev/null 2>&1
		_st=$?
		_t1=$(date +%s%N)
		[ $_st -eq 3 ] || fatal "bench: $1 login gave exit $_st, want 3"
		echo $(((_t1 - _t0) / 1000)) >> "$OBJ/t.$1"
		_i=$((_i + 1))
	done
	sort -n "$OBJ/t.$1" | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] / 1000 }'
}
C=$CERTS
t_unknown=$(median_ms unknown-ca "$C/alien.key" "$C/alien-cert.pem")
t_revoked=$(median_ms revoked "$C/gone.key" "$C/gone-cert.pem")
MSC_PRELOAD=$BUILD/regress/shim/pkeyeq.so
t_badsig=$(median_ms bad-signature "$C/gone.key" "$C/good-cert.pem")
MSC_PRELOAD=
stop_daemon

cat <<REPORT
metasafe bench ($(nproc) cores, $SECS s per measurement, $(date -u +%Y-%m-%d))
  reference  openssl s_time TLS 1.3 full handshakes     $ref_rate conn/s
  metasafe   full handshake + auth + OPEN/GET/CLOSE      $ms_rate conn/s
  ratio      metasafe / openssl handshakes               $(awk -v a="$ms_rate" -v b="$ref_rate" 'BEGIN { printf "%.2f", a / b }')
  metasafe   OPEN+GET+CLOSE of 4 KiB SECURE, aes256-gcm  $get_rate req/s
  metasafe   the same, chacha20-poly1305                 $getc_rate req/s
  ratio      request round trips / openssl handshakes    $(awk -v a="$get_rate" -v b="$ref_rate" 'BEGIN { printf "%.2f", a / b }')
  refused certificate logins, median of $N client runs each:
             unknown CA                                  $t_unknown ms
             revoked                                     $t_revoked ms
             valid chain, bad signature                  $t_badsig ms
REPORT
