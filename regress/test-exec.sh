#!/bin/bash
# test-exec.sh — shared harness for the regress tests (OpenSSH style).
#
# Each test regress/NAME.sh starts with
#	. "$(dirname "$0")/test-exec.sh"
#	tid "what this test checks"
# and then does its checks.  It passes when it exits 0 with no fail()
# recorded.  The harness provides:
#
#   SRCDIR		this directory (regress/), absolute
#   TOP			the source tree
#   BUILD		the binaries (env BUILD, default $TOP/build), absolute
#   OBJ			a fresh scratch directory: $BUILD/regress/work/NAME
#   METASAFE_KEYGEN METASAFED METASAFE WORKER	program paths
#   tid DESC		name this test (run-regress.sh prints it)
#   trace MSG		log only (shown with TEST_VERBOSE=1)
#   verbose MSG		log and show unless TEST_QUIET=1
#   fail MSG		record a failure and keep going
#   fatal MSG		record a failure and stop now
#   add_cleanup CMD	run CMD (eval'd) at exit, most recent first
#   need_prog FILE...	fatal unless each FILE is an executable
#   file_mode FILE	octal permission bits (e.g. 600)
#   checksum FILE...	SHA-256 of each file, one line each
#   pick_port		print a free TCP port on 127.0.0.1
#   wait_file FILE PATTERN WHAT	until FILE has a line matching PATTERN
#   start_daemon / stop_daemon	see below
#   DAEMON_FLAGS		more metasafed options for start_daemon (e.g. -d)
#
# A test that cannot do what it is meant to (missing program, tool,
# permission) must fail, never skip silently: use need_prog / fatal.
# Sanitizer reports from any program the test runs are written to
# $OBJ/sanitizer.* and make the test fail.

