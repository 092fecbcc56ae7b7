#!/bin/sh
# make run: a throwaway key set and config under $BUILD/demo, then the daemon
# in the foreground on 127.0.0.1.  Safe to run again: existing keys are kept.
set -eu
BUILD=${BUILD:-$(pwd)/build}
DEMO=$BUILD/demo
PORT=${PORT:-7439}
KEYGEN=$BUILD/metasafe-keygen

if [ "$(id -u)" != 0 ]; then
	echo "make run: metasafed must start as root (privilege separation" \
	    "needs chroot and setuid); try: sudo make run" >&2
	exit 1
fi
# StrictModes (on here too): nothing the daemon reads may be writable by
# others, whatever the caller's umask.
umask 022
mkdir -p "$DEMO/keys" "$DEMO/empty"
chmod go-w "$DEMO"
chmod 0700 "$DEMO/keys"
chmod 0755 "$DEMO/empty"
"$KEYGEN" -q -A -d "$DEMO/keys" >/dev/null
[ -f "$DEMO/admin_key" ] ||
	"$KEYGEN" -q -t ed25519 -N '' -C demo-admin -f "$DEMO/admin_key"
printf 'admin %s\n' "$(cat "$DEMO/admin_key.pub")" > "$DEMO/principals"
printf '[127.0.0.1]:%s %s\n' "$PORT" \
    "$(cut -d' ' -f1,2 "$DEMO/keys/host_sig_key.pub")" > "$DEMO/known_hosts"
cat > "$DEMO/metasafed_config" <<CONF
# Demo configuration written by 'make run'.
ListenAddress 127.0.0.1
Port $PORT
HostKey $DEMO/keys/host_sig_key
HostKexKey $DEMO/keys/host_kex_key
StoreKey $DEMO/keys/host_store_key
StoreDirectory $DEMO/store
AuthorizedPrincipalsFile $DEMO/principals
AdminPrincipals admin
PrivsepChroot $DEMO/empty
PidFile $DEMO/metasafed.pid
WorkerPath $BUILD/metasafe-worker
PrivsepUser nobody
LoginGraceTime 30
CONF

C="$BUILD/metasafe -p $PORT -i $DEMO/admin_key -o KnownHostsFile=$DEMO/known_hosts"
cat <<MSG
metasafe demo: daemon on 127.0.0.1 port $PORT, state in $DEMO
Paste into a second terminal:

  printf 'hunter2' | $C set -s /demo/db password
  $C get /demo/db password; echo
  printf 'db.internal:5432' | $C set /demo/db host
  $C ls /demo/db
  $C acl get /demo
  $C status

Stop the daemon with Ctrl-C.
MSG
exec "$BUILD/metasafed" -D -e -f "$DEMO/metasafed_config"
