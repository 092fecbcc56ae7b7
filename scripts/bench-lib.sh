# bench-lib.sh — helpers of scripts/bench.sh, also used by
# regress/bench-smoke.sh to check the parsers on the real programs'
# output.  Sourced after regress/test-exec.sh (fatal, pid_alive,
# port_listening).

# calc EXPR: EXPR (awk syntax) to two decimals.
calc() {
	awk "BEGIN { printf \"%.2f\", $1 }"
}

# kv FILE KEY: the value of KEY=VALUE on the last line of FILE holding it.
kv() {
	awk -v k="$2" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1)
	    v = substr($i, length(k) + 2) } END { print v }' "$1"
}

# bc_check FILE: FILE's last line is a well-formed bench-client result:
# every field NAME=NUMBER (but mode), none missing, rates not negative.
bc_check() {
	tail -n 1 "$1" | awk '
	BEGIN { split("clients secs ops conns bytes ops_s conn_s bytes_s p50_us " \
	    "p99_us samples min_s max_s fair", want, " ") }
	{
		for (i = 1; i <= NF; i++) {
			n = index($i, "=")
			if (n < 2) exit 1
			f[substr($i, 1, n - 1)] = substr($i, n + 1)
		}
	}
	END {
		if (!("mode" in f)) exit 1
		for (w in want) {
			k = want[w]
			if (!(k in f) || f[k] !~ /^[0-9]+(\.[0-9]+)?$/) exit 1
		}
		if (f["fair"] + 0 > 1 || f["p50_us"] + 0 > f["p99_us"] + 0) exit 1
		exit 0
	}'
}

# s_time_conns FILE: the connections openssl s_time made, from its
# "N connections in T real seconds" line (the user-time line before it
# counts the same connections).
s_time_conns() {
	awk '/connections in [0-9.]+ real seconds/ { n = $1 }
	    END { if (n ~ /^[0-9]+$/) print n }' "$1"
}

# speed_bytes_s < openssl speed -mr output: bytes per second of the one
# block size measured ("+F:idx:name:value").
speed_bytes_s() {
	awk -F: '/^\+F:/ { v = $NF } END { if (v == "") exit 1; printf "%.0f", v }'
}

# proc_cpu_ticks PID: utime+stime+cutime+cstime of PID (its own CPU and
# that of the children it reaped), in clock ticks.
proc_cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 + $14 + $15 }'
}

# ticks_per_conn_us T0 T1 CONNS: microseconds of CPU per connection.
ticks_per_conn_us() {
	awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" \
	    'BEGIN { if (n > 0) printf "%.1f", (b - a) / hz / n * 1e6; else print "-" }'
}

