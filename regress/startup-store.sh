#!/bin/bash
# A StoreDirectory that cannot be opened stops the start before detaching:
# exit 5 and a message naming the directory and the reason.
. "$(dirname "$0")/test-exec.sh"
tid "start-up: store open failure on stderr, exit 5, nothing running"

daemon_setup
cfg=$OBJ/metasafed_config

# Not a directory.
: > "$OBJ/notadir"
conf_set "$cfg" StoreDirectory "$OBJ/notadir"
start_fails 5 "StoreDirectory $OBJ/notadir: .*[Nn]ot a directory" "$cfg"
start_fails 5 "StoreDirectory $OBJ/notadir" "$cfg" -D

# Group-writable: the store refuses it, and says why.
mkdir -p "$OBJ/gwstore"
chmod 0770 "$OBJ/gwstore"
conf_set "$cfg" StoreDirectory "$OBJ/gwstore"
start_fails 5 "StoreDirectory $OBJ/gwstore: bad ownership or modes" "$cfg"
[ -e "$OBJ/gwstore/data.mdb" ] && fail "a store was created in the refused directory"
[ -e "$OBJ/metasafed.pid" ] && fail "PidFile left behind after a failed start"

# A data file that is not LMDB.
mkdir -p "$OBJ/junkstore"
chmod 0700 "$OBJ/junkstore"
head -c 65536 /dev/urandom > "$OBJ/junkstore/data.mdb"
chmod 0600 "$OBJ/junkstore/data.mdb"
conf_set "$cfg" StoreDirectory "$OBJ/junkstore"
start_fails 5 "StoreDirectory $OBJ/junkstore: " "$cfg"