# This file's own directory, also when a script elsewhere (scripts/bench.sh)
# sources it.
SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$SRCDIR/.." && pwd)
BUILD=${BUILD:-$TOP/build}
case "$BUILD" in
/*) ;;
*) BUILD=$(cd "$TOP" && cd "$BUILD" 2>/dev/null && pwd) ||
	{ echo "test-exec: BUILD directory $BUILD not found" >&2; exit 1; } ;;
esac
export BUILD

TEST_NAME=$(basename "$0" .sh)
OBJ=$BUILD/regress/work/$TEST_NAME
TEST_LOG=$OBJ/test.log

METASAFE_KEYGEN=$BUILD/metasafe-keygen
METASAFED=$BUILD/metasafed
METASAFE=$BUILD/metasafe
WORKER=$BUILD/metasafe-worker
export METASAFE_KEYGEN METASAFED METASAFE WORKER

TID=$TEST_NAME
FAILED=0
CLEANUP_CMDS=
DAEMON_PID=
DAEMON_PORT=
DAEMON_FLAGS=

# The scratch directory is private to this test and starts empty.
rm -rf "$OBJ"
mkdir -p "$OBJ" || { echo "test-exec: cannot create $OBJ" >&2; exit 1; }
chmod 0700 "$OBJ"
: > "$TEST_LOG"

# Sanitizer reports go to files so expected-failure runs cannot hide them;
# a distinct exit code keeps them from passing for an expected error code.
ASAN_OPTIONS="log_path=$OBJ/sanitizer.asan:exitcode=99:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="log_path=$OBJ/sanitizer.ubsan:print_stacktrace=1:halt_on_error=1:exitcode=98${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS

# Keep programs away from the invoking user's real files.
HOME=$OBJ/home
mkdir -p "$HOME"
export HOME
umask 022

_log() {
	printf '%s\n' "$*" >> "$TEST_LOG"
}

tid() {
	TID="$*"
	printf '%s\n' "$TID" > "$OBJ/.tid"
	_log "tid: $TID"
}

trace() {
	_log "trace: $*"
	if [ "${TEST_VERBOSE:-0}" = 1 ]; then
		printf 'trace: %s\n' "$*"
	fi
}

verbose() {
	_log "$*"
	if [ "${TEST_QUIET:-0}" != 1 ]; then
		printf '%s\n' "$*"
	fi
}

fail() {
	FAILED=1
	_log "FAIL: $*"
	printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*" >&2
}

fatal() {
	fail "$@"
	exit 1
}

add_cleanup() {
	# Prepend: the last thing set up is the first torn down.
	CLEANUP_CMDS="$*
$CLEANUP_CMDS"
}

cleanup() {
	_cmds=$CLEANUP_CMDS
	CLEANUP_CMDS=
	stop_daemon
	printf '%s\n' "$_cmds" | while IFS= read -r _c; do
		[ -n "$_c" ] || continue
		trace "cleanup: $_c"
		eval "$_c" || true
	done
}

_exit_hook() {
	_st=$1
	trap - EXIT
	cleanup
	for _f in "$OBJ"/sanitizer.*; do
		[ -e "$_f" ] || continue
		fail "sanitizer report $_f:"
		sed 's/^/	/' "$_f" >&2
	done
	if [ "$_st" -ne 0 ] && [ "$FAILED" = 0 ]; then
		fail "test exited with status $_st"
	fi
	if [ "$FAILED" != 0 ]; then
		exit 1
	fi
	exit 0
}
trap '_exit_hook $?' EXIT
trap 'fail "interrupted"; exit 1' INT TERM HUP

need_prog() {
	for _p in "$@"; do
		[ -x "$_p" ] || fatal "required program $_p is missing (build first)"
	done
}

# need_tool NAME...: programs from PATH the test relies on.
need_tool() {
	for _p in "$@"; do
		command -v "$_p" >/dev/null 2>&1 ||
		    fatal "required tool $_p not found (see scripts/deps.sh)"
	done
}

file_mode() {
	stat -c '%a' "$1"
}

checksum() {
	sha256sum "$@" | cut -d' ' -f1
}

# pick_port: a TCP port on 127.0.0.1 unused in any state, below the
#	kernel's ephemeral range (32768-60999): on some kernels (gVisor) even
#	a TIME-WAIT client socket on a port makes bind fail with EADDRINUSE
#	despite SO_REUSEADDR.  Racy by nature; start_daemon waits and checks.
pick_port() {
	need_tool ss od
	_i=0
	while [ $_i -lt 200 ]; do
		_r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		_p=$((20000 + _r % 12000))
		if [ -z "$(ss -Htan "sport = :$_p" 2>/dev/null)" ] &&
		    [ -z "$(ss -Htan "dport = :$_p" 2>/dev/null)" ]; then
			echo "$_p"
			return 0
		fi
		_i=$((_i + 1))
	done
	fatal "no free TCP port found"
}

# port_listening PORT: true when something listens on 127.0.0.1:PORT.
port_listening() {
	[ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]
}

# pid_alive PID: running and not a zombie waiting to be reaped.
pid_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	_state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$_state" ] && [ "$_state" != Z ]
}

# wait_file FILE PATTERN WHAT: wait up to 10 s until FILE (which may not
#	exist yet) has a line matching PATTERN (grep); fatal "WHAT: FILE's
#	text" if not.  For a helper started in the background that says when
#	it is ready.
wait_file() {
	_i=0
	until grep -q -- "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -le 100 ] ||
		    fatal "$3: $(tr '\n' '|' < "$1" 2>/dev/null)"
		sleep 0.1
	done
}

# --- daemon ------------------------------------------------------------------
#
# start_daemon [EXTRA_CONFIG_LINES]
#	Creates host keys in $OBJ/keys (metasafe-keygen -A), an admin key
#	$OBJ/admin_key, principals file, empty chroot and store directory,
#	writes $OBJ/metasafed_config unless the test already wrote one (extra
#	lines are appended), starts "$METASAFED -D -e -f $OBJ/metasafed_config"
#	in the background with output in $OBJ/metasafed.log, records
#	DAEMON_PID and DAEMON_PORT, and waits until the port listens.
#	Fatal if the daemon exits or does not listen within 10 s.
#	The config names WorkerPath ($WORKER) and PrivsepUser (nobody):
#	the built-in defaults are the install paths and the _metasafe user
#	(install-destdir.sh runs an installed tree on its defaults).
# daemon_setup [EXTRA_CONFIG_LINES]
#	Only the preparation of start_daemon (keys, principals, directories,
#	config), for tests that start metasafed themselves.
# stop_daemon
#	SIGTERM to DAEMON_PID only (never by name), waits up to 10 s, then
#	SIGKILL.  Safe to call when no daemon runs.  Run at exit anyway.
# The daemon runs with StrictModes yes (the default) in every test, so its
# files must sit below directories only root can write.  A checkout or
# build made under umask 002 would make every daemon refuse to start; say
# why once, plainly.
_strict_dirs_check() {
	_d=$OBJ
	while :; do
		set -- $(stat -c '%u %a' "$_d")
		_v=$((0$2))
		if [ "$1" != 0 ] ||
		    { [ $((_v & 18)) -ne 0 ] && [ $((_v & 512)) -eq 0 ]; }; then
			fatal "directory $_d (mode $2, uid $1) is writable by" \
			    "others or not root's: StrictModes would refuse the" \
			    "test daemon's files (chmod go-w it, or build under umask 022)"
		fi
		[ "$_d" = / ] && break
		_d=$(dirname "$_d")
	done
}

start_daemon() {
	[ -z "$DAEMON_PID" ] || fatal "start_daemon: daemon already running"
	daemon_setup "$@"
	trace "start_daemon: port $DAEMON_PORT"
	"$METASAFED" -D -e $DAEMON_FLAGS -f "$OBJ/metasafed_config" >> "$OBJ/metasafed.log" 2>&1 &
	DAEMON_PID=$!
	_i=0
	while ! port_listening "$DAEMON_PORT"; do
		if ! pid_alive "$DAEMON_PID"; then
			wait "$DAEMON_PID" 2>/dev/null
			_st=$?
			DAEMON_PID=
			sed 's/^/	/' "$OBJ/metasafed.log" >&2
			fatal "start_daemon: metasafed exited (status $_st)"
		fi
		_i=$((_i + 1))
		[ $_i -le 100 ] || fatal "start_daemon: port $DAEMON_PORT not listening after 10 s"
		sleep 0.1
	done
	trace "start_daemon: pid $DAEMON_PID listening"
}

daemon_setup() {
	need_prog "$METASAFED" "$WORKER" "$METASAFE_KEYGEN"
	_strict_dirs_check
	DAEMON_PORT=${DAEMON_PORT:-$(pick_port)}
	[ -n "$DAEMON_PORT" ] || fatal "start_daemon: no port"
	mkdir -p "$OBJ/keys" "$OBJ/empty" "$OBJ/store"
	chmod 0700 "$OBJ/keys" "$OBJ/store"
	chmod 0755 "$OBJ/empty"
	"$METASAFE_KEYGEN" -q -A -d "$OBJ/keys" >> "$TEST_LOG" 2>&1 ||
	    fatal "start_daemon: host key generation failed"
	if [ ! -f "$OBJ/admin_key" ]; then
		"$METASAFE_KEYGEN" -q -t ed25519 -N '' -C admin \
		    -f "$OBJ/admin_key" >> "$TEST_LOG" 2>&1 ||
		    fatal "start_daemon: admin key generation failed"
	fi
	[ -f "$OBJ/principals" ] ||
	    printf 'admin %s\n' "$(cat "$OBJ/admin_key.pub")" > "$OBJ/principals"
	[ -f "$OBJ/known_hosts" ] ||
	    printf '[127.0.0.1]:%s %s\n' "$DAEMON_PORT" \
		"$(cut -d' ' -f1,2 "$OBJ/keys/host_sig_key.pub")" \
		> "$OBJ/known_hosts"
	if [ ! -f "$OBJ/metasafed_config" ]; then
		cat > "$OBJ/metasafed_config" <<CONF
ListenAddress 127.0.0.1
Port $DAEMON_PORT
HostKey $OBJ/keys/host_sig_key
HostKexKey $OBJ/keys/host_kex_key
StoreKey $OBJ/keys/host_store_key
StoreDirectory $OBJ/store
AuthorizedPrincipalsFile $OBJ/principals
AdminPrincipals admin
PrivsepChroot $OBJ/empty
PidFile $OBJ/metasafed.pid
WorkerPath $WORKER
PrivsepUser nobody
LoginGraceTime 10
LogLevel DEBUG1
CONF
	fi
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" >> "$OBJ/metasafed_config"
	fi
	return 0
}

# --- detached daemons ----------------------------------------------------------
#
# start_detached CONFIG [ARGS...]: run "$METASAFED -f CONFIG ARGS" without
#	-D; it must return 0 (after the daemon is ready).  Prints nothing.
# pidfile_pid PIDFILE: the pid in it (fatal when missing or not running);
#	add_cleanup "kill_pidfile_daemon PID" stops it at exit.
# start_detached_pid PIDFILE CONFIG [ARGS...]: start_detached CONFIG ARGS,
#	then DETACHED_PID = pidfile_pid PIDFILE, stopped at exit.
# kill_pidfile_daemon PID: SIGTERM, wait up to 10 s, then SIGKILL.
# conf_set CONFIG KEYWORD VALUE: replace (or add) the KEYWORD line.
# start_fails CODE PATTERN CONFIG [ARGS...]: "$METASAFED -f CONFIG ARGS"
#	(daemon mode unless ARGS has -D) must exit CODE within 20 s with a
#	line matching PATTERN (grep -E) on stderr, and leave no process
#	running with CONFIG on its command line.  stderr: $OBJ/start.err.
#
# The checks of the harness config $OBJ/metasafed_config by -t and by a
# foreground start, for tests that break one thing in it at a time.  WHAT
# names the case in failure messages; WANT is a fixed string (grep -F).
# t_ok WHAT: "$METASAFED -t" accepts the config (output: $OBJ/t.out);
#	false, after fail, if not.
# t_fails WHAT WANT: -t refuses it, its output holding WANT.
# start_refused WHAT WANT: "$METASAFED -D" refuses to start within 20 s
#	(a time-out is not a refusal), its output ($OBJ/d.out) holding WANT.
# refused WHAT WANT: t_fails and start_refused.
start_detached() {
	_cfg=$1
	shift
	timeout 30 "$METASAFED" -f "$_cfg" "$@" > "$OBJ/start.out" 2> "$OBJ/start.err"
	_st=$?
	[ $_st -eq 0 ] || fatal "metasafed -f $_cfg $* exited $_st: $(cat "$OBJ/start.err")"
	[ -s "$OBJ/start.err" ] && fail "detached start printed on stderr: $(cat "$OBJ/start.err")"
	return 0
}

pidfile_pid() {
	[ -s "$1" ] || fatal "PidFile $1 missing or empty"
	_p=$(cat "$1")
	pid_alive "$_p" || fatal "PidFile $1 names pid $_p, which is not running"
	echo "$_p"
}

start_detached_pid() {
	_pf=$1
	shift
	start_detached "$@"
	# pidfile_pid's fatal ends only the command substitution.
	DETACHED_PID=$(pidfile_pid "$_pf") || exit 1
	add_cleanup "kill_pidfile_daemon $DETACHED_PID"
}

kill_pidfile_daemon() {
	kill -TERM "$1" 2>/dev/null || return 0
	_i=0
	while pid_alive "$1"; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ]; then
			kill -KILL "$1" 2>/dev/null
			break
		fi
		sleep 0.1
	done
	return 0
}

conf_set() {
	sed -i "/^$2 /d" "$1"
	printf '%s %s\n' "$2" "$3" >> "$1"
}

# procs_with ARG: pids whose command line contains ARG.
procs_with() {
	for _c in /proc/[0-9]*/cmdline; do
		# No grep here: its own command line would hold ARG.
		case "$(tr '\0' ' ' < "$_c" 2>/dev/null)" in
		*"$1"*) ;;
		*) continue ;;
		esac
		_p=${_c#/proc/}
		_p=${_p%/cmdline}
		[ "$_p" = "$$" ] || echo "$_p"
	done
}

