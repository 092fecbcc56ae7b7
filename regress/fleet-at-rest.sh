#!/bin/bash
# At rest in etcd: SECURE values written through both hosts appear
# nowhere in clear, neither in an `etcdctl get --prefix` dump nor in the
# members' data directories (WAL, snapshots, bbolt database), and the
# store key is in neither; a plain record's marker IS found in both
# (the search works), and the hosts' StoreDirectory holds no value.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
. "$SRCDIR/lib/fleet.sh"
tid "fleet: no SECURE value in clear anywhere in etcd"
need_tool perl od

etcd_cluster_start
fleet_init
fleet_up A
fleet_up B

hex() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
SECRET=SECRET-$(hex)
PLAIN=PLAIN-$(hex)
# A long SECURE value and short ones, through both hosts, several times
# (every version passes through the WAL).
for h in A B; do
	for i in 1 2 3; do
		printf '%s-%s-%s' "$SECRET" $h $i | msh $h set -s /fleet/rest "s$h$i" ||
		    fail "$h: set -s s$h$i"
	done
	perl -e 'print $ARGV[0] x 200' "$SECRET" | msh $h set -s /fleet/rest "long$h" ||
	    fail "$h: set -s long$h"
	printf '%s' "$SECRET" | msh $h set -s /fleet/rest shared || fail "$h: set -s shared"
done
printf '%s' "$PLAIN" | msh A set /fleet/rest plain || fail "A: set plain"
[ "$(msh B get /fleet/rest sA1)" = "$SECRET-A-1" ] || fail "B cannot read A's SECURE value"

# The dump: keys and values as etcdctl prints them, raw bytes.
etcdctl_t get --prefix "$FLEET_PREFIX" > "$OBJ/dump" || fail "etcdctl get --prefix"
[ "$(grep -c "^${FLEET_PREFIX}records/" "$OBJ/dump")" -ge 9 ] ||
    fail "the dump lacks the records under ${FLEET_PREFIX}records/: $(head -c 300 "$OBJ/dump" | tr -c '[:print:]\n' .)"
grep -aqF "$PLAIN" "$OBJ/dump" || fail "the plain marker is not in the dump: the search is broken"
grep -aqF "$SECRET" "$OBJ/dump" && fail "a SECURE value is in clear in the etcd dump"

# The data directories: etcd writes the WAL at once and its database
# within its commit interval; wait for the plain marker in both.
i=0
until grep -raqF "$PLAIN" "$ETCD_DIR"/m*/member/snap/db 2>/dev/null &&
    grep -raqF "$PLAIN" "$ETCD_DIR"/m*/member/wal 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 200 ] || fatal "the plain marker never reached the members' WAL and database"
	sleep 0.1
done
grep -rlaF "$SECRET" "$ETCD_DIR" > "$OBJ/found" &&
    fail "a SECURE value is in clear in: $(tr '\n' ' ' < "$OBJ/found")"

# The store key: not as raw bytes, hex or base64, in the dump or on disk.
fleet_store_key_bytes "$OBJ/fleet_store_key" > "$OBJ/store.key"
[ "$(wc -c < "$OBJ/store.key")" -eq 32 ] || fatal "cannot extract the store key"
mapfile -t etcd_files < <(find "$ETCD_DIR" -type f)
[ "${#etcd_files[@]}" -gt 3 ] || fatal "no files in the members' data directories"
perl -e '
	local $/;
	open(my $k, "<", shift) or die; my $key = <$k>;
	my @n = ($key, unpack("H*", $key), uc(unpack("H*", $key)));
	use MIME::Base64; push @n, substr(encode_base64($key, ""), 0, 40);
	my $bad = 0;
	for my $f (@ARGV) {
		open(my $h, "<", $f) or next; my $d = <$h>;
		for my $x (@n) { if (index($d, $x) >= 0) { print "$f\n"; $bad = 1 } }
	}
	exit $bad;' "$OBJ/store.key" "$OBJ/dump" "${etcd_files[@]}" \
	    > "$OBJ/keyfound" ||
    fail "the store key is in etcd: $(sort -u "$OBJ/keyfound" | tr '\n' ' ')"

# StoreDirectory holds only the instance lock: no value there either.
for h in A B; do
	grep -rlaF -e "$SECRET" -e "$PLAIN" "$(fleet_dir $h)/store" > "$OBJ/local" &&
	    fail "$h: a value is in its StoreDirectory: $(tr '\n' ' ' < "$OBJ/local")"
done
exit 0
