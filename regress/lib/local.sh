# lib/local.sh — the set-up the local-*.sh tests share: a unix: listener in
# a directory every user can reach, a group that may connect to it, and
# test users made here with useradd and removed at exit.  Sourced after
# test-exec.sh.
#
#   local_need_root		fatal (a failure, never a skip) unless root
#   local_dirs			LDIR (0755, root's), SOCK, KH (known_hosts
#				for the socket, readable by everyone)
#   local_group			LGROUP, a fresh group (removed at exit)
#   local_user VAR [GROUP]	a fresh user, optionally in GROUP; its
#				name in $VAR, its uid in ${VAR}_UID
#   local_pin [PATH]		pin the test daemon's host key for
#				[unix:PATH] (default SOCK) in KH
#   as USER CMD...		run CMD as USER (runuser), HOME in LDIR
#   lms USER ARGS...		the CLI as USER on SOCK, no -i
UNIX_PEER=$BUILD/regress/progs/unix-peer

local_need_root() {
	[ "$(id -u)" = 0 ] ||
	    fatal "needs root (useradd, a second uid): run as root"
	need_tool useradd userdel groupadd groupdel runuser stat
	need_prog "$UNIX_PEER"
}

local_dirs() {
	LDIR=$(mktemp -d /tmp/ms-local.XXXXXX) || fatal "mktemp"
	add_cleanup "rm -rf '$LDIR'"
	chmod 0755 "$LDIR"
	SOCK=$LDIR/metasafed.sock
	KH=$LDIR/known_hosts
	: > "$KH"
	chmod 0644 "$KH"
}

# Short names: useradd takes at most 32 bytes.
_local_tag=$(printf '%04x' $(( $$ % 65536 )))
local_group() {
	LGROUP=msg$_local_tag
	groupadd "$LGROUP" || fatal "groupadd $LGROUP"
	add_cleanup "groupdel '$LGROUP'"
}

_local_n=0
local_user() {
	_local_n=$((_local_n + 1))
	_u=msu$_local_tag$_local_n
	useradd -M -N -d "$LDIR" -s /bin/sh ${2:+-G "$2"} "$_u" ||
	    fatal "useradd $_u"
	add_cleanup "userdel '$_u'"
	eval "$1=\$_u; ${1}_UID=\$(id -u \$_u)"
}

local_pin() {
	printf '[unix:%s] %s\n' "${1:-$SOCK}" \
	    "$(cut -d' ' -f1,2 "$OBJ/keys/host_sig_key.pub")" >> "$KH"
}

as() {
	_who=$1
	shift
	runuser -u "$_who" -- env HOME="$LDIR" "$@"
}

lms() {
	_who=$1
	shift
	as "$_who" "$METASAFE" -H "unix:$SOCK" -o KnownHostsFile="$KH" "$@"
}
