/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Adapter between the selinux rule and the host: libselinux (is SELinux on,
 * where are the container contexts), the lxc_contexts file, and the MCS
 * reservation store for the container being created or deleted.
 *
 * Test-only switches, honoured only while the kernel reports SELinux
 * disabled (so they cannot weaken a real SELinux host, where forcing "on" is
 * a no-op and the others are ignored):
 *   RUNGUARD_SELINUX_FORCE=1            act as if SELinux were enabled
 *   RUNGUARD_LXC_CONTEXTS=/path         lxc_contexts file to use
 *   RUNGUARD_MCS_DIR=/path              MCS store instead of /run/runguard/mcs
 *   RUNGUARD_TEST_CRASH_AFTER_RESERVE=1 SIGKILL ourselves right after reserving
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <selinux/selinux.h>

#include "mcs.h"
#include "runguard/runtime.h"
#include "runguard/selinux.h"
#include "runguard/selinux_label.h"
#include "runguard/util.h"

#define CONTEXTS_MAX (64u * 1024u)
#define RELEASE_TIMEOUT_MS 2000

/*
 * The test switches exist only in a test build (-DRG_TEST_SWITCHES, make's
 * runguard-test and the unit tests): the installed binary never reads them,
 * whatever the environment says.
 */
static const char *test_getenv(const char *name)
{
#ifdef RG_TEST_SWITCHES
	return getenv(name);
#else
	(void)name;
	return NULL;
#endif
}

static bool env_is_one(const char *name)
{
	const char *v = test_getenv(name);
	return v && rg_streq(v, "1");
}

bool rg_selinux_is_test_mode(void)
{
	return env_is_one(RG_ENV_SELINUX_FORCE) && is_selinux_enabled() != 1;
}

/* An absolute path from a test switch, honoured only in test mode. */
static const char *test_path(const char *name)
{
	const char *v = test_getenv(name);
	return v && v[0] == '/' && rg_selinux_is_test_mode() ? v : NULL;
}

static char *mcs_dir(void)
{
	const char *d = test_path(RG_ENV_MCS_DIR);
	return rg_xstrdup(d ? d : RG_MCS_DEFAULT_DIR);
}

/* ---- lxc_contexts ---- */

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* One `key = "value"` line: the value, unquoted, or NULL when malformed. */
static char *parse_entry(char *line, char **ret_key)
{
	char *eq = strchr(line, '=');
	if (!eq)
		return NULL;
	*eq = '\0';
	char *key = trim(line), *val = trim(eq + 1);
	size_t n = strlen(val);
	if (!*key || n == 0)
		return NULL;
	if (val[0] == '"') {
		if (n < 2 || val[n - 1] != '"')
			return NULL;
		val[n - 1] = '\0';
		val++;
	}
	*ret_key = key;
	return val;
}

static int parse_contexts(const char *path, char *text, size_t len, char **ret_process,
			  char **ret_file, struct rg_error **err)
{
	_cleanup_free_ char *process = NULL, *file = NULL;
	struct rg_selinux_label l;
	size_t lineno = 0;

	if (strlen(text) != len)
		return rg_error_set(err, EINVAL, "%s: contains a NUL byte", path);
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		char *s = trim(line), *key = NULL;
		if (!*s || *s == '#' || *s == ';')
			continue;
		char *val = parse_entry(s, &key);
		if (!val)
			return rg_error_set(err, EINVAL, "%s:%zu: expected key = \"context\"", path,
					    lineno);
		char **slot = rg_streq(key, "process") ? &process
			      : rg_streq(key, "file")  ? &file
						       : NULL;
		if (!slot)
			continue;
		if (*slot)
			return rg_error_set(err, EINVAL, "%s:%zu: \"%s\" given twice", path, lineno,
					    key);
		if (!rg_selinux_label_parse(val, &l))
			return rg_error_set(err, EINVAL,
					    "%s:%zu: %s context '%s' is not user:role:type:level",
					    path, lineno, key, val);
		rg_selinux_label_free(&l);
		*slot = rg_xstrdup(val);
	}
	if (!process || !file)
		return rg_error_set(err, EINVAL, "%s: no \"%s\" context", path,
				    process ? "file" : "process");
	*ret_process = steal_ptr(&process);
	*ret_file = steal_ptr(&file);
	return 0;
}

