/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime argv model. runc parses its command line with Go's flag
 * package (through urfave/cli): "-flag" and "--flag" are the same, values
 * come as "--flag value" or "--flag=value", bool flags take no separate
 * value, and "--" ends the flags. crun (argp) accepts the double-dash forms
 * of the same names. This module reads argv without changing it; the argv is
 * forwarded to the real runtime as it came, except where exec or update
 * enforcement must drop a flag or clamp a value (struct rg_argv: a copy
 * with those items replaced or removed, nothing reordered).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "runguard/cli.h"
#include "runguard/runtime.h"
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

/*
 * Flags of exec and update with their short aliases: runc 1.1's, plus
 * crun's and newer runc's, so that a flag either runtime knows is read with
 * the right arity. Anything else refuses (fail closed).
 */
struct sub_flag {
	const char *name;
	const char *alias;
	bool takes_value;
};

static const struct sub_flag exec_flags[] = {
    {"console-socket", NULL, true},
    {"pidfd-socket", NULL, true}, /* runc 1.2 */
    {"cwd", NULL, true},
    {"env", "e", true},
    {"tty", "t", false}, /* crun: --tty[=VALUE] */
    {"user", "u", true},
    {"additional-gids", "g", true},
    {"process", "p", true},
    {"detach", "d", false},
    {"pid-file", NULL, true},
    {"process-label", NULL, true},
    {"apparmor", NULL, true},
    {"no-new-privs", NULL, false},
    {"cap", "c", true},
    {"preserve-fds", NULL, true},
    {"cgroup", NULL, true},
    {"ignore-paused", NULL, false},
    {"help", "h", false},
    {"usage", "?", false}, /* crun (argp) */
};

static const struct sub_flag update_flags[] = {
    {"resources", "r", true},
    {"blkio-weight", NULL, true},
    {"cpu-period", NULL, true},
    {"cpu-quota", NULL, true},
    {"cpu-burst", NULL, true}, /* runc 1.2 */
    {"cpu-share", NULL, true},
    {"cpu-rt-period", NULL, true},
    {"cpu-rt-runtime", NULL, true},
    {"cpu-idle", NULL, true}, /* runc 1.2 */
    {"cpuset-cpus", NULL, true},
    {"cpuset-mems", NULL, true},
    {"kernel-memory", NULL, true},
    {"kernel-memory-tcp", NULL, true},
    {"memory", NULL, true},
    {"memory-reservation", NULL, true},
    {"memory-swap", NULL, true},
    {"pids-limit", NULL, true},
    {"l3-cache-schema", NULL, true},
    {"mem-bw-schema", NULL, true},
    {"help", "h", false},
    {"usage", "?", false}, /* crun (argp) */
};

/*
 * How a subcommand's flags are read. runc's exec sets urfave/cli's
 * SkipArgReorder and crun's uses ARGP_IN_ORDER: flags end at the first
 * positional (the container id), and everything after it is the command,
 * whose own "-c" is no --cap. runc's update lets urfave/cli move known
 * flags in front of the positionals, so flags may follow the id there.
 */
struct sub_syntax {
	const char *subcmd;
	enum rg_cli_kind kind;
	const struct sub_flag *flags;
	size_t n_flags;
	bool is_in_order;
};

static const struct sub_syntax guarded_subcommands[] = {
    {"exec", RG_CLI_EXEC, exec_flags, RG_ARRAY_SIZE(exec_flags), true},
    {"update", RG_CLI_UPDATE, update_flags, RG_ARRAY_SIZE(update_flags), false},
};

static const char *const enforced_subcommands[] = {"create", "run", "restore", "exec", "update"};
static const char *const own_subcommands[] = {"info", "check-config", "explain", "configure",
					      "doctor"};

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

/*
 * A flag item with one dash and more than one character after it ("-bundle",
 * "-b=x"): Go's flag package reads it as the long form, argp as a short flag
 * with the rest as its value (or as more short flags).
 */
static bool is_go_style(const char *arg)
{
	return arg[0] == '-' && arg[1] != '-' && arg[1] != '\0' && arg[2] != '\0';
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

static const struct sub_syntax *find_syntax(const char *subcmd)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(guarded_subcommands); i++)
		if (rg_streq(subcmd, guarded_subcommands[i].subcmd))
			return &guarded_subcommands[i];
	return NULL;
}

static const struct sub_flag *find_sub_flag(const struct sub_syntax *syn, const char *name,
					    size_t len)
{
	for (size_t i = 0; i < syn->n_flags; i++) {
		const struct sub_flag *f = &syn->flags[i];
		if (name_is(name, len, f->name) || (f->alias && name_is(name, len, f->alias)))
			return f;
	}
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
			if (!c->container_id) {
				c->container_id = argv[i];
				c->id_index = i;
			}
			continue;
		}
		const struct flag *f = find_enforce_flag(name, len);
		if (f && is_go_style(argv[i]) && !c->go_style_flag)
			c->go_style_flag = argv[i];
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
		else if (name_is(name, len, "lsm-profile"))
			c->lsm_profile = value;
		else if (name_is(name, len, "lsm-mount-context"))
			c->lsm_mount_context = value;
		else if (name_is(name, len, "manage-cgroups-mode"))
			c->manage_cgroups_mode = value;
	}
	return 0;
}

