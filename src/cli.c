/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime argv model. runc parses its command line with Go's flag
 * package (through urfave/cli): "-flag" and "--flag" are the same, values
 * come as "--flag value" or "--flag=value", bool flags take no separate
 * value, and "--" ends the flags. crun (argp) accepts the double-dash forms
 * of the same names. This module reads argv without changing it; the argv is
 * forwarded to the real runtime as it came.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "runguard/cli.h"
#include "runguard/util.h"

struct flag {
	const char *name;
	bool takes_value;
};

enum global_id { G_OTHER, G_ROOT, G_LOG, G_LOG_FORMAT, G_DEBUG, G_HELP };

struct global_flag {
	const char *name;
	bool takes_value;
	enum global_id id;
};

/* Global flags of runc 1.1 and crun 1.8 (union). */
static const struct global_flag global_flags[] = {
    {"root", true, G_ROOT},
    {"log", true, G_LOG},
    {"log-format", true, G_LOG_FORMAT},
    {"log-level", true, G_OTHER}, /* crun */
    {"criu", true, G_OTHER},
    {"rootless", true, G_OTHER},
    {"cgroup-manager", true, G_OTHER}, /* crun */
    {"debug", false, G_DEBUG},
    {"systemd-cgroup", false, G_OTHER},
    {"help", false, G_HELP},
    {"h", false, G_HELP},
    {"version", false, G_OTHER},
    {"v", false, G_OTHER},
    {"V", false, G_OTHER}, /* crun */
};

/* Flags of the enforced subcommands: union of runc's and crun's create, run and restore. */
static const struct flag enforce_flags[] = {
    {"bundle", true},
    {"b", true},
    {"config", true}, /* crun: alternative config file */
    {"f", true},
    {"console-socket", true},
    {"pid-file", true},
    {"preserve-fds", true},
    {"no-pivot", false},
    {"no-new-keyring", false},
    {"detach", false},
    {"d", false},
    {"keep", false},
    {"no-subreaper", false},
    {"image-path", true},
    {"work-path", true},
    {"parent-path", true},
    {"tcp-established", false},
    {"ext-unix-sk", false},
    {"shell-job", false},
    {"file-locks", false},
    {"manage-cgroups-mode", true},
    {"empty-ns", true},
    {"auto-dedup", false},
    {"lazy-pages", false},
    {"lsm-profile", true},
    {"lsm-mount-context", true},
    {"help", false},
    {"h", false},
};

static const char *const enforced_subcommands[] = {"create", "run", "restore"};
static const char *const own_subcommands[] = {"info", "check-config", "explain"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rg_streq(s, list[i]))
			return true;
	return false;
}

/*
 * Splits "-name", "--name" or "--name=value" into name (length) and value.
 * Returns false for non-flags ("x", "-", "--").
 */
static bool split_flag(const char *arg, const char **ret_name, size_t *ret_len,
		       const char **ret_value)
{
	if (arg[0] != '-' || arg[1] == '\0' || rg_streq(arg, "--"))
		return false;
	const char *name = arg + 1;
	if (*name == '-')
		name++;
	const char *eq = strchr(name, '=');
	*ret_name = name;
	*ret_len = eq ? (size_t)(eq - name) : strlen(name);
	*ret_value = eq ? eq + 1 : NULL;
	return true;
}

static bool name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && strncmp(name, want, len) == 0;
}

static bool any_enforced(int argc, char *const argv[], int from)
{
	for (int i = from; i < argc; i++)
		if (in_list(argv[i], enforced_subcommands, RG_ARRAY_SIZE(enforced_subcommands)))
			return true;
	return false;
}

static const struct global_flag *find_global(const char *name, size_t len)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(global_flags); i++)
		if (name_is(name, len, global_flags[i].name))
			return &global_flags[i];
	return NULL;
}

static const struct flag *find_enforce_flag(const char *name, size_t len)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(enforce_flags); i++)
		if (name_is(name, len, enforce_flags[i].name))
			return &enforce_flags[i];
	return NULL;
}

static void set_global(struct rg_cli *c, enum global_id id, const char *value)
{
	switch (id) {
	case G_ROOT:
		c->root = value;
		break;
	case G_LOG:
		c->log_path = value;
		break;
	case G_LOG_FORMAT:
		c->log_format = rg_streq(value, "json") ? RG_LOG_JSON : RG_LOG_TEXT;
		break;
	case G_DEBUG:
		/* Go bool flags also take "--debug=false". */
		c->is_debug = !rg_streq(value, "false") && !rg_streq(value, "0");
		break;
	case G_HELP:
	case G_OTHER:
	default:
		break;
	}
}

