#!/bin/bash
# make bench: metasafe side by side with references measured in the same
# run on the same machine, as ratios (docs/PERFORMANCE.md says what each
# row measures).  No row is a pass/fail check; the targets are printed so
# a reader can compare.
#
# Environment:
#   BENCH_SECONDS   seconds per measurement (default 3; 1 with BENCH_QUICK)
#   BENCH_QUICK=1   smoke run: 1 s each, fewer idle connections and logins
#   BENCH_CONNS     parallel clients for new connections (default "1 2 8")
#   BENCH_RESUME_CONNS  the same for resumed connections (default: BENCH_CONNS)
#   BENCH_SESSIONS  concurrent established sessions (default "1 8 64")
#   BENCH_WRITERS   durable SET writers (default "1 8"; the last one also
#                   runs beside the GET-under-writes probe)
#   BENCH_IDLE      idle authenticated connections held (default 500)
#   BENCH_READERS   concurrent readers of the 1 MiB value (default 50)
#   BENCH_LOGINS    refused logins timed per reason (default 20)
#   BENCH_CONFIG    metasafed_config lines, separated by ';', that replace
#                   or add to the bench's own (e.g. "WorkerPoolSize 16"),
#                   so a daemon with new knobs is measured without editing
#                   this script
#   BENCH_OUT       where results.txt goes (default $BUILD/bench)
#   BENCH_ONLY      the parts to run, separated by blanks (default: all):
#                   connect resume sessions set busy bulk readers idle
#                   ceiling etcd logins; e.g. "sessions set etcd" gives the
#                   store rows of both backends and their ratios
#   BENCH_ETCD_SESSIONS, BENCH_ETCD_WRITERS   the levels of the etcd part
#                   (default: BENCH_SESSIONS and BENCH_WRITERS)
set -u
BUILD=${BUILD:-$(pwd)/build}
QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
	SECS=${BENCH_SECONDS:-1}
	IDLE=${BENCH_IDLE:-20}
	READERS=${BENCH_READERS:-8}
	LOGINS=${BENCH_LOGINS:-3}
	SESSIONS=${BENCH_SESSIONS:-"1 8 16"}
else
	SECS=${BENCH_SECONDS:-3}
	IDLE=${BENCH_IDLE:-500}
	READERS=${BENCH_READERS:-50}
	LOGINS=${BENCH_LOGINS:-20}
	SESSIONS=${BENCH_SESSIONS:-"1 8 64"}
fi
CONNS=${BENCH_CONNS:-"1 2 8"}
RESUME_CONNS=${BENCH_RESUME_CONNS:-$CONNS}
WRITERS=${BENCH_WRITERS:-"1 8"}
ETCD_SESSIONS=${BENCH_ETCD_SESSIONS:-$SESSIONS}
ETCD_WRITERS=${BENCH_ETCD_WRITERS:-$WRITERS}
ONLY=${BENCH_ONLY:-}

# part NAME: whether BENCH_ONLY selects NAME (everything without it).
part() {
	[ -z "$ONLY" ] && return 0
	case " $ONLY " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}
. "$(dirname "$0")/../regress/test-exec.sh"
. "$TOP/scripts/bench-lib.sh"
tid "bench"
need_tool openssl awk ss getconf
BC=$BUILD/regress/progs/bench-client
need_prog "$BC" "$BUILD/regress/progs/fsync-rate" "$BUILD/regress/progs/hs-ceiling"
OUT=${BENCH_OUT:-$BUILD/bench}
mkdir -p "$OUT" || fatal "cannot create $OUT"
bench_rows_init "$OUT/results.txt"
T_START=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# 500 idle sessions hold 2 descriptors each in the daemon, one in the client.
ulimit -n "$(ulimit -Hn)" 2>/dev/null
[ "$(ulimit -n)" -ge $((IDLE * 2 + 256)) ] ||
    fatal "descriptor limit $(ulimit -n) too low for $IDLE idle connections"
MAXSESS=$((IDLE + 200))

# --- reference: openssl s_server, the same work per connection ----------------
# TLS 1.3, X25519, Ed25519 certificates both ways, client certificate
# required and verified, one HTTP request per connection (-www).
spid=
if part connect || part resume; then
	ref_certs
	tport=$(pick_port)
	ref_server_start "$tport"
	spid=$REF_SPID
	# One probe connection: the client certificate must be accepted.
	ref_probe "$tport"
fi