start_fails() {
	_want=$1 _pat=$2 _cfg=$3
	shift 3
	timeout 20 "$METASAFED" -f "$_cfg" "$@" > "$OBJ/start.out" 2> "$OBJ/start.err"
	_st=$?
	cat "$OBJ/start.err" >> "$TEST_LOG"
	[ $_st -eq "$_want" ] ||
	    fail "metasafed -f $_cfg $*: exit $_st, want $_want: $(cat "$OBJ/start.err")"
	grep -Eq -- "$_pat" "$OBJ/start.err" ||
	    fail "metasafed -f $_cfg $*: stderr lacks /$_pat/: $(cat "$OBJ/start.err")"
	grep -q '^metasafed: ' "$OBJ/start.err" ||
	    fail "metasafed -f $_cfg $*: no 'metasafed: ' message on stderr"
	_i=0
	while [ -n "$(procs_with "$_cfg")" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 50 ]; then
			fail "a failed start left processes running: $(procs_with "$_cfg")"
			for _p in $(procs_with "$_cfg"); do
				kill -KILL "$_p" 2>/dev/null
			done
			break
		fi
		sleep 0.1
	done
	return 0
}

t_ok() {
	"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t.out" 2>&1 && return 0
	fail "$1: -t refused: $(cat "$OBJ/t.out")"
	return 1
}