# children PID: the pids whose parent is PID.
children() {
	_par=$1
	for _s in /proc/[0-9]*/stat; do
		read -r _l 2>/dev/null < "$_s" || continue
		_rest=${_l##*) }
		set -- $_rest
		[ "${2:-}" = "$_par" ] && echo "${_s//[^0-9]/}"
	done
	return 0
}
nchildren() {
	children "$1" | wc -l
}

# wait_reaped PID BASE: until PID has at most BASE children (the workers
# of a finished run are gone and their CPU is in PID's cutime), or their
# number has not changed for 2 s (a daemon that keeps spare workers may
# hold more than it did before the run), and 30 s at most: on a loaded
# machine the last workers may take a while to exit.
wait_reaped() {
	_i=0
	_same=0
	_last=-1
	while [ $_i -lt 300 ] && [ $_same -lt 20 ]; do
		_k=$(nchildren "$1")
		[ "$_k" -le "$2" ] && return 0
		if [ "$_k" = "$_last" ]; then
			_same=$((_same + 1))
		else
			_same=0
		fi
		_last=$_k
		_i=$((_i + 1))
		sleep 0.1
	done
	return 0
}

# wait_listening PORT PID WHAT: until PORT listens; fatal if PID dies or
# 20 s pass.
wait_listening() {
	_i=0
	while ! port_listening "$1"; do
		pid_alive "$2" || fatal "$3 exited before listening"
		_i=$((_i + 1))
		[ $_i -le 200 ] || fatal "$3 not listening on $1 after 20 s"
		sleep 0.1
	done
}

# wait_line FILE PATTERN SECONDS WHAT: until FILE has a line matching
# PATTERN; fatal WHAT after SECONDS.
wait_line() {
	_i=0
	until grep -q -- "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -le $(($3 * 10)) ] || fatal "$4"
		sleep 0.1
	done
}

# proc_status_kb PID FIELD: a kB field of /proc/PID/status (VmRSS).
proc_status_kb() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# worker_mem PID: "COUNT PSS PRIVATE_DIRTY" over PID's children, the
# means in kB from smaps_rollup.
worker_mem() {
	children "$1" | while read -r _w; do
		cat "/proc/$_w/smaps_rollup" 2>/dev/null
	done | awk '$1 == "Pss:" { n++; p += $2 } $1 == "Private_Dirty:" { d += $2 }
	    END { if (n == 0) print 0, 0, 0; else printf "%d %.0f %.0f\n", n, p / n, d / n }'
}

# --- the reference: openssl s_server doing the same work per connection --------
# TLS 1.3, X25519, Ed25519 certificates both ways, the client certificate
# required and verified, one HTTP request per connection (-www).
REF_TLS="-tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384"

# ref_certs: self-signed Ed25519 server and client certificates in $OBJ.
ref_certs() {
	for _n in server client; do
		openssl genpkey -algorithm ed25519 -out "$OBJ/$_n.key" 2>/dev/null &&
		openssl req -x509 -key "$OBJ/$_n.key" -out "$OBJ/$_n.crt" \
		    -days 1 -subj "/CN=$_n" 2>/dev/null ||
		    fatal "openssl: cannot make the $_n certificate"
	done
}

# ref_server_start PORT: s_server on 127.0.0.1:PORT, its pid in REF_SPID
# (killed at exit); waits until it listens.
ref_server_start() {
	openssl s_server -accept "127.0.0.1:$1" -naccept 100000000 \
	    -cert "$OBJ/server.crt" -key "$OBJ/server.key" \
	    -Verify 1 -CAfile "$OBJ/client.crt" -verify_return_error \
	    $REF_TLS -groups X25519 -www -quiet > "$OBJ/s_server.log" 2>&1 &
	REF_SPID=$!
	add_cleanup "kill $REF_SPID 2>/dev/null"
	wait_listening "$1" "$REF_SPID" s_server
}

# ref_s_time PORT SECONDS [-new|-reuse]: one s_time client, a new session
# every time (the default) or resuming one session (TLS 1.3 PSK with ECDHE).
ref_s_time() {
	openssl s_time -connect "127.0.0.1:$1" "${3:--new}" -cert "$OBJ/client.crt" \
	    -key "$OBJ/client.key" -www / -time "$2" $REF_TLS
}

# ref_probe PORT: one second of s_time must make connections (so the
# client certificate was accepted); fatal if not.
ref_probe() {
	ref_s_time "$1" 1 > "$OBJ/s_time.probe" 2>&1
	_k=$(s_time_conns "$OBJ/s_time.probe")
	[ "${_k:-0}" -gt 0 ] ||
	    fatal "s_time against s_server -Verify failed: $(tail -3 "$OBJ/s_time.probe")"
}

# --- the table -----------------------------------------------------------------
# row MEASUREMENT METASAFE REFERENCE TARGET [-]: one row; its ratio is
# METASAFE / REFERENCE, or "-" when either is not a number or a fifth
# argument "-" says the two columns are not comparable.
bench_rows_init() {
	BENCH_RESULTS=$1
	printf 'measurement\tmetasafe\treference\tratio\ttarget\n' > "$BENCH_RESULTS"
}

is_num() {
	case "$1" in
	''|*[!0-9.]*|*.*.*) return 1 ;;
	esac
}

row() {
	_ratio=-
	if [ "${5:-}" != - ] && is_num "$2" && is_num "$3" &&
	    [ "$(awk -v b="$3" 'BEGIN { print (b > 0) }')" = 1 ]; then
		_ratio=$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", a / b }')
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "${2:--}" "${3:--}" "$_ratio" "$4" \
	    >> "$BENCH_RESULTS"
}

bench_print() {
	echo "$1"
	awk -F'\t' '{ printf "%-66s | %10s | %10s | %6s | %s\n", $1, $2, $3, $4, $5 }' \
	    "$BENCH_RESULTS"
}