# ref_run N [-reuse]: N parallel s_time for SECS; sets REF_RATE (conn/s
# over the wall time of the run) and REF_CPU_US (s_server's CPU per
# connection).
ref_run() {
	_c0=$(proc_cpu_ticks "$spid")
	_t0=$(date +%s%N)
	_pids=
	for _i in $(seq 1 "$1"); do
		ref_s_time "$tport" "$SECS" "${2:--new}" > "$OBJ/s_time.$1.$_i" 2>&1 &
		_pids="$_pids $!"
	done
	for _p in $_pids; do
		wait "$_p" || fatal "s_time exited $? (N=$1, output in $OBJ/s_time.$1.*)"
	done
	_t1=$(date +%s%N)
	_c1=$(proc_cpu_ticks "$spid")
	_n=0
	for _i in $(seq 1 "$1"); do
		_k=$(s_time_conns "$OBJ/s_time.$1.$_i")
		[ -n "$_k" ] || fatal "no result in s_time output: $(cat "$OBJ/s_time.$1.$_i")"
		_n=$((_n + _k))
	done
	[ "$_n" -gt 0 ] || fatal "s_time made no connection"
	REF_RATE=$(calc "$_n / (($_t1 - $_t0) / 1e9)")
	REF_CPU_US=$(ticks_per_conn_us "$_c0" "$_c1" "$_n")
}

# --- metasafe -------------------------------------------------------------------
# Benchmark at the production log level, not the suite's DEBUG1.
daemon_setup
sed -i 's/^LogLevel DEBUG1$/LogLevel INFO/; /^LoginGraceTime /d' "$OBJ/metasafed_config"
for l in "MaxSessions $MAXSESS" "MaxStartups 1000" "PerSourceMaxStartups 1000" \
    "LoginGraceTime 60" "IdleTimeout 3600"; do
	conf_set "$OBJ/metasafed_config" "${l%% *}" "${l#* }"
done
IFS=';' read -r -a extra <<< "${BENCH_CONFIG:-}"
for l in "${extra[@]}"; do
	l=$(printf '%s' "$l" | sed 's/^ *//; s/ *$//')
	[ -n "$l" ] && conf_set "$OBJ/metasafed_config" "${l%% *}" "${l#* }"
done
start_daemon
MON=$DAEMON_PID
printf '0123456789abcdef0123456789abcdef' | ms set /bench small || fatal "set small"
head -c 64 /dev/urandom | ms set -s /bench sec64 || fatal "set -s sec64"
head -c 1048576 /dev/urandom > "$OBJ/big.val"
ms set -s /bench big < "$OBJ/big.val" || fatal "set -s big (1 MiB)"
rm -f "$OBJ/big.val"

# bc NAME OPTIONS... MODE: bench-client against the daemon, output in $OBJ/NAME.out;
# sets BC_CPU_US, the monitor's and its reaped workers' CPU per new
# connection over the run (after the workers of the run are reaped).
bc() {
	_name=$1
	_mode=${*: -1}
	shift
	set -- "${@:1:$#-1}"
	_base=$(nchildren "$MON")
	_c0=$(proc_cpu_ticks "$MON")
	"$BC" "$@" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" "$_mode" \
	    > "$OBJ/$_name.out" 2> "$OBJ/$_name.err" ||
	    fatal "bench-client $_name: $(tail -3 "$OBJ/$_name.err")"
	bc_check "$OBJ/$_name.out" || fatal "bench-client $_name: bad output: $(cat "$OBJ/$_name.out")"
	wait_reaped "$MON" "$_base"
	_c1=$(proc_cpu_ticks "$MON")
	BC_CPU_US=$(ticks_per_conn_us "$_c0" "$_c1" "$(kv "$OBJ/$_name.out" conns)")
}

# New connections: the same N as the reference, each metasafe run right
# after the reference's so that both meet the same load on a busy machine
# (the idle server of the pair uses no CPU).
for n in $CONNS; do
	part connect || break
	ref_run "$n"
	r=$REF_RATE
	rc=$REF_CPU_US
	bc "connect-$n" -c "$n" -t "$SECS" connect
	f=$OBJ/connect-$n.out
	tgt="-"
	[ "$n" -ge 2 ] && tgt=">= 1.5"
	row "new conn/s, N=$n (auth + OPEN/GET/CLOSE | s_server -Verify -www)" \
	    "$(kv "$f" conn_s)" "$r" "$tgt"
	row "  server CPU us/conn, N=$n (monitor+workers | s_server)" \
	    "$BC_CPU_US" "$rc" "<= 0.67"
	row "  conn latency p50 / p99 us, N=$n" "$(kv "$f" p50_us)" "$(kv "$f" p99_us)" "-" -
	row "  min/max per-client conn/s, N=$n" "$(kv "$f" min_s)" "$(kv "$f" max_s)" "> 0.8"
	eval "ms_cpu_$n=\$BC_CPU_US ms_rate_$n=\$(kv \"\$f\" conn_s)"
