/*
 * server.h — the listener and the event loop that serves every worker.
 */
#ifndef MS_SERVER_H
#define MS_SERVER_H

#include <sys/types.h>

#include "mon.h"

struct servconf;

struct server_opts {
	const char	*config_path;
	struct servconf	*conf;		/* running config; SIGHUP updates it */
	int		 debug;		/* -d: workers keep stderr */
	uid_t		 privsep_uid;
	gid_t		 privsep_gid;
};

/*
 * Bind every ListenAddress (err says which failed and why), then serve
 * until SIGTERM (drain, exit 0).  ctx is updated in place on SIGHUP
 * (principals, CAs and CRLs reloaded; the keywords reload_config() applies).
 */
int	server_listen(const struct servconf *conf, char *err, size_t errlen);
/* Remove the unix: sockets (exit, fatal). */
void	server_cleanup(void);
int	server_run(struct mon_ctx *ctx, struct principals *principals,
	    const struct server_opts *opts);

#endif /* MS_SERVER_H */