t_fails() {
	"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t.out" 2>&1 &&
	    fail "$1: -t accepted"
	grep -qF -- "$2" "$OBJ/t.out" ||
	    fail "$1: -t message lacks '$2': $(cat "$OBJ/t.out")"
	return 0
}

start_refused() {
	timeout 20 "$METASAFED" -D -f "$OBJ/metasafed_config" > "$OBJ/d.out" 2>&1
	_st=$?
	[ $_st -ne 0 ] && [ $_st -ne 124 ] ||
	    fail "$1: the daemon did not refuse to start (status $_st)"
	grep -qF -- "$2" "$OBJ/d.out" ||
	    fail "$1: start-up message lacks '$2': $(cat "$OBJ/d.out")"
	return 0
}

refused() {
	t_fails "$1" "$2"
	start_refused "$1" "$2"
}

# stop_pid WHO PID: SIGTERM, then until it is gone (10 s, then SIGKILL).
stop_pid() {
	kill -TERM "$2" 2>/dev/null || { wait "$2" 2>/dev/null; return 0; }
	_i=0
	while pid_alive "$2"; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ]; then
			fail "$1: pid $2 ignored SIGTERM; killing"
			kill -KILL "$2" 2>/dev/null
			break
		fi
		sleep 0.1
	done
	wait "$2" 2>/dev/null
	return 0
}

stop_daemon() {
	[ -n "$DAEMON_PID" ] || return 0
	_pid=$DAEMON_PID
	DAEMON_PID=
	stop_pid stop_daemon "$_pid"
}

# --- clients -----------------------------------------------------------------
#
# ms [-k KEYFILE] ARGS...: run the metasafe CLI against the test daemon as
#	the admin (or as KEYFILE's principal).  Exit status is the CLI's.
# add_principal NAME [GROUPS]: generate $OBJ/NAME_key and register it in
#	$OBJ/principals (before start_daemon, or follow with reload_daemon).
# reload_daemon: SIGHUP to DAEMON_PID, then wait until the log says so.
# worker_pids: pids of the daemon's workers that serve a connection: by
#	their title "metasafed: worker PEER", children of DAEMON_PID, or
#	grandchildren (the real worker behind a rogue worker's relay).
# pooled_pids: pids of the daemon's pooled workers, waiting for a
#	connection ("metasafed: pooled worker"), children of DAEMON_PID.
# hold_conn PATH RECORD [CACHE]: regress/progs/hold-conn opens a session as the
#	admin, reads PATH RECORD and keeps the session open until
#	release_conn (its stdin is a FIFO held open on fd 4).  Returns once it
#	says "ready" (fatal after 10 s).  HOLD_PID is its pid, $OBJ/hold.out
#	its output; one held at a time, killed at exit if still held.  With
#	CACHE it resumes from that ResumptionCache file.
# release_conn: EOF to the held session; true when hold-conn exits 0.
# held_worker_pid: the worker serving the held session (the process that
#	owns the server end of hold-conn's TCP connection; with pre-spawned
#	workers it need not be the newest).  Empty if none is found.
ms() {
	_key=$OBJ/admin_key
	if [ "${1:-}" = "-k" ]; then
		_key=$2
		shift 2
	fi
	"$METASAFE" -p "$DAEMON_PORT" -i "$_key" \
	    -o KnownHostsFile="$OBJ/known_hosts" "$@"
}

