#!/bin/bash
# A listener that cannot be bound stops the start in daemon mode: exit 3,
# the address on stderr, nothing left running, no PidFile; the same with -D.
. "$(dirname "$0")/test-exec.sh"
tid "start-up: bind failure on stderr, exit 3, nothing running"

need_tool perl
daemon_setup
cfg=$OBJ/metasafed_config

# An address this host does not have.
sed -i 's/^ListenAddress .*/ListenAddress 192.0.2.1/' "$cfg"
start_fails 3 'ListenAddress 192\.0\.2\.1 port [0-9]+: cannot listen' "$cfg"
[ -e "$OBJ/metasafed.pid" ] && fail "PidFile left behind after a failed start"
start_fails 3 'ListenAddress 192\.0\.2\.1' "$cfg" -D
start_fails 3 'ListenAddress 192\.0\.2\.1' "$cfg" -D -e

# A port another program already listens on.
sed -i 's/^ListenAddress .*/ListenAddress 127.0.0.1/' "$cfg"
perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1",
	    LocalPort => $ARGV[0], Listen => 5, ReuseAddr => 1) or die "$!";
	print "ok\n"; STDOUT->flush; sleep 60' "$DAEMON_PORT" > "$OBJ/squat.out" &
squat=$!
add_cleanup "kill $squat 2>/dev/null"
i=0
until grep -q ok "$OBJ/squat.out"; do
	i=$((i + 1)); [ $i -le 100 ] || fatal "port squatter did not start"; sleep 0.1
done
start_fails 3 "ListenAddress 127\.0\.0\.1 port $DAEMON_PORT: cannot listen: Address already in use" "$cfg"
[ -e "$OBJ/metasafed.pid" ] && fail "PidFile left behind after a failed start"
kill "$squat"