done

# Resumed connections (a ticket, fresh ECDHE, no client signature) beside
# metasafe's own full handshakes and s_server's TLS 1.3 resumption.
for n in $RESUME_CONNS; do
	part resume || break
	ref_run "$n" -reuse
	r=$REF_RATE
	bc "resume-$n" -c "$n" -t "$SECS" resume
	f=$OBJ/resume-$n.out
	grep -q '^resumed [1-9]' "$OBJ/resume-$n.err" ||
	    fatal "bench-client resume-$n resumed nothing: $(cat "$OBJ/resume-$n.err")"
	row "resumed conn/s, N=$n (metasafe | s_time -reuse)" \
	    "$(kv "$f" conn_s)" "$r" ">= 1.0"
	eval "full=\${ms_rate_$n:--}"
	row "  resumed vs full metasafe conn/s, N=$n" "$(kv "$f" conn_s)" \
	    "$full" ">= 2.0"
	row "  server CPU us/conn resumed, N=$n (monitor+workers | s_server)" \
	    "$BC_CPU_US" "$REF_CPU_US" "-"
done
[ -n "$spid" ] && kill "$spid" 2>/dev/null

# Established sessions: GET of a 64-byte SECURE record on open handles.
for n in $SESSIONS; do
	part sessions || break
	bc "sess-$n" -c "$n" -t "$SECS" -r sec64 get
	f=$OBJ/sess-$n.out
	tgt="-"
	[ "$n" -ge 64 ] && tgt=">= 30000 GET/s, p99 < 2000 us"
	row "GET/s, 64 B SECURE, $n sessions (metasafe | -)" "$(kv "$f" ops_s)" "-" "$tgt"
	row "  GET p50 / p99 us, $n sessions" "$(kv "$f" p50_us)" "$(kv "$f" p99_us)" "-" -
	row "  min/max per-session GET/s, $n sessions" "$(kv "$f" min_s)" "$(kv "$f" max_s)" "> 0.8"
	eval "lmdb_get_$n=\$(kv \"\$f\" ops_s)"
done
IDLE_GET=$OBJ/sess-$(set -- $SESSIONS; echo "$1").out

# Durable SETs beside the raw fdatasync rate of the store's disk.
raw_sync=-
if part set || part busy || part etcd; then
	"$BUILD/regress/progs/fsync-rate" "$OBJ/store" "$SECS" > "$OBJ/fsync.out" ||
	    fatal "fsync-rate failed"
	raw_sync=$(kv "$OBJ/fsync.out" rate)
fi
last_writers=$(set -- $WRITERS; eval "echo \${$#}")
for n in $WRITERS; do
	part set || break
	bc "set-$n" -c "$n" -t "$SECS" -r w set
	f=$OBJ/set-$n.out
	tgt="-"
	[ "$n" -ge 8 ] && tgt=">= 1.0"
	row "durable SET/s, $n writers (metasafe | raw 4K fdatasync/s)" \
	    "$(kv "$f" ops_s)" "$raw_sync" "$tgt"
	row "  min/max per-writer SET/s, $n writers" "$(kv "$f" min_s)" "$(kv "$f" max_s)" "> 0.8"
	eval "lmdb_set_$n=\$(kv \"\$f\" ops_s)"
done

