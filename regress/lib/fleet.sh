# fleet.sh — several metasafed "hosts" on one etcd cluster, for the
# regress tests of the etcd backend (fleet-*.sh).
#
# Sourced after test-exec.sh and lib/etcd.sh.  Every host has its own
# host keys, port, StoreDirectory, PidFile and log, and all share one
# store key: the first host's host_store_key is copied to the others as
# an operator distributes it (README, "Running a fleet": the copy first,
# then metasafe-keygen -A for the host's own keys), and each host's key
# check value is checked against the first's.  They share the principals
# file (and so the admin key) and one known_hosts file that pins every
# host's key.
#
#   fleet_init			make the admin key and principals; set
#				FLEET_PREFIX (an EtcdPrefix unique to this
#				test run)
#   fleet_host NAME [LINES...]	prepare host NAME ($OBJ/host-NAME): keys,
#				directories, config (LINES appended; a
#				later keyword line overrides an earlier
#				one, so "EtcdTimeout 2s" works); no start
#   fleet_start NAME		start it in the foreground (-D -e), log in
#				$OBJ/host-NAME/metasafed.log; wait (30 s)
#				until it listens; stopped at exit
#   fleet_stop NAME		SIGTERM by PID, wait, SIGKILL after 10 s
#   fleet_up NAME [LINES...]	fleet_host and fleet_start
#   fleet_port NAME / fleet_pid NAME / fleet_dir NAME / fleet_log NAME
#   msh NAME [-k KEY] ARGS...	the CLI against host NAME (admin unless
#				-k); exit status is the CLI's
#   fleet_wait_log NAME PATTERN	until host NAME's log matches (10 s)
#   now_ms			monotonic-enough wall clock in milliseconds
#   etcd_leader			the number of the member that leads
#   etcd_member_endpoint N	the client URL of member N
#   fleet_store_key_bytes FILE	the raw 32-byte store key of FILE (stdout)

FLEET_PREFIX=
FLEET_HOSTS=
FLEET_KCV=

fleet_init() {
	need_prog "$METASAFED" "$WORKER" "$METASAFE_KEYGEN" "$METASAFE"
	_strict_dirs_check
	make_admin_key
	[ -f "$OBJ/principals" ] ||
	    printf 'admin %s\n' "$(cat "$OBJ/admin_key.pub")" > "$OBJ/principals"
	: >> "$OBJ/known_hosts"
	mkdir -p "$OBJ/empty"
	chmod 0755 "$OBJ/empty"
	# Printable, no spaces, starts and ends with '/': one per test run,
	# so tests sharing a cluster (or a rerun) never see each other's data.
	FLEET_PREFIX="/metasafe-regress/$TEST_NAME-$$-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')/"
}

fleet_dir() { echo "$OBJ/host-$1"; }
fleet_log() { echo "$OBJ/host-$1/metasafed.log"; }
fleet_port() { eval "echo \$FLEET_PORT_$1"; }
fleet_pid() { eval "echo \$FLEET_PID_$1"; }

fleet_host() {
	_n=$1
	shift
	_d=$(fleet_dir "$_n")
	mkdir -p "$_d/keys" "$_d/store"
	chmod 0700 "$_d" "$_d/keys" "$_d/store"
	# The first host's store key is the fleet's.  The others get a copy
	# before metasafe-keygen -A, which makes only the missing keys, as
	# the README's "Running a fleet" tells an operator to do.
	if [ -n "$FLEET_HOSTS" ]; then
		install -m 0600 "$OBJ/fleet_store_key" "$_d/keys/host_store_key" ||
		    fatal "fleet_host $_n: cannot copy the store key"
	fi
	"$METASAFE_KEYGEN" -q -A -d "$_d/keys" >> "$TEST_LOG" 2>&1 ||
	    fatal "fleet_host $_n: host key generation failed"
	if [ -z "$FLEET_HOSTS" ]; then
		install -m 0600 "$_d/keys/host_store_key" "$OBJ/fleet_store_key" ||
		    fatal "fleet_host $_n: cannot keep the store key"
		FLEET_KCV=$("$METASAFE_KEYGEN" -l -f "$OBJ/fleet_store_key" |
		    cut -d' ' -f2)
	fi
	_kcv=$("$METASAFE_KEYGEN" -l -f "$_d/keys/host_store_key" | cut -d' ' -f2)
	[ -n "$_kcv" ] || fatal "fleet_host $_n: no store key check value"
	[ "$_kcv" = "$FLEET_KCV" ] ||
	    fatal "fleet_host $_n: store key check value $_kcv, the fleet's is $FLEET_KCV"
	FLEET_HOSTS="$FLEET_HOSTS $_n"
	_p=$(pick_port)
	[ -n "$_p" ] || fatal "fleet_host $_n: no port"
	eval "FLEET_PORT_$_n=$_p"
	printf '[127.0.0.1]:%s %s\n' "$_p" \
	    "$(cut -d' ' -f1,2 "$_d/keys/host_sig_key.pub")" >> "$OBJ/known_hosts"
	cat > "$_d/metasafed_config" <<CONF
ListenAddress 127.0.0.1
Port $_p
HostKey $_d/keys/host_sig_key
HostKexKey $_d/keys/host_kex_key
StoreKey $_d/keys/host_store_key
StoreDirectory $_d/store
StoreBackend etcd
EtcdEndpoints $ETCD_ENDPOINTS
EtcdPrefix $FLEET_PREFIX
AuthorizedPrincipalsFile $OBJ/principals
AdminPrincipals admin
PrivsepChroot $OBJ/empty
PidFile $_d/metasafed.pid
WorkerPath $WORKER
PrivsepUser nobody
LoginGraceTime 10
LogLevel DEBUG1
CONF
	# A keyword given again replaces the line above: the daemon may take
	# the first of two, as sshd does.
	for _l in "$@"; do
		_kw=${_l%% *}
		sed -i "/^$_kw /d" "$_d/metasafed_config"
		printf '%s\n' "$_l" >> "$_d/metasafed_config"
	done
	trace "fleet_host $_n: port $_p, config $_d/metasafed_config"
}