add_principal() {
	_name=$1
	_groups=${2:-}
	"$METASAFE_KEYGEN" -q -t ed25519 -N '' -C "$_name" \
	    -f "$OBJ/${_name}_key" >> "$TEST_LOG" 2>&1 ||
	    fatal "add_principal: keygen for $_name failed"
	if [ ! -f "$OBJ/principals" ] && [ -f "$OBJ/admin_key.pub" ]; then
		printf 'admin %s\n' "$(cat "$OBJ/admin_key.pub")" > "$OBJ/principals"
	fi
	if [ -n "$_groups" ]; then
		printf '%s groups=%s %s\n' "$_name" "$_groups" \
		    "$(cat "$OBJ/${_name}_key.pub")" >> "$OBJ/principals"
	else
		printf '%s %s\n' "$_name" "$(cat "$OBJ/${_name}_key.pub")" \
		    >> "$OBJ/principals"
	fi
}

# Admin key first, so add_principal before start_daemon keeps admin.
make_admin_key() {
	[ -f "$OBJ/admin_key" ] ||
	    "$METASAFE_KEYGEN" -q -t ed25519 -N '' -C admin \
		-f "$OBJ/admin_key" >> "$TEST_LOG" 2>&1 ||
	    fatal "make_admin_key: keygen failed"
}

reload_daemon() {
	_before=$(grep -c 'SIGHUP' "$OBJ/metasafed.log" 2>/dev/null || true)
	kill -HUP "$DAEMON_PID" || fatal "reload_daemon: kill failed"
	_i=0
	while [ "$(grep -c 'SIGHUP' "$OBJ/metasafed.log" 2>/dev/null || true)" = "$_before" ]; do
		_i=$((_i + 1))
		[ $_i -le 50 ] || fatal "reload_daemon: no reload logged"
		sleep 0.1
	done
	sleep 0.2
}

_ppid_of() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f2
}

# _daemon_workers serving|pooled
_daemon_workers() {
	for _s in /proc/[0-9]*/stat; do
		_p=${_s#/proc/}
		_p=${_p%/stat}
		_pp=$(_ppid_of "$_p")
		[ -n "$_pp" ] || continue
		if [ "$_pp" != "$DAEMON_PID" ]; then
			[ "$1" = serving ] || continue
			[ "$(_ppid_of "$_pp")" = "$DAEMON_PID" ] || continue
		fi
		_cl=$(tr '\0' ' ' < "/proc/$_p/cmdline" 2>/dev/null)
		case $1:$_cl in
		"serving:metasafed: worker "*|"pooled:metasafed: pooled worker"*)
			echo "$_p" ;;
		esac
	done
}

worker_pids() {
	_daemon_workers serving
}

pooled_pids() {
	_daemon_workers pooled
}

HOLD_PID=
_HOLD_CLEANUP=
hold_conn() {
	need_prog "$BUILD/regress/progs/hold-conn"
	[ -z "$HOLD_PID" ] || fatal "hold_conn: a session is already held"
	rm -f "$OBJ/hold.in"
	mkfifo "$OBJ/hold.in" || fatal "hold_conn: mkfifo"
	"$BUILD/regress/progs/hold-conn" "$DAEMON_PORT" "$OBJ/admin_key" \
	    "$OBJ/known_hosts" "$1" "$2" ${3:+"$3"} \
	    < "$OBJ/hold.in" > "$OBJ/hold.out" 2>&1 &
	HOLD_PID=$!
	exec 4> "$OBJ/hold.in"
	if [ -z "$_HOLD_CLEANUP" ]; then
		add_cleanup _hold_cleanup
		_HOLD_CLEANUP=1
	fi
	wait_file "$OBJ/hold.out" '^ready' "held connection not ready"
}

release_conn() {
	[ -n "$HOLD_PID" ] || fatal "release_conn: no session held"
	_hp=$HOLD_PID
	HOLD_PID=
	exec 4>&-
	wait "$_hp"
}

held_worker_pid() {
	_lp=$(ss -Htnp state established "( dport = :$DAEMON_PORT )" |
	    awk -v p="pid=$HOLD_PID," 'index($0, p) {
		sub(/.*:/, "", $3); print $3; exit }')
	[ -n "$_lp" ] || return 0
	ss -Htnp state established "( sport = :$DAEMON_PORT and dport = :$_lp )" |
	    sed -n 's/.*pid=\([0-9]*\),.*/\1/p' | head -n 1
}

_hold_cleanup() {
	[ -n "$HOLD_PID" ] || return 0
	exec 4>&-
	kill "$HOLD_PID" 2>/dev/null
}

# wait_pool N: until exactly N pooled workers wait, each already confined
#	(seccomp filter loaded), 60 s.
wait_pool() {
	_i=0
	while :; do
		_all=$(pooled_pids)
		_n=0
		for _p in $_all; do
			grep -q '^Seccomp:[[:space:]]*2$' "/proc/$_p/status" \
			    2>/dev/null && _n=$((_n + 1))
		done
		[ "$_n" -eq "$1" ] && [ "$(echo $_all | wc -w)" -eq "$1" ] &&
		    break
		_i=$((_i + 1))
		[ $_i -le 600 ] ||
		    fatal "wait_pool: $_n confined pooled workers ($_all), want $1"
		sleep 0.1
	done
}

