#!/bin/bash
# metasafed_config(5) documents exactly the keywords the parser accepts.
#
# The parser's keywords come from two places that must agree:
#  1. the keyword table in monitor/servconf.c, declared as
#	static const struct { ... } keywords[] = {
#		{ "Name", KW_NAME },
#		...
#	};
#     (one entry per line, the keyword the first string of the entry);
#     every enumerator of "enum conf_kw" must appear in that table, so an
#     entry cannot be lost without the test noticing;
#  2. the parser itself: each name is fed to metasafed in a config file
#     ("Name __probe__") and must not be answered with "unknown keyword";
#     a made-up keyword must be.  This also proves the table extraction
#     found real keywords.
# And metasafed -T prints one "keyword value" line per keyword of the
# effective configuration; every keyword it prints must be in the table.
#
# The page's keywords are the ".It Cm Name" items of the first-level list
# in its DESCRIPTION section.  Every parser keyword must be one of them,
# spelt the same way, and every one of them must be accepted by the
# parser (no stale keywords).  Each entry must also say what its default
# is (or that it is required) and whether SIGHUP applies it or a restart
# is needed.
. "$(dirname "$0")/test-exec.sh"
tid "metasafed_config(5) lists every config keyword"

need_tool awk sed sort grep tr
need_prog "$METASAFED" "$METASAFE_KEYGEN"

SERVCONF=$TOP/monitor/servconf.c
PAGE=$TOP/man/metasafed_config.5
[ -f "$SERVCONF" ] || fatal "$SERVCONF not found"
[ -f "$PAGE" ] || fatal "$PAGE not found"

