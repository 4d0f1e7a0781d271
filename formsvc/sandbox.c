/*
 * sandbox.c: untrusted input is parsed in a forked child that can do
 * little more than read stdin and write one pipe (no new privileges,
 * tight rlimits, a seccomp allow-list), as kcgi does; the parent reads
 * the result back through the framing in request.c.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "util.h"
#include "extern.h"

#define CHILD_CPU_SEC	5			/* RLIMIT_CPU of the parser */
#define CHILD_AS_MAX	((rlim_t)256 * 1024 * 1024) /* RLIMIT_AS */
#define PARSE_ALARM_SEC	30			/* the parent's backstop */
#define PARENT_CPU_SEC	60			/* soft RLIMIT_CPU, main process */
#define PIPE_FD		3			/* the child's end, after dup2 */

/*
 * ASan reserves terabytes of shadow memory (so RLIMIT_AS cannot apply)
 * and its runtime makes more system calls than the parser does; the
 * sanitizer build gets those added to the allow-list.  Release builds
 * get the full set of limits.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_ASAN	1
#else
#define SANDBOX_ASAN	0
#endif

/*
 * Valgrind cannot run a guest under its own seccomp filter or a small
 * RLIMIT_AS / RLIMIT_NOFILE, so under valgrind (only: a request cannot
 * make the program run there) the child skips those three and keeps
 * the rest.  The parser itself is covered under valgrind in-process by
 * tests/unit/test_request.c.
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND	(RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND	0
#endif

static volatile sig_atomic_t timed_out;

static void
onalarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

/* The system calls the parser needs after the filter is in. */
static const int allowed[] = {
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(close),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
	SCMP_SYS(brk),
	SCMP_SYS(munmap),
	SCMP_SYS(mremap),
	SCMP_SYS(madvise),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(fstat),
	SCMP_SYS(newfstatat),
	SCMP_SYS(lseek),
	/* abort() on a failed assertion or sanitizer check */
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	SCMP_SYS(tgkill),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction),
};

/* What the ASan/UBSan runtime additionally calls (reports, allocator). */
static const int allowed_asan[] = {
	SCMP_SYS(mprotect),
	SCMP_SYS(sigaltstack),
	SCMP_SYS(prctl),
	SCMP_SYS(getrlimit),
	SCMP_SYS(prlimit64),
	SCMP_SYS(sched_yield),
	SCMP_SYS(futex),
	SCMP_SYS(openat),
	SCMP_SYS(readlink),
	SCMP_SYS(getppid),
	SCMP_SYS(pread64),
	SCMP_SYS(uname),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(mmap),
};

/*
 * Install the allow-list; anything else kills the process.  mmap is
 * allowed without PROT_EXEC only (no new code), mprotect not at all.
 * 1 ok, 0 error.
 */
static int
install_filter(void)
{
	scmp_filter_ctx	 ctx;
	size_t		 i;
	int		 rc = 0;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		return 0;
	for (i = 0; i < KENMIN_NELEM(allowed); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0) < 0)
			goto out;
	if (SANDBOX_ASAN) {
		for (i = 0; i < KENMIN_NELEM(allowed_asan); i++)
			if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
			    allowed_asan[i], 0) < 0)
				goto out;
	} else if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) < 0)
		goto out;
	if (seccomp_load(ctx) < 0)
		goto out;
	rc = 1;
out:
	seccomp_release(ctx);
	return rc;
}

static int
limit(int res, rlim_t v)
{
	struct rlimit	 rl;

	rl.rlim_cur = rl.rlim_max = v;
	return setrlimit(res, &rl) == 0;
}

/*
 * Narrow the child: only stdin, stderr and the pipe (moved to fd 3)
 * stay open; no new privileges; no files, processes, core dumps or
 * file writes; capped CPU and memory; then the seccomp filter.
 * 1 ok, 0 on any failure (the child then exits without parsing).
 */
