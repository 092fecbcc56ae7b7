#!/bin/bash
# The programs and parsers of `make bench` work: each bench program runs
# for about a second at tiny concurrency and prints well-formed numbers
# that the bench script's parsers read back.  Counts are checked, never
# timings.
. "$(dirname "$0")/test-exec.sh"
. "$TOP/scripts/bench-lib.sh"
tid "bench programs and parsers give well-formed numbers"
need_tool openssl awk
BC=$BUILD/regress/progs/bench-client
need_prog "$BC" "$BUILD/regress/progs/fsync-rate" "$BUILD/regress/progs/hs-ceiling"

start_daemon "MaxSessions 50" "PerSourceMaxStartups 50" "MaxStartups 50"
printf '0123456789abcdef' | ms set /bench small || fatal "set small"
head -c 64 /dev/urandom | ms set -s /bench sec64 || fatal "set -s sec64"
head -c 65536 /dev/urandom | ms set -s /bench big || fatal "set -s big"

# run NAME OPTIONS... MODE: bench-client, output in $OBJ/NAME.out, which
# must be one well-formed result line.
run() {
	_n=$1
	_m=${*: -1}
	shift
	set -- "${@:1:$#-1}"
	"$BC" "$@" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" "$_m" \
	    > "$OBJ/$_n.out" 2> "$OBJ/$_n.err" ||
	    { fail "bench-client $_n failed: $(cat "$OBJ/$_n.err")"; return 1; }
	bc_check "$OBJ/$_n.out" ||
	    { fail "bench-client $_n: malformed: $(cat "$OBJ/$_n.out")"; return 1; }
	[ "$(kv "$OBJ/$_n.out" mode)" = "$_m" ] ||
	    fail "bench-client $_n: mode is not $_m: $(cat "$OBJ/$_n.out")"
	[ "$(kv "$OBJ/$_n.out" clients)" = "$CLIENTS" ] ||
	    fail "bench-client $_n: clients is not $CLIENTS"
}
# positive NAME KEY...: each KEY of NAME's result is above zero.
positive() {
	_f=$OBJ/$1.out
	shift
	for _k in "$@"; do
		awk -v v="$(kv "$_f" "$_k")" 'BEGIN { exit !(v > 0) }' ||
		    fail "$(basename "$_f" .out): $_k is not positive: $(cat "$_f")"
	done
}
# same NAME A B: keys A and B of NAME's result are equal.
same() {
	[ "$(kv "$OBJ/$1.out" "$2")" = "$(kv "$OBJ/$1.out" "$3")" ] ||
	    fail "$1: $2 != $3: $(cat "$OBJ/$1.out")"
}

# Every connection is one latency sample and three requests.
CLIENTS=2
if run connect -c 2 -t 1 connect; then
	positive connect conns conn_s ops_s p50_us p99_us bytes_s fair
	same connect conns samples
	[ "$(kv "$OBJ/connect.out" ops)" -eq $(($(kv "$OBJ/connect.out" conns) * 3)) ] ||
	    fail "connect: ops is not 3 per connection: $(cat "$OBJ/connect.out")"
fi
# Sessions: one sample per request, no new connection in the window.
if run get -c 2 -t 1 -r sec64 get; then
	positive get ops ops_s p50_us bytes_s fair
	same get ops samples
	[ "$(kv "$OBJ/get.out" conns)" = 0 ] || fail "get: counted connections"
fi
if run set -c 2 -t 1 -r w set; then
	positive set ops ops_s bytes_s fair
	same set ops samples
	# Each writer wrote its own record.
	n=$(ms ls /bench | grep -c '^w-[01]$')
	[ "$n" -eq 2 ] || fail "set: $n writer records, want 2: $(ms ls /bench)"
fi
CLIENTS=1
if run bulk -c 1 -t 1 -r big get; then
	# Every GET returned the whole 64 KiB value.
	[ "$(kv "$OBJ/bulk.out" bytes)" -eq $(($(kv "$OBJ/bulk.out" ops) * 65536)) ] ||
	    fail "bulk: bytes is not 65536 x ops: $(cat "$OBJ/bulk.out")"
	positive bulk bytes_s
fi

# hold: N authenticated connections, one worker each, until stdin closes.
mkfifo "$OBJ/hold.in" || fatal "mkfifo"
"$BC" -c 3 "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" hold \
    < "$OBJ/hold.in" > "$OBJ/hold.out" 2> "$OBJ/hold.err" &
