/*
 * spawn.c: start `kenmin-gen publish` or `kenmin-gen mail` detached
 * from the CGI after a commit that queued work for it (fork twice,
 * setsid, fixed argv, no shell, standard streams on /dev/null), and run
 * `kenmin-gen preview` with its output captured, bounded in time and
 * size.
 */
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
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

/* Read what is ready on fd into out; 1 open, 0 at EOF, -1 error/too big. */
static int
drain(int fd, struct buf *out)
{
	char	 chunk[8192];
	ssize_t	 n;

	n = read(fd, chunk, sizeof(chunk));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -1;
	if (n == 0)
		return 0;
	buf_putn(out, chunk, (size_t)n);
	return buf_ok(out) ? 1 : -1;
}

/*
 * Run cfg->generator [-c FILE] ARGS... (args ends with NULL, at most
 * SPAWN_ARGS_MAX entries) with a fixed argv, no shell, and capture its
 * standard output into out (replaced; out's own maximum bounds it) for
 * at most timeout_sec seconds; stdin and stderr are /dev/null.  A run
 * that takes longer or writes more is killed.  Returns the exit status
 * (0-255), or -1 if it could not run, was killed or overflowed out
 * (printed).  The caller frees out.
 */
int
spawn_capture(const struct config *cfg, const char *const *args,
    struct buf *out, int timeout_sec)
{
	const char	*argv[SPAWN_ARGS_MAX + 4];
	struct pollfd	 pfd;
	struct timespec	 now, end;
	pid_t		 pid, w;
	int		 p[2], status, i = 0, j, r = 1, nul, ms, rc = -1;
	long		 max, fd;

	buf_reset(out);
	if (cfg->generator == NULL || cfg->generator[0] == '\0') {
		kerr("spawn: no generator configured");
		return -1;
	}
	argv[i++] = cfg->generator;
	if (cfg->path != NULL) {
		argv[i++] = "-c";
		argv[i++] = cfg->path;
	}
	for (j = 0; args[j] != NULL; j++) {
		if (j == SPAWN_ARGS_MAX) {
			kerr("spawn: too many arguments");
			return -1;
		}
		argv[i++] = args[j];
	}
	argv[i] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0) {
		kerr("spawn: pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		kerr("spawn: fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		/* stdout is the pipe; every other descriptor is closed. */
		if (dup2(p[1], 1) != 1)
			_exit(127);
		max = sysconf(_SC_OPEN_MAX);
		if (max < 0 || max > 65536)
			max = 65536;
		for (fd = 0; fd < max; fd++)
			if (fd != 1)
				close((int)fd);
		if ((nul = open("/dev/null", O_RDWR)) != 0 ||
		    dup2(nul, 2) != 2)
			_exit(127);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_sec;
	pfd.fd = p[0];
	pfd.events = POLLIN;
	while (r > 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (int)((end.tv_sec - now.tv_sec) * 1000 +
		    (end.tv_nsec - now.tv_nsec) / 1000000);
		if (ms <= 0) {
			kerr("spawn: %s %s: timed out", cfg->generator,
			    args[0]);
			r = -1;
			break;
		}
		if (poll(&pfd, 1, ms) < 0) {
			if (errno == EINTR)
				continue;
			kerr("spawn: poll: %s", strerror(errno));
			r = -1;
			break;
		}
		if (pfd.revents != 0 && (r = drain(p[0], out)) < 0)
			kerr("spawn: %s %s: read failed or output too large",
			    cfg->generator, args[0]);
	}
	close(p[0]);
	if (r < 0)
		kill(pid, SIGKILL);
	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	if (r == 0 && w == pid && WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else if (r == 0)
		kerr("spawn: %s %s: did not exit normally", cfg->generator,
		    args[0]);
	return rc;
}
