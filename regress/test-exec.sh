#!/bin/sh
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
#   start_daemon / stop_daemon	see below
#
# A test that cannot do what it is meant to (missing program, tool,
# permission) must fail, never skip silently: use need_prog / fatal.
# Sanitizer reports from any program the test runs are written to
# $OBJ/sanitizer.* and make the test fail.

SRCDIR=$(cd "$(dirname "$0")" && pwd)
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
		    fatal "required tool $_p not found (see regress/deps.sh)"
	done
}

file_mode() {
	stat -c '%a' "$1"
}

checksum() {
	sha256sum "$@" | cut -d' ' -f1
}

# pick_port: a TCP port nothing listens on at 127.0.0.1.  Racy by nature
# (someone may bind it before us); start_daemon waits and checks.
pick_port() {
	need_tool ss od
	_i=0
	while [ $_i -lt 100 ]; do
		_r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		_p=$((20000 + _r % 40000))
		if [ -z "$(ss -Htln "sport = :$_p" 2>/dev/null)" ]; then
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

# --- daemon ------------------------------------------------------------------
#
# start_daemon [EXTRA_CONFIG_LINES]
#	Creates host keys in $OBJ/keys (metasafe-keygen -A), an admin key
#	$OBJ/admin_key, principals file, empty chroot and store directory,
#	writes $OBJ/metasafed_config unless the test already wrote one (extra
#	lines are appended), starts "$METASAFED -D -f $OBJ/metasafed_config"
#	in the background with output in $OBJ/metasafed.log, records
#	DAEMON_PID and DAEMON_PORT, and waits until the port listens.
#	Fatal if the daemon exits or does not listen within 10 s.
# stop_daemon
#	SIGTERM to DAEMON_PID only (never by name), waits up to 10 s, then
#	SIGKILL.  Safe to call when no daemon runs.  Run at exit anyway.
start_daemon() {
	need_prog "$METASAFED" "$WORKER" "$METASAFE_KEYGEN"
	[ -z "$DAEMON_PID" ] || fatal "start_daemon: daemon already running"
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
LoginGraceTime 10
LogLevel DEBUG1
CONF
	fi
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" >> "$OBJ/metasafed_config"
	fi
	trace "start_daemon: port $DAEMON_PORT"
	"$METASAFED" -D -f "$OBJ/metasafed_config" >> "$OBJ/metasafed.log" 2>&1 &
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

stop_daemon() {
	[ -n "$DAEMON_PID" ] || return 0
	_pid=$DAEMON_PID
	DAEMON_PID=
	kill -TERM "$_pid" 2>/dev/null || { wait "$_pid" 2>/dev/null; return 0; }
	_i=0
	while pid_alive "$_pid"; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ]; then
			fail "stop_daemon: pid $_pid ignored SIGTERM; killing"
			kill -KILL "$_pid" 2>/dev/null
			break
		fi
		sleep 0.1
	done
	wait "$_pid" 2>/dev/null
	return 0
}

# --- clients -----------------------------------------------------------------
#
# ms [-k KEYFILE] ARGS...: run the metasafe CLI against the test daemon as
#	the admin (or as KEYFILE's principal).  Exit status is the CLI's.
# add_principal NAME [GROUPS]: generate $OBJ/NAME_key and register it in
#	$OBJ/principals (before start_daemon, or follow with reload_daemon).
# reload_daemon: SIGHUP to DAEMON_PID, then wait until the log says so.
# worker_pids: pids of the daemon's live workers (children of DAEMON_PID).
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

worker_pids() {
	for _s in /proc/[0-9]*/stat; do
		_pp=$(sed 's/.*) //' "$_s" 2>/dev/null | cut -d' ' -f2)
		[ "$_pp" = "$DAEMON_PID" ] || continue
		_p=${_s#/proc/}
		echo "${_p%/stat}"
	done
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

daemon_healthy() {
	pid_alive "$DAEMON_PID" || fatal "daemon is dead"
	ms status > /dev/null 2>&1 || fail "daemon no longer serves a normal client"
}