fleet_start() {
	_n=$1
	_d=$(fleet_dir "$_n")
	_p=$(fleet_port "$_n")
	[ -z "$(fleet_pid "$_n")" ] || fatal "fleet_start $_n: already running"
	"$METASAFED" -D -e -f "$_d/metasafed_config" >> "$_d/metasafed.log" 2>&1 &
	_pid=$!
	eval "FLEET_PID_$_n=$_pid"
	add_cleanup "fleet_stop $_n"
	_i=0
	while ! port_listening "$_p"; do
		if ! pid_alive "$_pid"; then
			wait "$_pid" 2>/dev/null
			_st=$?
			eval "FLEET_PID_$_n="
			sed 's/^/	/' "$_d/metasafed.log" >&2
			fatal "fleet_start $_n: metasafed exited (status $_st)"
		fi
		_i=$((_i + 1))
		[ $_i -le 300 ] ||
		    fatal "fleet_start $_n: port $_p not listening after 30 s"
		sleep 0.1
	done
	trace "fleet_start $_n: pid $_pid listening on $_p"
}

fleet_up() {
	fleet_host "$@"
	fleet_start "$1"
}

fleet_stop() {
	_pid=$(fleet_pid "$1")
	[ -n "$_pid" ] || return 0
	eval "FLEET_PID_$1="
	stop_pid "fleet_stop $1" "$_pid"
}

msh() {
	_h=$1
	shift
	_key=$OBJ/admin_key
	if [ "${1:-}" = "-k" ]; then
		_key=$2
		shift 2
	fi
	"$METASAFE" -p "$(fleet_port "$_h")" -i "$_key" \
	    -o KnownHostsFile="$OBJ/known_hosts" "$@"
}

fleet_wait_log() {
	_i=0
	while ! grep -q -- "$2" "$(fleet_log "$1")" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -le 100 ] ||
		    { fail "host $1's log lacks '$2'"; return 1; }
		sleep 0.1
	done
}

now_ms() {
	date +%s%3N
}

etcd_member_endpoint() {
	eval "echo $ETCD_SCHEME://127.0.0.1:\$ETCD_CPORT_$1"
}

# The member whose own status says it leads (etcd_wait_healthy first).
etcd_leader() {
	for _m in 1 2 3; do
		[ -f "$ETCD_DIR/m$_m.pid" ] || continue
		# shellcheck disable=SC2086
		ETCDCTL_API=3 etcdctl --endpoints "$(etcd_member_endpoint $_m)" \
		    --command-timeout 5s $ETCD_TLS_CLIENT endpoint status -w fields \
		    > "$ETCD_DIR/status.$_m" 2>/dev/null || continue
		_id=$(sed -n 's/^"MemberID" : //p' "$ETCD_DIR/status.$_m")
		_ld=$(sed -n 's/^"Leader" : //p' "$ETCD_DIR/status.$_m")
		if [ -n "$_id" ] && [ "$_id" = "$_ld" ]; then
			echo "$_m"
			return 0
		fi
	done
	return 1
}

# Store key file: base64("MSSK" || 1 || key[32] || check[4]).
fleet_store_key_bytes() {
	grep -v '^-----' "$1" | base64 -d | dd bs=1 skip=5 count=32 2>/dev/null
}
