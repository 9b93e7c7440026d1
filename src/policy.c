/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The effective policy: an embedded default, so that runguard works with no
 * configuration at all, overridden by /etc/runguard/config.json.
 *
 * Configuration keys understood by this version:
 *   "runtime":        absolute path of the real runtime
 *   "seccompProfile": absolute path of a seccomp profile replacing the embedded one
 * Anything else is an error, so a typo never silently weakens the policy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/caps.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/sha256.h"
#include "runguard/util.h"

extern const char rg_embedded_seccomp_start[];
extern const char rg_embedded_seccomp_end[];

/* The containers-common default capability set. */
static const char *const default_ceiling[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE",	   "CAP_FOWNER",     "CAP_FSETID",
    "CAP_KILL",	   "CAP_NET_BIND_SERVICE", "CAP_SETFCAP",    "CAP_SETGID",
    "CAP_SETPCAP", "CAP_SETUID",	   "CAP_SYS_CHROOT",
};

#define DEFAULT_PIDS_LIMIT 2048 /* as podman */
#define CONFIG_MAX_SIZE (1024u * 1024u)

const char *rg_policy_embedded_seccomp(size_t *ret_len)
{
	*ret_len = (size_t)(rg_embedded_seccomp_end - rg_embedded_seccomp_start);
	return rg_embedded_seccomp_start;
}

void rg_policy_free(struct rg_policy *p)
{
	free(p->name);
	for (size_t i = 0; i < p->n_cap_ceiling; i++)
		free(p->cap_ceiling[i]);
	free(p->cap_ceiling);
	if (p->seccomp_profile_origin && !rg_streq(p->seccomp_profile_origin, "embedded"))
		free(p->seccomp_profile);
	free(p->seccomp_profile_origin);
	free(p->runtime);
	free(p->config_path);
	memset(p, 0, sizeof(*p));
}

/* Reads a whole (small) file; -ENOENT is returned without setting *err. */
static int read_file(const char *path, size_t cap, char **ret, size_t *ret_len,
		     struct rg_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		return rg_error_set(err, errno, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0)
		return rg_error_set(err, errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return rg_error_set(err, EINVAL, "%s: not a regular file", path);
	if ((size_t)st.st_size > cap)
		return rg_error_set(err, EFBIG, "%s: larger than the limit of %zu bytes", path,
				    cap);
	_cleanup_free_ char *buf = rg_xmalloc((size_t)st.st_size + 1);
	size_t len = 0;
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return rg_error_set(err, errno, "%s: read: %s", path, strerror(errno));
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*ret = steal_ptr(&buf);
	*ret_len = len;
	return 0;
}

static int config_string(const struct rg_json_member *m, const char *file, char **ret,
			 struct rg_error **err)
{
	const char *s = rg_json_str(m->value);
	if (!s)
		return rg_error_set(err, EINVAL, "%s: .%s: expected a string, got %s", file, m->key,
				    rg_json_type_name(m->value->type));
	if (s[0] != '/')
		return rg_error_set(err, EINVAL, "%s: .%s: \"%s\" is not an absolute path", file,
				    m->key, s);
	free(*ret);
	*ret = rg_xstrdup(s);
	return 0;
}

static int apply_config(struct rg_policy *p, const char *file, const char *buf, size_t len,
			struct rg_error **err)
{
	const struct rg_json_parse_opts opts = {.allow_comments = true};
	_cleanup_json_ struct rg_json *cfg = rg_json_parse(buf, len, file, &opts, err);
	_cleanup_free_ char *profile_path = NULL;
	int r;

	if (!cfg)
		return -EINVAL;
	if (!rg_json_is(cfg, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: .: expected an object, got %s", file,
				    rg_json_type_name(cfg->type));
	for (size_t i = 0; i < cfg->n; i++) {
		const struct rg_json_member *m = &cfg->u.members[i];
		if (rg_streq(m->key, "runtime"))
			r = config_string(m, file, &p->runtime, err);
		else if (rg_streq(m->key, "seccompProfile"))
			r = config_string(m, file, &profile_path, err);
		else
			r = rg_error_set(err, EINVAL, "%s: .%s: unknown configuration key", file,
					 m->key);
		if (r < 0)
			return r;
	}
	if (profile_path) {
		char *text = NULL;
		size_t text_len = 0;
		r = read_file(profile_path, RG_JSON_MAX_SIZE, &text, &text_len, err);
		if (r == -ENOENT)
			return rg_error_set(err, ENOENT, "%s: .seccompProfile: %s: %s", file,
					    profile_path, strerror(ENOENT));
		if (r < 0)
			return r;
		_cleanup_json_ struct rg_json *prof =
		    rg_json_parse(text, text_len, profile_path, NULL, err);
		if (!prof || !rg_json_is(prof, RG_JSON_OBJECT)) {
			free(text);
			return rg_error_set(err, EINVAL, "%s: expected a seccomp profile object",
					    profile_path);
		}
		p->seccomp_profile = text;
		p->seccomp_profile_len = text_len;
		free(p->seccomp_profile_origin);
		p->seccomp_profile_origin = steal_ptr(&profile_path);
	}
	return 0;
}

static void compute_digest(struct rg_policy *p)
{
	struct rg_sha256 s;
	char hex[65];
	char num[32];

	rg_sha256_init(&s);
	rg_sha256_update(&s, p->name, strlen(p->name) + 1);
	for (size_t i = 0; i < p->n_cap_ceiling; i++)
		rg_sha256_update(&s, p->cap_ceiling[i], strlen(p->cap_ceiling[i]) + 1);
	rg_sha256_update(&s, p->seccomp_profile, p->seccomp_profile_len);
	snprintf(num, sizeof(num), "\n%lld", p->pids_default);
	rg_sha256_update(&s, num, strlen(num));
	rg_sha256_hex(&s, hex);
	snprintf(p->digest, sizeof(p->digest), "sha256:%s", hex);
}

int rg_policy_load(const char *config_path, struct rg_policy *ret, struct rg_error **err)
{
	struct rg_policy p = {0};
	bool is_explicit = config_path != NULL;
	int r;

	if (!config_path) {
		config_path = getenv("RUNGUARD_CONFIG");
		is_explicit = config_path && *config_path;
		if (!is_explicit)
			config_path = RG_CONFIG_DEFAULT_PATH;
	}
	p.name = rg_xstrdup("default");
	p.n_cap_ceiling = RG_ARRAY_SIZE(default_ceiling);
	p.cap_ceiling = rg_xcalloc(p.n_cap_ceiling, sizeof(char *));
	for (size_t i = 0; i < p.n_cap_ceiling; i++)
		p.cap_ceiling[i] = rg_xstrdup(default_ceiling[i]);
	/* The embedded profile is static data; the policy borrows it. */
	p.seccomp_profile = (char *)rg_policy_embedded_seccomp(&p.seccomp_profile_len);
	p.seccomp_profile_origin = rg_xstrdup("embedded");
	p.pids_default = DEFAULT_PIDS_LIMIT;
	p.config_path = rg_xstrdup(config_path);

	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	r = read_file(config_path, CONFIG_MAX_SIZE, &buf, &len, err);
	if (r == -ENOENT && is_explicit)
		r = rg_error_set(err, ENOENT, "%s: %s", config_path, strerror(ENOENT));
	if (r == 0) {
		p.is_config_loaded = true;
		r = apply_config(&p, config_path, buf, len, err);
	} else if (r == -ENOENT) {
		r = 0;
	}
	if (r < 0) {
		rg_policy_free(&p);
		return r;
	}
	compute_digest(&p);
	*ret = p;
	return 0;
}
