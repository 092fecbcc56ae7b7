#!/bin/sh
# gen-corpus.sh — make fuzz-corpus: rewrite the generated seeds (frame,
# hello, msg, record, certs, acl, dispatch, etcd) and the fixed PKI of fuzz_certs (data/) with
# gen-corpus.  The seeds of the text parsers are files written by hand
# and are left alone.
#
#	sh regress/fuzz/gen-corpus.sh BUILDDIR
set -e
build=$1
src=$(cd "$(dirname "$0")" && pwd)
for d in frame hello msg record certs acl dispatch etcd; do
	rm -rf "${src:?}/corpus/$d"
done
mkdir -p "$src/corpus" "$src/data"
"$build/regress/fuzz/gen-corpus" "$src/corpus" "$src/data"
echo "gen-corpus: wrote $src/corpus/{frame,hello,msg,record,certs,acl,dispatch,etcd} and $src/data"