# key_needles: the raw private host keys and the store key of the test
#	daemon in $OBJ/needle.{sig,kex,store}; sets NEEDLES to the three.
key_needles() {
	need_tool openssl base64
	# The last 32 bytes of the PKCS#8 DER are the private key.
	openssl pkey -in "$OBJ/keys/host_sig_key" -outform DER | tail -c 32 \
	    > "$OBJ/needle.sig" || fatal "cannot extract the signature key"
	openssl pkey -in "$OBJ/keys/host_kex_key" -outform DER | tail -c 32 \
	    > "$OBJ/needle.kex" || fatal "cannot extract the kex key"
	# Store key file: base64("MSSK" || 1 || key[32] || check[4]).
	grep -v '^-----' "$OBJ/keys/host_store_key" | base64 -d |
	    dd bs=1 skip=5 count=32 2>/dev/null > "$OBJ/needle.store"
	[ "$(wc -c < "$OBJ/needle.store")" -eq 32 ] ||
	    fatal "cannot extract the store key"
	NEEDLES="$OBJ/needle.sig $OBJ/needle.kex $OBJ/needle.store"
}

# conn_pids: the worker pid of every connection so far, in order, as the
#	log says it ("connection from ADDR:PORT: worker PID").
conn_pids() {
	sed -n 's/.*: connection from [^ ]*: worker \([0-9][0-9]*\)$/\1/p' \
	    "$OBJ/metasafed.log"
}

# wait_for_workers N: until at least N workers are alive (10 s).
wait_for_workers() {
	_i=0
	while [ "$(worker_pids | wc -l)" -lt "$1" ]; do
		_i=$((_i + 1))
		[ $_i -le 100 ] || fatal "wait_for_workers: fewer than $1 workers"
		sleep 0.1
	done
}

# --- resumption ----------------------------------------------------------------
#
# ticket_off FILE res|ticket|expires: where that field's bytes start in an
#	exported ticket (a ResumptionCache file: "MSTK" 1 u64 expires,
#	string server, string res, string ticket).
# flip_byte FILE OFFSET: flip the low bit of one byte, in place.
# resume_refused REASON: the daemon audited a refused resumption for it.
ticket_off() {
	_sl=$(od -An -tu1 -j13 -N4 "$1" |
	    awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	case $2 in
	expires) echo 5 ;;
	res) echo $((17 + _sl + 4)) ;;
	ticket) echo $((17 + _sl + 4 + 32 + 4)) ;;
	*) fatal "ticket_off: no field $2" ;;
	esac
}

flip_byte() {
	_b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
	[ -n "$_b" ] || fatal "flip_byte: $1 has no byte $2"
	printf "$(printf '\\%03o' $((_b ^ 1)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

resume_refused() {
	wait_log "audit: result=denied peer=[^ ]* op=resume .*reason=\"$1\""
}

# --- rogue worker ------------------------------------------------------------
#
# start_rogue_daemon: start_daemon with WorkerPath = the rogue worker, which
#	plays a compromised worker for "ROGUE ..." connections and execs the
#	real worker for everyone else.
# rogue SCENARIO [ARGS]: run one scenario; its report lines (and nothing
#	after the monitor killed it) end up in $OBJ/rogue.out.
# rogue_has LINE / rogue_lacks LINE: assertions on that report.
# daemon_healthy: the daemon runs and serves a normal client.
ROGUE=$BUILD/regress/progs/rogue-worker
start_rogue_daemon() {
	need_prog "$ROGUE"
	start_daemon "$@"
	sed -i "s|^WorkerPath .*|WorkerPath $ROGUE|" "$OBJ/metasafed_config"
	stop_daemon
	start_daemon
}

rogue() {
	exec 5<>"/dev/tcp/127.0.0.1/$DAEMON_PORT" || fatal "rogue: connect"
	printf 'ROGUE %s\n' "$*" >&5
	timeout 20 cat <&5 > "$OBJ/rogue.out"
	exec 5<&-
	trace "rogue $*: $(tr '\n' '|' < "$OBJ/rogue.out")"
	sleep 0.2	# let the monitor log the kill
}

rogue_has() {
	grep -qx "$1" "$OBJ/rogue.out" ||
	    fail "rogue report lacks '$1': $(tr '\n' '|' < "$OBJ/rogue.out")"
}

rogue_lacks() {
	if grep -qx "$1" "$OBJ/rogue.out"; then
		fail "rogue report has '$1': the monitor allowed it"
	fi
}

log_has() {
	grep -q "$1" "$OBJ/metasafed.log" || fail "daemon log lacks '$1'"
}

# wait_log PATTERN: like log_has, but allow the daemon 5 s to write it (a
# worker's exit is logged when the monitor reaps it).
wait_log() {
	_i=0
	while ! grep -q "$1" "$OBJ/metasafed.log"; do
		_i=$((_i + 1))
		[ $_i -le 50 ] || { fail "daemon log lacks '$1'"; return 1; }
		sleep 0.1
	done
}

daemon_healthy() {
	pid_alive "$DAEMON_PID" || fatal "daemon is dead"
	ms status > /dev/null 2>&1 || fail "daemon no longer serves a normal client"
}

# --- certificates ------------------------------------------------------------
#
# Shared by the cert-*.sh tests, which run every case with certificates made
# by openssl (lib/certs-openssl.sh) and by metasafe-keygen
# (lib/certs-keygen.sh); both builders define the same functions.
#
# certs_use openssl|keygen: load that builder; CB = its name, CERTS =
#	$OBJ/certs-CB (its files), sn N = a serial unique to the builder.
# msc KEY CHAIN ARGS...: the CLI with certificate login (-i KEY
#	-o CertificateFile=CHAIN) against the test daemon (with
#	LD_PRELOAD=$MSC_PRELOAD when that is set).
# cert_data PRINCIPAL...: as admin, write /certdata rec = $CERT_VALUE and
#	give each PRINCIPAL rw there (so a refusal is the certificate's).
# cert_ok WHAT KEY CHAIN PRINCIPAL: the login works as PRINCIPAL, reads the
#	value and writes (then restores) it.
# cert_refused WHAT KEY CHAIN [EXIT]: get and set both end with EXIT
#	(default 3, authentication refused), nothing is printed, the value is
#	unchanged as read by the admin, and the daemon logged the refusal with
#	the leaf's serial and subject CN.
# pem_first IN OUT: the first certificate of a PEM file.
# cert_badsig IN OUT: IN's first certificate with one signature bit flipped.
# cert_serial FILE: the first certificate's serial, upper-case hex;
#	cert_serial_dec FILE: the same in decimal.
# cert_cn FILE: its subject CN.
CERT_VALUE=cert-protected-value-0451

certs_use() {
	need_tool openssl perl date
	CB=$1
	CERTS=$OBJ/certs-$CB
	mkdir -p "$CERTS"
	chmod 700 "$CERTS"
	case "$CB" in
	openssl) CERT_SERIAL_BASE=$((0x1100)) ;;
	keygen) CERT_SERIAL_BASE=$((0x2200)) ;;
	*) fatal "certs_use: unknown builder $CB" ;;
	esac
	[ -f "$SRCDIR/lib/certs-$CB.sh" ] ||
	    fatal "certs_use: $SRCDIR/lib/certs-$CB.sh missing"
	# shellcheck source=/dev/null
	. "$SRCDIR/lib/certs-$CB.sh"
	trace "certs_use: $CB in $CERTS"
}