# --- 1. the keyword table -------------------------------------------------
awk '
	/keywords\[\][ \t]*=[ \t]*\{/ { intab = 1; found = 1; next }
	intab && /^[ \t]*\};/ { intab = 0; exit }
	intab && /^[ \t]*\{[ \t]*"/ {
		s = $0
		sub(/^[ \t]*\{[ \t]*"/, "", s)
		sub(/".*/, "", s)
		print s
	}
	END { if (!found) exit 1 }
' "$SERVCONF" | sort > "$OBJ/table.kw" ||
    fatal "no keywords[] table found in $SERVCONF"
ntab=$(wc -l < "$OBJ/table.kw")
[ "$ntab" -ge 20 ] ||
    fatal "only $ntab keywords extracted from $SERVCONF; table format changed?"
trace "table: $ntab keywords"

# Every enumerator of enum conf_kw is named by some table entry.
awk '
	/enum[ \t]+conf_kw[ \t]*\{/ { inenum = 1; found = 1 }
	inenum {
		s = $0
		sub(/.*\{/, "", s)
		n = split(s, parts, /[ \t,}]+/)
		for (i = 1; i <= n; i++)
			if (parts[i] ~ /^KW_[A-Z0-9_]+$/)
				print parts[i]
	}
	inenum && /\};/ { exit }
	END { if (!found) exit 1 }
' "$SERVCONF" | sort -u > "$OBJ/enum.kw" ||
    fatal "no enum conf_kw found in $SERVCONF"
[ -s "$OBJ/enum.kw" ] || fatal "no KW_ enumerators found in $SERVCONF"
while read -r e; do
	grep -Eq "^[[:space:]]*\{[[:space:]]*\"[A-Za-z]+\",[[:space:]]*$e[[:space:]]*[,}]" \
	    "$SERVCONF" || fail "enumerator $e has no entry in the keyword table"
done < "$OBJ/enum.kw"

# --- 2. the parser --------------------------------------------------------
# accepted KEYWORD: true unless the parser calls KEYWORD unknown.
accepted() {
	printf '%s __probe__\n' "$1" > "$OBJ/probe_config"
	"$METASAFED" -T -f "$OBJ/probe_config" > "$OBJ/probe.out" 2>&1
	! grep -qi 'unknown keyword' "$OBJ/probe.out"
}
accepted NoSuchKeywordForTheManTest &&
    fatal "metasafed accepts a made-up keyword; the probe cannot work: $(cat "$OBJ/probe.out")"
while read -r k; do
	accepted "$k" ||
	    fail "table keyword $k is refused by the parser: $(cat "$OBJ/probe.out")"
done < "$OBJ/table.kw"

# -T on a minimal working configuration.
mkdir -p "$OBJ/keys" "$OBJ/store" "$OBJ/empty"
chmod 0700 "$OBJ/keys" "$OBJ/store"
"$METASAFE_KEYGEN" -q -A -d "$OBJ/keys" >> "$TEST_LOG" 2>&1 ||
    fatal "host key generation failed"
: > "$OBJ/principals"
chmod 0644 "$OBJ/principals"
cat > "$OBJ/metasafed_config" <<CONF
HostKey $OBJ/keys/host_sig_key
HostKexKey $OBJ/keys/host_kex_key
StoreKey $OBJ/keys/host_store_key
StoreDirectory $OBJ/store
AuthorizedPrincipalsFile $OBJ/principals
PrivsepChroot $OBJ/empty
PidFile $OBJ/metasafed.pid
WorkerPath $WORKER
CONF
"$METASAFED" -T -f "$OBJ/metasafed_config" > "$OBJ/dump" 2> "$OBJ/dump.err" ||
    fatal "metasafed -T failed: $(cat "$OBJ/dump.err")"
awk '{ print tolower($1) }' "$OBJ/dump" | sort -u > "$OBJ/dump.kw"
[ -s "$OBJ/dump.kw" ] || fatal "metasafed -T printed nothing"
tr '[:upper:]' '[:lower:]' < "$OBJ/table.kw" | sort -u > "$OBJ/table.lc"
while read -r k; do
	grep -qx "$k" "$OBJ/table.lc" ||
	    fail "metasafed -T prints \"$k\", which is not in the keyword table"
done < "$OBJ/dump.kw"

# --- 3. the page ----------------------------------------------------------
# Prints "kw NAME" for each keyword item, and "bad NAME WHAT" when its
# entry lacks a default or the reload behaviour.
awk '
	function finish() {
		if (cur == "")
			return
		if (text !~ /[Dd]efault/ && text !~ /required/)
			print "bad", cur, "no-default"
		if (text !~ /SIGHUP/ && text !~ /restart/)
			print "bad", cur, "no-reload-statement"
		cur = ""
	}
	/^\.Sh/ { finish(); insec = ($0 == ".Sh DESCRIPTION"); depth = 0; next }
	!insec { next }
	/^\.Bl/ { depth++; next }
	/^\.El/ { if (depth == 1) finish(); depth--; next }
	depth == 1 && /^\.It[ \t]+Cm[ \t]+/ {
		finish()
		cur = $3
		text = ""
		print "kw", cur
		next
	}
	depth == 1 && /^\.It/ { finish(); next }
	cur != "" { text = text " " $0 }
	END { finish() }
' "$PAGE" > "$OBJ/page.out"
sed -n 's/^kw //p' "$OBJ/page.out" | sort > "$OBJ/page.kw"
npage=$(wc -l < "$OBJ/page.kw")
[ "$npage" -ge 20 ] || fail "only $npage keyword entries found in $PAGE"
dups=$(uniq -d "$OBJ/page.kw")
[ -z "$dups" ] || fail "keywords listed twice in the page: $dups"

while read -r k; do
	grep -qx "$k" "$OBJ/page.kw" ||
	    fail "keyword $k is not documented in metasafed_config.5 (.It Cm $k)"
done < "$OBJ/table.kw"
while read -r k; do
	grep -qx "$k" "$OBJ/table.kw" ||
	    fail "metasafed_config.5 documents $k, which is not in the keyword table"
	accepted "$k" ||
	    fail "metasafed_config.5 documents $k, which the parser refuses: $(cat "$OBJ/probe.out")"
done < "$OBJ/page.kw"
grep '^bad ' "$OBJ/page.out" > "$OBJ/page.bad"
while read -r _ k what; do
	fail "metasafed_config.5: entry $k: $what"
done < "$OBJ/page.bad"
trace "page: $npage keywords, table: $ntab"