# A GET on another connection while the writers run, beside the idle GET.
if part busy; then
	"$BC" -g -c "$last_writers" -t $((SECS + 2)) -r w2 "$DAEMON_PORT" \
	    "$OBJ/admin_key" "$OBJ/known_hosts" set > "$OBJ/set-bg.out" 2> "$OBJ/set-bg.err" &
	bgpid=$!
	add_cleanup "kill $bgpid 2>/dev/null"
	wait_line "$OBJ/set-bg.out" '^go' 60 "background writers did not start: $(cat "$OBJ/set-bg.err")"
	bc get-busy -c 1 -t "$SECS" -r sec64 get
	wait "$bgpid" || fatal "background writers failed: $(cat "$OBJ/set-bg.err")"
	idle_p50=- idle_p99=-
	[ -f "$IDLE_GET" ] && idle_p50=$(kv "$IDLE_GET" p50_us) idle_p99=$(kv "$IDLE_GET" p99_us)
	row "GET p50 us during $last_writers writers (busy | idle)" \
	    "$(kv "$OBJ/get-busy.out" p50_us)" "$idle_p50" "~1"
	row "GET p99 us during $last_writers writers (busy | idle)" \
	    "$(kv "$OBJ/get-busy.out" p99_us)" "$idle_p99" "~1"
fi

# Bulk: a 1 MiB SECURE value, beside AES-256-GCM at 16 KiB on one core.
if part bulk; then
	bc bulk -c 1 -t "$SECS" -r big get
	aes=$(openssl speed -evp aes-256-gcm -bytes 16384 -seconds "$SECS" -mr 2>/dev/null |
	    speed_bytes_s) || fatal "openssl speed gave no result"
	row "bulk GET MB/s, 1 MiB SECURE (metasafe | AES-256-GCM 16K, 1 core)" \
	    "$(calc "$(kv "$OBJ/bulk.out" bytes_s) / 1e6")" "$(calc "$aes / 1e6")" ">= 0.5"
fi

# Monitor RSS after concurrent readers of the 1 MiB value.
rss0=$(proc_status_kb "$MON" VmRSS)
if part readers; then
	bc readers -c "$READERS" -t 1 -r big get
	rss1=$(proc_status_kb "$MON" VmRSS)
	row "monitor RSS kB after $READERS readers of 1 MiB (after | before)" "$rss1" "$rss0" "~1"
fi