sn() {
	echo $((CERT_SERIAL_BASE + $1))
}

msc() {
	_mk=$1 _mc=$2
	shift 2
	if [ -n "${MSC_PRELOAD:-}" ]; then
		# A test-only shim in front of libcrypto (cert-keymismatch.sh);
		# ASan would refuse a library loaded before its runtime.
		LD_PRELOAD=$MSC_PRELOAD \
		ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
		"$METASAFE" -p "$DAEMON_PORT" -i "$_mk" -o CertificateFile="$_mc" \
		    -o KnownHostsFile="$OBJ/known_hosts" "$@"
		return
	fi
	"$METASAFE" -p "$DAEMON_PORT" -i "$_mk" -o CertificateFile="$_mc" \
	    -o KnownHostsFile="$OBJ/known_hosts" "$@"
}

pem_first() {
	awk '/-----BEGIN CERTIFICATE-----/ { n++ } n == 1 { print }
	    /-----END CERTIFICATE-----/ && n == 1 { exit }' "$1" > "$2"
	[ -s "$2" ] || fatal "pem_first: no certificate in $1"
}

cert_badsig() {
	# The signature BIT STRING ends the DER: flipping its last byte keeps
	# the encoding valid and the signature wrong.
	openssl x509 -in "$1" -outform DER 2>>"$TEST_LOG" |
	    perl -e 'local $/; my $d = <STDIN>; exit 1 unless length $d;
		substr($d, -1, 1) = chr(ord(substr($d, -1, 1)) ^ 0x01);
		print $d' > "$2.der" || fatal "cert_badsig: $1"
	openssl x509 -inform DER -in "$2.der" -out "$2" 2>>"$TEST_LOG" ||
	    fatal "cert_badsig: openssl cannot re-read the tampered DER"
	openssl x509 -in "$1" -noout -pubkey > "$2.pub1" 2>/dev/null
	openssl x509 -in "$2" -noout -pubkey > "$2.pub2" 2>/dev/null
	cmp -s "$2.pub1" "$2.pub2" || fatal "cert_badsig: tampered more than the signature"
	cmp -s "$1" "$2" && fatal "cert_badsig: nothing changed"
	return 0
}

cert_serial() {
	openssl x509 -in "$1" -noout -serial 2>/dev/null | sed 's/^serial=//' |
	    tr a-f A-F
}

cert_serial_dec() {
	perl -MMath::BigInt -e 'print Math::BigInt->from_hex($ARGV[0]), "\n"' \
	    "$(cert_serial "$1")"
}

cert_cn() {
	openssl x509 -in "$1" -noout -subject -nameopt RFC2253 2>/dev/null |
	    sed -n 's/.*CN=\([^,]*\).*/\1/p'
}

cert_data() {
	printf '%s' "$CERT_VALUE" | ms set /certdata rec ||
	    fatal "cert_data: admin set failed"
	_acl=
	for _p in "$@"; do
		_acl="$_acl $_p=rw"
	done
	# shellcheck disable=SC2086
	ms acl set /certdata $_acl > /dev/null || fatal "cert_data: acl set failed"
}