/*
 * Scans the global flags. Returns the index of the subcommand (argc if none)
 * or -1 when a flag is unknown or lacks its value (*bad names it).
 */
static int scan_globals(int argc, char *const argv[], struct rg_cli *c, bool *is_help,
			const char **bad)
{
	int i = 1;

	while (i < argc) {
		const char *name, *value;
		size_t len;
		if (rg_streq(argv[i], "--"))
			return i + 1;
		if (!split_flag(argv[i], &name, &len, &value))
			return i;
		const struct global_flag *g = find_global(name, len);
		if (!g) {
			*bad = argv[i];
			return -1;
		}
		if (g->takes_value && !value) {
			if (i + 1 >= argc) {
				*bad = argv[i];
				return -1;
			}
			value = argv[++i];
		}
		if (g->id == G_HELP)
			*is_help = true;
		set_global(c, g->id, value ? value : "");
		i++;
	}
	return argc;
}

/* Scans the flags and positionals of create/run/restore. */
static int scan_enforced(int argc, char *const argv[], int sub, struct rg_cli *c, bool *is_help,
			 struct rg_error **err)
{
	bool only_positional = false;

	for (int i = sub + 1; i < argc; i++) {
		const char *name, *value;
		size_t len;
		if (!only_positional && rg_streq(argv[i], "--")) {
			only_positional = true;
			continue;
		}
		if (only_positional || !split_flag(argv[i], &name, &len, &value)) {
			if (!c->container_id)
				c->container_id = argv[i];
			continue;
		}
		const struct flag *f = find_enforce_flag(name, len);
		if (!f)
			return rg_error_set(err, EINVAL,
					    "%s: unknown flag '%s': refusing to guess which bundle "
					    "the runtime would use",
					    c->subcmd, argv[i]);
		if (f->takes_value && !value) {
			if (i + 1 >= argc)
				return rg_error_set(err, EINVAL, "%s: flag '%s' needs a value",
						    c->subcmd, argv[i]);
			value = argv[++i];
		}
		if (name_is(name, len, "bundle") || name_is(name, len, "b"))
			c->bundle = value;
		else if (name_is(name, len, "config") || name_is(name, len, "f"))
			c->config_flag = value;
		else if (name_is(name, len, "help") || name_is(name, len, "h"))
			*is_help = true;
	}
	return 0;
}

int rg_cli_scan(int argc, char *const argv[], struct rg_cli *ret, struct rg_error **err)
{
	struct rg_cli c = {.kind = RG_CLI_PASSTHROUGH, .subcmd_index = -1};
	bool is_help = false;
	const char *bad = NULL;

	int sub = scan_globals(argc, argv, &c, &is_help, &bad);
	if (sub < 0) {
		/* Unknown global flag: the real runtime will refuse it, unless it
		 * could still reach an enforced subcommand; then refuse ourselves. */
		if (any_enforced(argc, argv, 1))
			return rg_error_set(err, EINVAL,
					    "unknown or incomplete global flag '%s' before a "
					    "subcommand that must be enforced",
					    bad);
		*ret = c;
		return 0;
	}
	if (sub >= argc) {
		if (is_help && argc == 2)
			c.kind = RG_CLI_OWN;
		*ret = c;
		return 0;
	}
	c.subcmd_index = sub;
	c.subcmd = argv[sub];
	if (in_list(c.subcmd, own_subcommands, RG_ARRAY_SIZE(own_subcommands))) {
		c.kind = RG_CLI_OWN;
	} else if (in_list(c.subcmd, enforced_subcommands, RG_ARRAY_SIZE(enforced_subcommands))) {
		bool sub_help = false;
		int r = scan_enforced(argc, argv, sub, &c, &sub_help, err);
		if (r < 0)
			return r;
		/* "create --help" or no container id: the runtime prints usage and
		 * creates nothing, so there is nothing to enforce. */
		c.kind = (sub_help || !c.container_id) ? RG_CLI_PASSTHROUGH : RG_CLI_ENFORCE;
	}
	*ret = c;
	return 0;
}