/* What one reading of an exec or update command line found. */
struct walk {
	struct rg_cli_flag *flags; /* room for one per argv item */
	size_t n;
	int id_index; /* -1: none */
	bool is_help;
	const char *go_style_flag; /* the first "-name" or "-n=value" flag, or NULL */
};

/*
 * Reads the items argv[order[0..n)] as flags, the way Go's flag package
 * (stop_at_positional) or argp without ARGP_IN_ORDER (not) does: a value
 * flag takes the next item whatever it looks like, "--" ends the flags.
 * Refuses unknown flags and missing values.
 */
static int read_flags(char *const argv[], const int *order, int n, bool stop_at_positional,
		      const struct sub_syntax *syn, struct walk *w, struct rg_error **err)
{
	bool only_positional = false;

	for (int k = 0; k < n; k++) {
		int i = order[k];
		const char *name, *value;
		size_t len;
		if (!only_positional && rg_streq(argv[i], "--")) {
			only_positional = true;
			continue;
		}
		if (only_positional || !split_flag(argv[i], &name, &len, &value)) {
			if (w->id_index < 0)
				w->id_index = i;
			/* exec: what follows is the command and its arguments. */
			only_positional = only_positional || stop_at_positional;
			continue;
		}
		const struct sub_flag *f = find_sub_flag(syn, name, len);
		if (!f)
			return rg_error_set(
			    err, EINVAL,
			    "%s: unknown flag '%s': refusing to guess what the runtime "
			    "would make of it",
			    syn->subcmd, argv[i]);
		if (is_go_style(argv[i]) && !w->go_style_flag)
			w->go_style_flag = argv[i];
		int value_index = i;
		if (f->takes_value && !value) {
			if (k + 1 >= n)
				return rg_error_set(err, EINVAL, "%s: flag '%s' needs a value",
						    syn->subcmd, argv[i]);
			value_index = order[++k];
			value = argv[value_index];
		}
		if (rg_streq(f->name, "help") || rg_streq(f->name, "usage"))
			w->is_help = true;
		w->flags[w->n++] = (struct rg_cli_flag){
		    .name = f->name, .value = value, .index = i, .value_index = value_index};
	}
	return 0;
}

/*
 * urfave/cli 1.22.1's reorderArgs (runc 1.1 vendors it) for commands without
 * SkipArgReorder: items starting with '-' (but "-") move to the front in
 * order, each pulling along the next item if that does not start with '-'
 * and the flag has no "="; "--" and all after it stay behind.
 */
static void runc_reorder(int argc, char *const argv[], int sub, int *order)
{
	int n_flags = 0, n_other = 0;
	_cleanup_free_ int *other = rg_xcalloc((size_t)argc, sizeof(int));
	bool is_value_next = false;

	for (int i = sub + 1; i < argc; i++) {
		const char *a = argv[i];
		if (rg_streq(a, "--")) {
			for (; i < argc; i++)
				other[n_other++] = i;
			break;
		}
		if (is_value_next && a[0] != '-') {
			is_value_next = false;
			order[n_flags++] = i;
			continue;
		}
		is_value_next = false;
		if (!rg_streq(a, "-") && a[0] == '-') {
			order[n_flags++] = i;
			is_value_next = !strchr(a, '=');
		} else {
			other[n_other++] = i;
		}
	}
	memcpy(order + n_flags, other, (size_t)n_other * sizeof(int));
}

static bool same_walk(const struct walk *a, const struct walk *b)
{
	if (a->n != b->n || a->id_index != b->id_index || a->is_help != b->is_help)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->flags[i].name != b->flags[i].name || a->flags[i].value != b->flags[i].value)
			return false;
	return true;
}

/*
 * Reads the flags of exec or update after argv[sub]. exec: in order, up to
 * the id. update: as runc reads it (reordered, then Go's flag package) and
 * as crun's argp reads it (options anywhere); where the two disagree
 * (`update c1 -r -`: runc reads the file "c1" for container "-") there is
 * no telling which reading applies, so refuse.
 */
static int walk_sub(int argc, char *const argv[], int sub, const struct sub_syntax *syn,
		    struct walk *ret, struct rg_error **err)
{
	int n = argc - sub - 1;
	_cleanup_free_ int *order = rg_xcalloc(n > 0 ? (size_t)n : 1, sizeof(int));
	/* At most one flag per item: allocated once (argv is attacker-sized). */
	struct walk w = {.id_index = -1}, other = {.id_index = -1};
	w.flags = rg_xcalloc(n > 0 ? (size_t)n : 1, sizeof(*w.flags));
	other.flags = rg_xcalloc(n > 0 ? (size_t)n : 1, sizeof(*other.flags));

