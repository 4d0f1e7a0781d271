/*
 * spawn.c: start `kenmin-gen publish` or `kenmin-gen mail` detached
 * from the CGI after a commit that queued work for it: fork twice,
 * setsid, fixed argv, no shell, standard streams on /dev/null.
 */
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util.h"
#include "extern.h"

/* In the grandchild: close every descriptor, then 0-2 on /dev/null. */
static int
quiet_fds(void)
{
	long	 max, fd;
	int	 nul;

	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 0; fd < max; fd++)
		close((int)fd);
	if ((nul = open("/dev/null", O_RDWR)) != 0)
		return 0;
	return dup2(nul, 1) == 1 && dup2(nul, 2) == 2;
}

/*
 * Run cfg->generator [-c FILE] COMMAND in a new session, not waited
 * for: the CGI answers at once and the run outlives it.  command must
 * be "publish" or "mail".  The soft CPU limit the CGI set on itself
 * (sandbox_narrow) is raised back to the hard one.  Returns 1 if the
 * process was started (its own success is not known), 0 otherwise
 * (printed).  The caller has committed: a failure here only delays
 * the work until cron runs it.
 */
int
spawn_gen(const struct config *cfg, const char *command)
{
	const char	*argv[5];
	struct rlimit	 rl;
	pid_t		 pid, w;
	int		 status, i = 0;

	if (strcmp(command, "publish") != 0 && strcmp(command, "mail") != 0) {
		kerr("spawn: unknown command");
		return 0;
	}
	if (cfg->generator == NULL || cfg->generator[0] == '\0') {
		kerr("spawn: no generator configured");
		return 0;
	}
	argv[i++] = cfg->generator;
	if (cfg->path != NULL) {
		argv[i++] = "-c";
		argv[i++] = cfg->path;
	}
	argv[i++] = command;
	argv[i] = NULL;

	if ((pid = fork()) < 0) {
		kerr("spawn: fork: %s", strerror(errno));
		return 0;
	}
	if (pid == 0) {
		/* The child: a new session, then the real run in a grandchild. */
		if (setsid() < 0)
			_exit(1);
		if ((pid = fork()) < 0)
			_exit(1);
		if (pid > 0)
			_exit(0);
		if (getrlimit(RLIMIT_CPU, &rl) == 0) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_CPU, &rl);
		}
		if (!quiet_fds())
			_exit(1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	if (w != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		kerr("spawn: %s %s: could not start", cfg->generator, command);
		return 0;
	}
	return 1;
}