static int
child_enter(int pipefd)
{
	if (pipefd != PIPE_FD) {
		if (dup2(pipefd, PIPE_FD) < 0)
			return 0;
		close(pipefd);
	}
	close(STDOUT_FILENO);
	if (close_range(PIPE_FD + 1, ~0U, 0) < 0)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 0;
	if (!limit(RLIMIT_CPU, CHILD_CPU_SEC) || !limit(RLIMIT_NPROC, 0) ||
	    !limit(RLIMIT_FSIZE, 0) || !limit(RLIMIT_CORE, 0))
		return 0;
	if (UNDER_VALGRIND)
		return 1;
	if (!limit(RLIMIT_NOFILE, 0))
		return 0;
	if (!SANDBOX_ASAN && !limit(RLIMIT_AS, CHILD_AS_MAX))
		return 0;
	return install_filter();
}

/*
 * Parse the request (req->env filled, no fields yet) in a sandboxed
 * child and take back the fields the page accepts.  Returns REQ_OK or
 * the status that refuses the request; REQ_FAIL/REQ_TIMEOUT are ours.
 */
enum req_status
sandbox_parse(struct req *req, const struct reqspec *spec)
{
	struct sigaction sa, osa;
	enum req_status	 rc = REQ_FAIL;
	pid_t		 pid;
	int		 fds[2], st, killed = 0;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		kerr("pipe: %s", strerror(errno));
		return REQ_FAIL;
	}
	if ((pid = fork()) < 0) {
		kerr("fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return REQ_FAIL;
	}
	if (pid == 0) {
		close(fds[0]);
		st = 2;
		if (child_enter(fds[1])) {
			rc = req_parse_input(req, spec, STDIN_FILENO);
			st = req_write(PIPE_FD, rc, req) ? 0 : 1;
		}
		req_free(req);
		_exit(st);
	}
	close(fds[1]);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onalarm;	/* no SA_RESTART: read() sees EINTR */
	sigemptyset(&sa.sa_mask);
	timed_out = 0;
	sigaction(SIGALRM, &sa, &osa);
	alarm(PARSE_ALARM_SEC);

	rc = req_read(fds[0], req, spec);
	if (rc == REQ_TIMEOUT || timed_out) {
		kill(pid, SIGKILL);
		killed = 1;
	}
	alarm(0);
	sigaction(SIGALRM, &osa, NULL);
	close(fds[0]);

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			kerr("waitpid: %s", strerror(errno));
			st = -1;
			break;
		}
	if (killed) {
		kerr("request parser timed out");
		rc = REQ_TIMEOUT;
	} else if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (st != -1 && WIFSIGNALED(st))
			kerr("request parser killed by signal %d",
			    WTERMSIG(st));
		else
			kerr("request parser failed");
		rc = REQ_FAIL;
	} else if (rc == REQ_FAIL)
		kerr("request parser sent a malformed result");
	if (rc != REQ_OK) {
		/* Keep nothing from a failed or refused parse. */
		req_free_fields(req);
	}
	return rc;
}

/*
 * Narrow the main process once configuration and templates are loaded:
 * no new privileges, no core dumps (they would hold personal data), and
 * a soft CPU limit as a backstop against a runaway request (programs it
 * starts may raise it again up to the hard limit).  1 ok, 0 error.
 */
int
sandbox_narrow(void)
{
	struct rlimit	 rl;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		kerr("prctl: %s", strerror(errno));
		return 0;
	}
	if (!limit(RLIMIT_CORE, 0)) {
		kerr("setrlimit: %s", strerror(errno));
		return 0;
	}
	if (getrlimit(RLIMIT_CPU, &rl) == 0 &&
	    (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > PARENT_CPU_SEC)) {
		rl.rlim_cur = PARENT_CPU_SEC;
		if (setrlimit(RLIMIT_CPU, &rl) < 0) {
			kerr("setrlimit: %s", strerror(errno));
			return 0;
		}
	}
	return 1;
}