# Idle cost: IDLE authenticated connections held open.
if part idle; then
	mkfifo "$OBJ/hold.in" || fatal "mkfifo"
	"$BC" -c "$IDLE" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" hold \
	    < "$OBJ/hold.in" > "$OBJ/hold.out" 2> "$OBJ/hold.err" &
	holdpid=$!
	add_cleanup "kill $holdpid 2>/dev/null"
	exec 8> "$OBJ/hold.in"
	wait_line "$OBJ/hold.out" '^ready' 300 "holding $IDLE connections failed: $(tail -3 "$OBJ/hold.err")"
	worker_mem "$MON" > "$OBJ/workers.mem"
	read -r nw pss pdirty < "$OBJ/workers.mem"
	[ "$nw" -ge "$IDLE" ] || fail "only $nw workers for $IDLE idle connections"
	row "idle worker Private_Dirty kB ($nw workers | 1 MiB)" "$pdirty" 1024 "<= 1.0"
	row "idle worker Pss kB ($nw workers)" "$pss" "-" "-" -
	row "monitor RSS kB with $IDLE idle (with | before)" \
	    "$(proc_status_kb "$MON" VmRSS)" "$rss0" "-"
	n2=$(set -- $CONNS; [ $# -ge 2 ] && echo "$2" || echo "$1")
	bc "connect-idle" -c "$n2" -t "$SECS" connect
	eval "r=\${ms_rate_$n2:--} rc=\${ms_cpu_$n2:--}"
	row "new conn/s, N=$n2, $IDLE idle open (with | without)" \
	    "$(kv "$OBJ/connect-idle.out" conn_s)" "$r" "~1"
	row "  server CPU us/conn, $IDLE idle open (with | without)" "$BC_CPU_US" "$rc" "~1"
	exec 8>&-
	wait "$holdpid" || fail "hold client failed: $(cat "$OBJ/hold.err")"
fi

# The in-process crypto ceiling of one handshake.
if part ceiling; then
	"$BUILD/regress/progs/hs-ceiling" "$SECS" > "$OBJ/ceiling.out" || fatal "hs-ceiling failed"
	nmax=$(set -- $CONNS; eval "echo \${$#}")
	eval "rc=\${ms_cpu_$nmax:--} r=\${ms_rate_$nmax:--}"
	row "server CPU us/conn, N=$nmax (metasafe | its handshake crypto)" \
	    "$rc" "$(kv "$OBJ/ceiling.out" server_us)" "-"
	row "conn/s, N=$nmax (metasafe | crypto ceiling both ends, $(nproc) cores)" \
	    "$r" "$(calc "$(kv "$OBJ/ceiling.out" hs_s) * $(nproc)")" "-"
	row "  handshake crypto us (client | server side), 1 core" \
	    "$(kv "$OBJ/ceiling.out" client_us)" "$(kv "$OBJ/ceiling.out" server_us)" "-" -
	row "  handshake crypto us, both sides (X25519 x6 | HKDF/HMAC schedule)" \
	    "$(kv "$OBJ/ceiling.out" x25519_us)" "$(kv "$OBJ/ceiling.out" kdf_us)" "-" -
	row "  handshake crypto us, both sides (Ed25519 sign x2 | verify x2)" \
	    "$(kv "$OBJ/ceiling.out" sign_us)" "$(kv "$OBJ/ceiling.out" verify_us)" "-" -
fi
stop_daemon

# --- the etcd backend: the same GETs and SETs, beside LMDB's -------------------
# The daemon above with StoreBackend etcd, on a three-member cluster on
# loopback (regress/lib/etcd.sh: data directories on the disk of $OBJ,
# the LMDB store's).  Each row's reference is LMDB's figure of this run
# (ratio = etcd / LMDB), "-" when that part did not run.
if part etcd; then
	. "$SRCDIR/lib/etcd.sh"
	etcd_cluster_start
	conf_set "$OBJ/metasafed_config" StoreBackend etcd
	conf_set "$OBJ/metasafed_config" EtcdEndpoints "$ETCD_ENDPOINTS"
	conf_set "$OBJ/metasafed_config" EtcdPrefix /bench/
	# With etcd, StoreDirectory holds only the instance lock.
	mkdir -p "$OBJ/store-etcd" && chmod 0700 "$OBJ/store-etcd"
	conf_set "$OBJ/metasafed_config" StoreDirectory "$OBJ/store-etcd"
	start_daemon
	MON=$DAEMON_PID
	head -c 64 /dev/urandom | ms set -s /bench sec64 || fatal "etcd: set -s sec64"
	for n in $ETCD_SESSIONS; do
		bc "etcd-sess-$n" -c "$n" -t "$SECS" -r sec64 get
		f=$OBJ/etcd-sess-$n.out
		eval "l=\${lmdb_get_$n:--}"
		row "etcd GET/s, 64 B SECURE, $n sessions (etcd | LMDB)" "$(kv "$f" ops_s)" "$l" "-"
		row "  etcd GET p50 / p99 us, $n sessions" "$(kv "$f" p50_us)" "$(kv "$f" p99_us)" "-" -
	done
	for n in $ETCD_WRITERS; do
		bc "etcd-set-$n" -c "$n" -t "$SECS" -r w set
		f=$OBJ/etcd-set-$n.out
		eval "l=\${lmdb_set_$n:--}"
		row "etcd durable SET/s, $n writers (etcd | LMDB)" "$(kv "$f" ops_s)" "$l" "-"
		row "  etcd SET p50 / p99 us, $n writers" "$(kv "$f" p50_us)" "$(kv "$f" p99_us)" "-" -
	done
	stop_daemon
	for m in 1 2 3; do etcd_stop "$m"; done
fi

# --- refused certificate logins: one answer time whatever the reason ---------
# The monitor answers every refused login AUTH_REFUSAL_FLOOR_MS after the
# AUTH request (SECURITY.md); these medians show whether the reason still
# shows through.  Times are whole client runs, so only differences count.
if part logins; then
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
	# median_ms WHAT KEY CERT: the median time of LOGINS refused logins, in ms.
	median_ms() {
		_i=0
		: > "$OBJ/t.$1"
		while [ $_i -lt "$LOGINS" ]; do
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
	row "refused login ms, revoked (it | unknown CA)" "$t_revoked" "$t_unknown" "~1"
	row "refused login ms, bad signature (it | unknown CA)" "$t_badsig" "$t_unknown" "~1"
fi

# The load average says how far the conn/s rows can be trusted (see
# docs/PERFORMANCE.md).
bench_print "metasafe bench: $(nproc) cores, $SECS s per measurement, $(date -u '+%Y-%m-%d %H:%M UTC'), $(($(date +%s) - T_START)) s in all, load average $LOAD0 at start, $(cut -d' ' -f1-3 /proc/loadavg) at end${BENCH_CONFIG:+, BENCH_CONFIG=\"$BENCH_CONFIG\"}"
echo "machine-readable copy: $OUT/results.txt"