	for (int k = 0; k < n; k++)
		order[k] = sub + 1 + k;
	int r = read_flags(argv, order, n, syn->is_in_order, syn, &w, err);
	if (r == 0 && !syn->is_in_order) {
		runc_reorder(argc, argv, sub, order);
		r = read_flags(argv, order, n, true, syn, &other, err);
		if (r == 0 && !same_walk(&w, &other))
			r = rg_error_set(
			    err, EINVAL,
			    "%s: runc and crun would read these arguments differently "
			    "(put the flags, as --flag=value, before the container id)",
			    syn->subcmd);
	}
	free(other.flags);
	if (r < 0) {
		free(w.flags);
		return r;
	}
	*ret = w;
	return 0;
}

/* Fills c from the walk: the id, --process, --resources. */
static void apply_walk(char *const argv[], const struct walk *w, struct rg_cli *c)
{
	if (w->id_index >= 0) {
		c->container_id = argv[w->id_index];
		c->id_index = w->id_index;
	}
	c->go_style_flag = w->go_style_flag;
	for (size_t i = 0; i < w->n; i++) {
		if (rg_streq(w->flags[i].name, "process"))
			c->process = w->flags[i].value;
		else if (rg_streq(w->flags[i].name, "resources"))
			c->resources = w->flags[i].value;
	}
}

int rg_cli_flags(int argc, char *const argv[], const struct rg_cli *cli, struct rg_cli_flag **ret,
		 size_t *ret_n, struct rg_error **err)
{
	const struct sub_syntax *syn = cli->subcmd ? find_syntax(cli->subcmd) : NULL;
	struct walk w;

	if (!syn || cli->subcmd_index < 0)
		return rg_error_set(err, EINVAL, "no exec or update command line");
	int r = walk_sub(argc, argv, cli->subcmd_index, syn, &w, err);
	if (r < 0)
		return r;
	*ret = w.flags;
	*ret_n = w.n;
	return 0;
}

int rg_cli_check_runtime(const struct rg_cli *cli, const char *runtime, struct rg_error **err)
{
	if (!cli->go_style_flag)
		return 0;
	if (rg_runtime_is_runc(runtime))
		return 0;
	return rg_error_set(err, EINVAL,
			    "%s: '%s' is a Go-style flag (one dash): runc reads it as '-%s', but "
			    "%s, unless it is runc, may read a short flag and a different value; "
			    "write it with two dashes",
			    cli->subcmd, cli->go_style_flag, cli->go_style_flag,
			    runtime ? runtime : "the real runtime");
}

int rg_cli_parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};

	if (!s)
		return -EINVAL;
	if (in_list(s, yes, RG_ARRAY_SIZE(yes))) {
		*ret = true;
		return 0;
	}
	if (in_list(s, no, RG_ARRAY_SIZE(no))) {
		*ret = false;
		return 0;
	}
	return -EINVAL;
}

void rg_argv_init(struct rg_argv *a, int argc, char *const argv[])
{
	*a = (struct rg_argv){.argc = argc, .insert_after = -1};
	a->v = rg_xcalloc((size_t)argc + 1, sizeof(char *));
	for (int i = 0; i < argc; i++)
		a->v[i] = argv[i];
}

void rg_argv_set(struct rg_argv *a, int i, char *value)
{
	a->owned = rg_xrealloc(a->owned, (a->n_owned + 1) * sizeof(char *));
	a->owned[a->n_owned++] = value;
	a->v[i] = value;
	a->is_changed = true;
}

void rg_argv_remove(struct rg_argv *a, int i)
{
	a->v[i] = NULL;
	a->is_changed = true;
}

void rg_argv_insert_after(struct rg_argv *a, int i, const char *value)
{
	a->insert_after = i;
	a->inserted = value;
	a->is_changed = true;
}

char **rg_argv_vector(struct rg_argv *a)
{
	char **out = rg_xcalloc((size_t)a->argc + 2, sizeof(char *));
	int o = 0;
	for (int i = 0; i < a->argc; i++) {
		if (a->v[i])
			out[o++] = a->v[i];
		if (a->inserted && i == a->insert_after)
			out[o++] = (char *)a->inserted;
	}
	free(a->v);
	a->v = out;
	a->argc = o;
	a->inserted = NULL;
	return a->v;
}

void rg_argv_free(struct rg_argv *a)
{
	for (size_t i = 0; i < a->n_owned; i++)
		free(a->owned[i]);
	free(a->owned);
	free(a->v);
	*a = (struct rg_argv){0};
}

int rg_cli_scan(int argc, char *const argv[], struct rg_cli *ret, struct rg_error **err)
{
	struct rg_cli c = {.kind = RG_CLI_PASSTHROUGH, .subcmd_index = -1, .id_index = -1};
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
	} else if (find_syntax(c.subcmd)) {
		const struct sub_syntax *syn = find_syntax(c.subcmd);
		struct walk w;
		int r = walk_sub(argc, argv, sub, syn, &w, err);
		if (r < 0)
			return r;
		apply_walk(argv, &w, &c);
		free(w.flags);
		/* "exec --help" or no container id: the runtime prints usage. */
		c.kind = (w.is_help || !c.container_id) ? RG_CLI_PASSTHROUGH : syn->kind;
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
