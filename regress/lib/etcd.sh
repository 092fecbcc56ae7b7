# etcd.sh — a three-member etcd cluster on loopback for the regress tests.
#
# Sourced after test-exec.sh.  etcd_cluster_start starts members m1..m3
# on free ports with data directories under $OBJ/etcd, waits until the
# cluster has a leader and answers a linearizable read, and registers
# their stop with add_cleanup.  Members are addressed by number:
#
#   ETCD_ENDPOINTS		client URLs of all members, comma-separated
#   etcd_pid N			the PID of member N
#   etcd_stop N / etcd_start N	kill member N by PID / start it again
#   etcd_pause / etcd_resume	SIGSTOP / SIGCONT every member
#   etcdctl_t ARGS...		etcdctl against the cluster, v3 API
#   etcd_wait_healthy		until a quorum answers (bounded)
#   etcd_use_tls CA CERT KEY	before etcd_cluster_start: client URLs are
#				https with this server certificate, and
#				clients must present one signed by CA;
#				etcdctl_t presents CERT/KEY itself

ETCD_DIR=$OBJ/etcd
ETCD_N=3
ETCD_SCHEME=http
ETCD_TLS_SERVER=
ETCD_TLS_CLIENT=

etcd_use_tls() {
	ETCD_SCHEME=https
	ETCD_TLS_SERVER="--client-cert-auth --trusted-ca-file $1 --cert-file $2 --key-file $3"
	ETCD_TLS_CLIENT="--cacert $1 --cert $2 --key $3"
}

_etcd_member_start() {
	_m=$1
	# shellcheck disable=SC2086
	eval "_cp=\$ETCD_CPORT_$_m _pp=\$ETCD_PPORT_$_m"
	mkdir -p "$ETCD_DIR/m$_m"
	chmod 700 "$ETCD_DIR/m$_m"
	# In a subshell, so the shell does not report the member's death.
	# ETCD_TLS_SERVER is several words (no spaces in $OBJ paths).
	# shellcheck disable=SC2086
	(ETCD_UNSUPPORTED_ARCH= exec etcd --name "m$_m" \
	    --data-dir "$ETCD_DIR/m$_m" \
	    --listen-client-urls "$ETCD_SCHEME://127.0.0.1:$_cp" \
	    --advertise-client-urls "$ETCD_SCHEME://127.0.0.1:$_cp" \
	    $ETCD_TLS_SERVER \
	    --listen-peer-urls "http://127.0.0.1:$_pp" \
	    --initial-advertise-peer-urls "http://127.0.0.1:$_pp" \
	    --initial-cluster "$ETCD_INITIAL" \
	    --initial-cluster-state new \
	    --initial-cluster-token "metasafe-regress-$$" \
	    --heartbeat-interval 50 --election-timeout 500 \
	    --log-level error --logger zap \
	    >>"$ETCD_DIR/m$_m.log" 2>&1 &
	echo $! >"$ETCD_DIR/m$_m.pid")
}

etcd_pid() {
	cat "$ETCD_DIR/m$1.pid"
}

etcdctl_t() {
	# shellcheck disable=SC2086
	ETCDCTL_API=3 etcdctl --endpoints "$ETCD_ENDPOINTS" \
	    --command-timeout 5s $ETCD_TLS_CLIENT "$@"
}

# Until a linearizable read through any member succeeds: 60 s at most.
etcd_wait_healthy() {
	_i=0
	until etcdctl_t get --consistency=l metasafe-regress-probe \
	    >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -le 300 ] || fatal "etcd cluster did not become healthy: \
$(tail -n 5 "$ETCD_DIR"/m*.log)"
		sleep 0.2
	done
}

etcd_cluster_start() {
	need_tool etcd etcdctl
	mkdir -p "$ETCD_DIR"
	ETCD_INITIAL= ETCD_ENDPOINTS=
	for _m in 1 2 3; do
		_cp=$(pick_port)
		_pp=$(pick_port)
		eval "ETCD_CPORT_$_m=$_cp ETCD_PPORT_$_m=$_pp"
		ETCD_INITIAL="${ETCD_INITIAL:+$ETCD_INITIAL,}m$_m=http://127.0.0.1:$_pp"
		ETCD_ENDPOINTS="${ETCD_ENDPOINTS:+$ETCD_ENDPOINTS,}$ETCD_SCHEME://127.0.0.1:$_cp"
	done
	for _m in 1 2 3; do
		_etcd_member_start "$_m"
		add_cleanup "etcd_stop $_m"
	done
	etcd_wait_healthy
}

etcd_stop() {
	_p=$(etcd_pid "$1" 2>/dev/null) || return 0
	kill -CONT "$_p" 2>/dev/null
	kill -KILL "$_p" 2>/dev/null
	while pid_alive "$_p"; do sleep 0.05; done
	rm -f "$ETCD_DIR/m$1.pid"
}

# A restarted member finds its data directory and rejoins: the
# --initial-cluster flags are ignored then.
etcd_start() {
	_etcd_member_start "$1"
}

etcd_pause() {
	for _m in 1 2 3; do kill -STOP "$(etcd_pid $_m)"; done
}

etcd_resume() {
	for _m in 1 2 3; do kill -CONT "$(etcd_pid $_m)"; done
}