int rg_selinux_read_contexts(const char *path, char **ret_process, char **ret_file,
			     struct rg_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return rg_error_set(err, errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return rg_error_set(err, EINVAL, "%s: not a regular file", path);
	if ((size_t)st.st_size > CONTEXTS_MAX)
		return rg_error_set(err, EFBIG, "%s: larger than %u bytes", path, CONTEXTS_MAX);
	_cleanup_free_ char *buf = rg_xmalloc((size_t)st.st_size + 1);
	size_t len = 0;
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rg_error_set(err, errno, "%s: read: %s", path, strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return parse_contexts(path, buf, len, ret_process, ret_file, err);
}

/* ---- the adapter for one create ---- */

char *rg_selinux_runtime_root(const char *root, const char *runtime)
{
	if (!root || !*root) {
		const char *base = runtime ? strrchr(runtime, '/') : NULL;
		base = base ? base + 1 : runtime;
		return rg_xstrdup(base && strstr(base, "crun") ? "/run/crun" : "/run/runc");
	}
	/* As runc does (filepath.Abs): joined to the cwd and cleaned, no symlinks resolved. */
	struct rg_buf b = {0};
	if (root[0] != '/') {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);
		rg_buf_puts(&b, cwd ? cwd : "/");
		rg_buf_putc(&b, '/');
	}
	rg_buf_puts(&b, root);
	_cleanup_free_ char *joined = rg_buf_steal(&b);
	struct rg_buf out = {0};
	for (char *save = NULL, *c = strtok_r(joined, "/", &save); c;
	     c = strtok_r(NULL, "/", &save)) {
		if (rg_streq(c, "."))
			continue;
		if (rg_streq(c, "..")) {
			char *slash = out.data ? strrchr(out.data, '/') : NULL;
			if (slash) {
				*slash = '\0';
				out.len = (size_t)(slash - out.data);
			}
			continue;
		}
		rg_buf_putc(&out, '/');
		rg_buf_puts(&out, c);
	}
	if (out.len == 0)
		rg_buf_putc(&out, '/');
	return rg_buf_steal(&out);
}

static char *container_root(const struct rg_selinux_host *sh)
{
	_cleanup_free_ char *rt = NULL;
	struct rg_error *e = NULL;
	if (!sh->root && rg_runtime_find(sh->runtime, &rt, &e) < 0)
		rg_error_free(e);
	return rg_selinux_runtime_root(sh->root, rt);
}

static int host_reserve(void *data, const char *sandbox_id, bool is_sandbox, char **ret_cats,
			struct rg_error **err)
{
	struct rg_selinux_host *sh = data;

	if (sh->is_dry || !sh->id)
		return rg_mcs_peek(sh->mcs_dir, ret_cats, err);
	_cleanup_free_ char *root = container_root(sh);
	struct rg_mcs_owner o = {
	    .id = sh->id,
	    .root = root,
	    .pod = sandbox_id,
	    .is_pod = sandbox_id || is_sandbox,
	};
	int r = rg_mcs_reserve(sh->mcs_dir, &o, ret_cats, err);
	if (r < 0)
		return r;
	if (r == 1) {
		free(sh->reserved_root);
		sh->reserved_root = steal_ptr(&root);
	}
	/* The crash test: die between reservation and exec, as a kill -9 would. */
	if (rg_selinux_is_test_mode() && env_is_one(RG_ENV_CRASH_AFTER_RESERVE))
		raise(SIGKILL);
	return 0;
}

static const char *state_name(bool *ret_on)
{
	*ret_on = true;
	if (is_selinux_enabled() == 1) {
		int e = security_getenforce();
		return e == 1 ? "enforcing" : e == 0 ? "permissive" : "enabled";
	}
	if (rg_selinux_is_test_mode())
		return "forced-for-tests";
	*ret_on = false;
	return "disabled";
}

/*
 * The container contexts must exist in the loaded policy: Debian's and
 * Ubuntu's selinux-policy-default name container_t in lxc_contexts but lack
 * the container module, and runc then fails with "write
 * /proc/self/attr/keycreate: invalid argument". NULL when both are valid (or
 * there is no loaded policy to ask, in test mode), else a message saying what
 * to install (malloc'd).
 */
static char *check_loaded(const char *process, const char *file)
{
	const char *bad = NULL;

	if (is_selinux_enabled() != 1)
		return NULL;
	if (security_check_context(process) < 0)
		bad = process;
	else if (file && security_check_context(file) < 0)
		bad = file;
	if (!bad)
		return NULL;
	return rg_xasprintf("the loaded SELinux policy does not define the container context "
			    "'%s': install the container policy module (container-selinux; on "
			    "Debian and Ubuntu build container.pp from selinux-policy-src and "
			    "load it with semodule -i, see runguard(8), SELINUX)",
			    bad);
}

void rg_selinux_host_init(struct rg_selinux_host *sh, const struct rg_cli *cli,
			  const char *configured_runtime)
{
	bool is_on;

	memset(sh, 0, sizeof(*sh));
	sh->id = cli ? cli->container_id : NULL;
	sh->root = cli ? cli->root : NULL;
	sh->runtime = configured_runtime;
	sh->facts.state = state_name(&is_on);
	sh->facts.mcs.reserve = host_reserve;
	sh->facts.mcs.data = sh;
	sh->is_enabled = is_on;
	if (!is_on)
		return;
	sh->mcs_dir = mcs_dir();
	const char *path = test_path(RG_ENV_LXC_CONTEXTS);
	path = path ? path : selinux_lxc_contexts_path();
	if (!path) {
		sh->contexts_error = rg_xstrdup("libselinux knows no lxc_contexts path");
	} else {
		struct rg_error *e = NULL;
		sh->contexts_path = rg_xstrdup(path);
		if (rg_selinux_read_contexts(path, &sh->process_label, &sh->file_label, &e) < 0) {
			sh->contexts_error = rg_xstrdup(e->msg);
			rg_error_free(e);
		} else if ((sh->contexts_error = check_loaded(sh->process_label, sh->file_label))) {
			/* Unusable: the rule refuses, naming contexts_error. */
			free(sh->process_label);
			free(sh->file_label);
			sh->process_label = sh->file_label = NULL;
		}
	}
	sh->facts.contexts_path = sh->contexts_path;
	sh->facts.process_label = sh->process_label;
	sh->facts.file_label = sh->file_label;
	sh->facts.contexts_error = sh->contexts_error;
}

void rg_selinux_host_attach(struct rg_selinux_host *sh, struct rg_host *host, bool is_dry)
{
	sh->is_dry = is_dry;
	host->selinux_enabled = sh->is_enabled ? 1 : 0;
	host->selinux = &sh->facts;
}

void rg_selinux_host_rollback(struct rg_selinux_host *sh)
{
	struct rg_error *e = NULL;
	if (!sh->reserved_root)
		return;
	/* Forced: the container was never handed to the runtime. */
	if (rg_mcs_release(sh->mcs_dir, sh->id, sh->reserved_root, true, RELEASE_TIMEOUT_MS, &e) <
	    0)
		rg_error_free(e); /* collected later, once this process is gone */
	free(sh->reserved_root);
	sh->reserved_root = NULL;
}

void rg_selinux_host_free(struct rg_selinux_host *sh)
{
	free(sh->contexts_path);
	free(sh->process_label);
	free(sh->file_label);
	free(sh->contexts_error);
	free(sh->mcs_dir);
	free(sh->reserved_root);
	memset(sh, 0, sizeof(*sh));
}

/* ---- delete ---- */

/* The container id of `delete [--force|-f] ID`; NULL when the argv says anything else. */
static const char *delete_target(const struct rg_cli *cli, char *const argv[], bool *is_forced)
{
	const char *id = NULL;
	bool only_positional = false;

	*is_forced = false;
	for (int i = cli->subcmd_index + 1; argv[i]; i++) {
		const char *a = argv[i];
		if (!only_positional && rg_streq(a, "--")) {
			only_positional = true;
		} else if (!only_positional && a[0] == '-' && a[1]) {
			const char *n = a + (a[1] == '-' ? 2 : 1);
			if (rg_streq(n, "force") || rg_streq(n, "f") || rg_streq(n, "force=true") ||
			    rg_streq(n, "f=true"))
				*is_forced = true;
			else if (!rg_streq(n, "force=false") && !rg_streq(n, "f=false"))
				return NULL; /* crun's --regex and the like: leave it to collection
					      */
		} else if (id) {
			return NULL;
		} else {
			id = a;
		}
	}
	return id;
}

void rg_selinux_on_delete(const struct rg_cli *cli, char *const argv[], const char *runtime)
{
	_cleanup_free_ char *dir = mcs_dir();
	struct stat st;
	bool is_forced;

	/* Cheap when nothing was ever reserved: one stat. */
	if (cli->subcmd_index < 0 || stat(dir, &st) < 0)
		return;
	const char *id = delete_target(cli, argv, &is_forced);
	if (!id)
		return;
	_cleanup_free_ char *root = rg_selinux_runtime_root(cli->root, runtime);
	struct rg_error *e = NULL;
	if (rg_mcs_release(dir, id, root, is_forced, RELEASE_TIMEOUT_MS, &e) < 0) {
		/* Never fail the delete: garbage collection gets the pair later. */
		if (cli->is_debug)
			fprintf(stderr, "runguard: warning: releasing the MCS pair of %s: %s\n", id,
				e->msg);
		rg_error_free(e);
	}
}