cert_ok() {
	_what=$1 _k=$2 _c=$3 _p=$4
	msc "$_k" "$_c" status > "$OBJ/cert.out" 2>&1 < /dev/null
	_st=$?
	if [ $_st -ne 0 ]; then
		fail "$_what: status gave exit $_st, want 0: $(tr '\n' ' ' < "$OBJ/cert.out")"
		return 1
	fi
	[ "$(sed -n 's/^principal:[[:space:]]*//p' "$OBJ/cert.out")" = "$_p" ] ||
	    fail "$_what: status does not name principal $_p: $(tr '\n' ' ' < "$OBJ/cert.out")"
	_v=$(msc "$_k" "$_c" get /certdata rec 2>>"$TEST_LOG" < /dev/null)
	[ "$_v" = "$CERT_VALUE" ] || fail "$_what: get read '$_v'"
	printf 'by-%s' "$_p" | msc "$_k" "$_c" set /certdata rec 2>>"$TEST_LOG" ||
	    fail "$_what: set failed"
	[ "$(ms get /certdata rec)" = "by-$_p" ] || fail "$_what: set did not write"
	printf '%s' "$CERT_VALUE" | ms set /certdata rec || fatal "$_what: restore"
	return 0
}

# _serial_re HEX: the ways a log may print the serial (hex with or without
# colons or 0x, or decimal).
_serial_re() {
	_h=$(echo "$1" | tr A-F a-f)
	_colon=$(echo "$_h" | sed 's/\(..\)/\1:/g; s/:$//')
	_dec=$(perl -MMath::BigInt -e 'print Math::BigInt->from_hex($ARGV[0])' "$1")
	echo "(0x)?$_h|$_colon|$_dec"
}

cert_refused() {
	_what=$1 _k=$2 _c=$3 _want=${4:-3}
	_mark=$(wc -l < "$OBJ/metasafed.log")
	msc "$_k" "$_c" get /certdata rec > "$OBJ/cert.out" 2> "$OBJ/cert.err" \
	    < /dev/null
	_st=$?
	[ $_st -eq "$_want" ] ||
	    fail "$_what: get gave exit $_st, want $_want: $(tr '\n' ' ' < "$OBJ/cert.err")"
	[ -s "$OBJ/cert.out" ] &&
	    fail "$_what: the refused get printed: $(head -c 200 "$OBJ/cert.out")"
	grep -q "$CERT_VALUE" "$OBJ/cert.out" "$OBJ/cert.err" &&
	    fail "$_what: the value leaked"
	printf 'overwritten-by-refused-client' |
	    msc "$_k" "$_c" set /certdata rec > "$OBJ/cert.out" 2>&1
	_st=$?
	[ $_st -eq "$_want" ] ||
	    fail "$_what: set gave exit $_st, want $_want: $(tr '\n' ' ' < "$OBJ/cert.out")"
	[ "$(ms get /certdata rec 2>>"$TEST_LOG")" = "$CERT_VALUE" ] ||
	    fail "$_what: the value changed after a refused set"
	[ "$_want" -eq 3 ] || return 0
	# The monitor logs each refusal with the subject, serial and reason.
	_sre=$(_serial_re "$(cert_serial "$_c")")
	_cn=$(cert_cn "$_c")
	_i=0
	while ! tail -n "+$((_mark + 1))" "$OBJ/metasafed.log" |
	    grep -Ei -- "serial[^a-z]*($_sre)([^0-9a-f]|\$)" |
	    grep -Ei 'denied|refus|reject|fail' | grep -qF -- "$_cn"; do
		_i=$((_i + 1))
		if [ $_i -gt 20 ]; then
			fail "$_what: no refusal logged with serial /$_sre/ and CN $_cn"
			tail -n "+$((_mark + 1))" "$OBJ/metasafed.log" |
			    grep -i 'cert\|refus\|auth' | head -n 5 | sed 's/^/	/' >&2
			break
		fi
		sleep 0.1
	done
	return 0
}

# cert_trust CA...: add this builder's CA certificates to $OBJ/user_ca.pem
#	(the daemon's TrustedUserCAFile in the cert tests).
# cert_crl CA...: add their current CRLs to $OBJ/crl.pem (RevocationList).
cert_trust() {
	for _ca in "$@"; do
		cat "$CERTS/$_ca.crt" >> "$OBJ/user_ca.pem" ||
		    fatal "cert_trust: $_ca"
	done
}

cert_crl() {
	for _ca in "$@"; do
		cat "$CERTS/$_ca.crl" >> "$OBJ/crl.pem" || fatal "cert_crl: $_ca"
	done
}

# cert_pick_port: like pick_port, but below the kernel's ephemeral range
#	(32768-60999) and unused in any state: here (gVisor) even a
#	TIME-WAIT client socket on a port makes bind fail with EADDRINUSE
#	despite SO_REUSEADDR, and busy concurrent test runs leave hundreds.
# cert_start_daemon [EXTRA_CONFIG_LINES]: start_daemon on such a port.
# cert_restart [EXTRA_CONFIG_LINES]: stop the daemon and start it with a
#	fresh config (base lines plus these) on a new port, keeping keys,
#	principals and store.
cert_pick_port() {
	pick_port
}

cert_start_daemon() {
	[ -n "$DAEMON_PORT" ] || DAEMON_PORT=$(cert_pick_port)
	start_daemon "$@"
}

cert_restart() {
	stop_daemon
	rm -f "$OBJ/metasafed_config" "$OBJ/known_hosts"
	DAEMON_PORT=
	cert_start_daemon "$@"
}