holdpid=$!
add_cleanup "kill $holdpid 2>/dev/null"
exec 8> "$OBJ/hold.in"
wait_line "$OBJ/hold.out" '^ready 3$' 60 "hold: no ready: $(cat "$OBJ/hold.err")"
read -r nw pss pdirty <<< "$(worker_mem "$DAEMON_PID")"
[ "$nw" -ge 3 ] || fail "hold: $nw workers for 3 held connections"
[ "$pss" -gt 0 ] && [ "$pdirty" -gt 0 ] ||
    fail "hold: worker memory not read: $nw $pss $pdirty"
[ "$(nchildren "$DAEMON_PID")" -eq "$nw" ] || fail "nchildren disagrees with worker_mem"
exec 8>&-
wait "$holdpid" || fail "hold exited $?: $(cat "$OBJ/hold.err")"
[ "$(kv "$OBJ/hold.out" conns)" = 3 ] || fail "hold: result: $(cat "$OBJ/hold.out")"
c=$(proc_cpu_ticks "$DAEMON_PID")
[ "${c:-x}" -ge 0 ] 2>/dev/null || fail "proc_cpu_ticks gave '$c'"
r=$(proc_status_kb "$DAEMON_PID" VmRSS)
[ "${r:-0}" -gt 0 ] 2>/dev/null || fail "proc_status_kb VmRSS gave '$r'"
stop_daemon

"$BUILD/regress/progs/fsync-rate" "$OBJ" 1 > "$OBJ/fsync.out" ||
    fail "fsync-rate failed"
grep -Eq '^fdatasync=[1-9][0-9]* secs=[0-9.]+ rate=[0-9.]+$' "$OBJ/fsync.out" ||
    fail "fsync-rate: $(cat "$OBJ/fsync.out")"
ls "$OBJ"/fsync-rate.* > /dev/null 2>&1 && fail "fsync-rate left its file"

"$BUILD/regress/progs/hs-ceiling" 1 > "$OBJ/ceiling.out" || fail "hs-ceiling failed"
for k in iterations client_us server_us total_us hs_s x25519_us sign_us \
    verify_us kdf_us; do
	awk -v v="$(kv "$OBJ/ceiling.out" "$k")" 'BEGIN { exit !(v > 0) }' ||
	    fail "hs-ceiling: $k: $(cat "$OBJ/ceiling.out")"
done

# The reference: s_server -Verify with s_time presenting a certificate, and
# openssl speed, read by the same parsers as make bench.
ref_certs
p=$(pick_port)
ref_server_start "$p"
ref_probe "$p"
ref_s_time "$p" 1 > "$OBJ/s_time.out" 2>&1 || fail "s_time: $(cat "$OBJ/s_time.out")"
[ "$(s_time_conns "$OBJ/s_time.out")" -gt 0 ] 2>/dev/null ||
    fail "s_time_conns: $(cat "$OBJ/s_time.out")"
grep -q 'CN = client' "$OBJ/s_server.log" || fail "s_server saw no client certificate"
b=$(openssl speed -evp aes-256-gcm -bytes 16384 -seconds 1 -mr 2>/dev/null |
    speed_bytes_s) || fail "speed_bytes_s read no result"
[ "${b:-0}" -gt 0 ] 2>/dev/null || fail "openssl speed: '$b'"

# The parsers on fixed text: s_time's two result lines, a bad result line.
printf '%s\n' "12 connections in 0.03s; 400.00 connections/user sec, bytes read 72108" \
    "12 connections in 2 real seconds, 6009 bytes read per connection" > "$OBJ/fixed"
[ "$(s_time_conns "$OBJ/fixed")" = 12 ] || fail "s_time_conns on fixed text"
echo "mode=get clients=1 secs=1 ops=1 conns=0 ops_s=x" > "$OBJ/bad"
bc_check "$OBJ/bad" && fail "bc_check accepted a malformed line"
# row: ratio metasafe/reference, "-" when not comparable.
bench_rows_init "$OBJ/rows"
row "a" 3 2 "-"
row "b" 3 - "-"
row "c" 3 2 "-" -
[ "$(cut -f4 "$OBJ/rows" | tr '\n' ' ')" = "ratio 1.50 - - " ] ||
    fail "row ratios: $(cat "$OBJ/rows")"
exit 0
