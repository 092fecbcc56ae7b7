/*
 * fuzz_acl.h — the input layout of fuzz_acl.c, shared with gen-corpus.c:
 *
 *	string query_path
 *	string principal
 *	u8 ngroups, string group[ngroups]		(at most FUZZ_ACL_SETS)
 *	u8 nadmins, string admin[nadmins]		(at most FUZZ_ACL_SETS)
 *	(string node_path, string node_value)*	(at most FUZZ_ACL_NODES)
 *
 * node_value is a node as the store keeps it (store_int.h "nodes": u8
 * format, u8 flags, u32 n, (string who, string rights)[n]).
 */
#ifndef MS_FUZZ_ACL_H
#define MS_FUZZ_ACL_H

#define FUZZ_ACL_SETS	4
#define FUZZ_ACL_NODES	16
#define FUZZ_NODE_FORMAT 1	/* NODE_FORMAT of monitor/store_int.h */

#endif /* MS_FUZZ_ACL_H */
