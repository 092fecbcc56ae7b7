#!/bin/bash
# The defaults in metasafed_config(5) are the daemon's defaults.
#
# Each keyword entry of the page (".It Cm Keyword" in the first-level
# list of DESCRIPTION) must say "The default is VALUE".  The value is
# compared with what `metasafed -T` prints for that keyword when the
# configuration file does not set it:
#  - words and numbers must be equal (case-insensitive, as the parser
#    treats yes/no and levels); "none" stands for an unset optional file;
#  - a size with a K/M/G/T suffix is compared in bytes;
#  - a path is written in the page for an installation with PREFIX=/usr
#    (/etc/metasafe/..., /usr/libexec/...), while the test build uses the
#    GNUmakefile's PREFIX: the -T path must equal the page's, or end with
#    it, or end with it once a leading /usr is taken off
#    (/usr/local/libexec/metasafe-worker for /usr/libexec/metasafe-worker,
#    /usr/local/etc/metasafe/x for /etc/metasafe/x).
# A keyword the parser insists on being set (older trees had required
# keywords) is set by the test and then cannot be compared; the test
# says which and fails if that leaves fewer than 15 keywords compared.
. "$(dirname "$0")/test-exec.sh"
tid "metasafed_config(5) defaults match metasafed -T"

need_tool awk sed grep tr
need_prog "$METASAFED"

PAGE=$TOP/man/metasafed_config.5
[ -f "$PAGE" ] || fatal "$PAGE not found"

# --- the page's defaults: "Keyword value" lines -----------------------------
awk '
	function finish() {
		if (cur == "")
			return
		v = ""
		if (match(text, /The default is [^ ]+/)) {
			v = substr(text, RSTART + 15, RLENGTH - 15)
			sub(/[.,;:]+$/, "", v)
			gsub(/^[`\047"]+|[`\047"]+$/, "", v)
		}
		print cur, (v == "" ? "-" : v)
		cur = ""
	}
	# One line of mdoc as words: macro names out, text in.
	function words(line,   n, i, out, t) {
		n = split(line, t, /[ \t]+/)
		out = ""
		for (i = 1; i <= n; i++) {
			if (i == 1 && t[i] ~ /^\./)
				continue
			if (t[i] ~ /^(Pa|Ql|Cm|Ar|Dv|Fl|Ns|No|Pq|Xr|Sx|Ev|Op)$/)
				continue
			out = out " " t[i]
		}
		return out
	}
	/^\.Sh/ { finish(); insec = ($0 == ".Sh DESCRIPTION"); depth = 0; next }
	!insec { next }
	/^\.Bl/ { depth++; next }
	/^\.El/ { if (depth == 1) finish(); depth--; next }
	depth == 1 && /^\.It[ \t]+Cm[ \t]+/ { finish(); cur = $3; text = ""; next }
	depth == 1 && /^\.It/ { finish(); next }
	cur != "" && depth == 1 { text = text words($0) }
	END { finish() }
' "$PAGE" > "$OBJ/page.defaults"
[ -s "$OBJ/page.defaults" ] || fatal "no keyword entries found in $PAGE"
while read -r k v; do
	[ "$v" != "-" ] ||
	    fail "metasafed_config.5: entry $k has no \"The default is ...\""
done < "$OBJ/page.defaults"

# --- the daemon's defaults ------------------------------------------------
# Start from an empty file; set what the parser says is required.
: > "$OBJ/metasafed_config"
: > "$OBJ/set.kw"
i=0
while ! "$METASAFED" -T -f "$OBJ/metasafed_config" > "$OBJ/dump" \
    2> "$OBJ/dump.err"; do
	k=$(sed -n 's/.*: \([A-Za-z]*\) is required.*/\1/p' "$OBJ/dump.err" |
	    head -n 1)
	[ -n "$k" ] || fatal "metasafed -T failed: $(cat "$OBJ/dump.err")"
	printf '%s %s/%s\n' "$k" "$OBJ" "$k" >> "$OBJ/metasafed_config"
	echo "$k" >> "$OBJ/set.kw"
	i=$((i + 1))
	[ $i -le 20 ] || fatal "metasafed -T keeps failing: $(cat "$OBJ/dump.err")"
done
[ -s "$OBJ/set.kw" ] &&
    verbose "set by the test (defaults not compared): $(tr '\n' ' ' < "$OBJ/set.kw")"

# to_bytes VALUE: a size with a K/M/G/T suffix in bytes, else VALUE.
to_bytes() {
	case "$1" in
	*[0-9][Kk]) echo $(( ${1%?} * 1024 )) ;;
	*[0-9][Mm]) echo $(( ${1%?} * 1024 * 1024 )) ;;
	*[0-9][Gg]) echo $(( ${1%?} * 1024 * 1024 * 1024 )) ;;
	*[0-9][Tt]) echo $(( ${1%?} * 1024 * 1024 * 1024 * 1024 )) ;;
	*) echo "$1" ;;
	esac
}

ncompared=0
while read -r k want; do
	[ "$want" != "-" ] || continue
	grep -qix "$k" "$OBJ/set.kw" && continue
	lk=$(printf '%s' "$k" | tr '[:upper:]' '[:lower:]')
	got=$(awk -v k="$lk" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' \
	    "$OBJ/dump")
	if [ -z "$got" ]; then
		fail "metasafed -T prints no value for $k"
		continue
	fi
	ok=0
	case "$want" in
	/*)
		case "$got" in
		"$want" | *"$want" | *"${want#/usr}") ok=1 ;;
		esac
		;;
	*)
		w=$(to_bytes "$want")
		[ "$(printf '%s' "$w" | tr '[:upper:]' '[:lower:]')" = \
		    "$(printf '%s' "$got" | tr '[:upper:]' '[:lower:]')" ] && ok=1
		;;
	esac
	[ "$ok" = 1 ] ||
	    fail "$k: metasafed_config.5 says the default is \"$want\", metasafed -T prints \"$got\""
	ncompared=$((ncompared + 1))
done < "$OBJ/page.defaults"
[ "$ncompared" -ge 15 ] || fail "only $ncompared defaults compared"
trace "$ncompared defaults compared"
