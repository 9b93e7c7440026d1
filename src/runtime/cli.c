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

enum global_id {
	G_OTHER,
	G_ROOT,
	G_ROOTLESS,
	G_CRIU,
	G_CGROUP_MANAGER,
	G_LOG,
	G_LOG_FORMAT,
	G_DEBUG,
	G_HELP
};

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
    {"criu", true, G_CRIU},
    {"rootless", true, G_ROOTLESS},
    {"cgroup-manager", true, G_CGROUP_MANAGER}, /* crun */
    {"debug", false, G_DEBUG},
    {"systemd-cgroup", false, G_OTHER},
    {"help", false, G_HELP},
    {"h", false, G_HELP},
    {"version", false, G_OTHER},
    {"v", false, G_OTHER},
    {"V", false, G_OTHER}, /* crun */
};

/*
 * crun 1.8's global long options, argp's own included, for the unique-prefix
 * abbreviations its getopt_long accepts: "--ro X" is crun's --root X (root
 * and rootless are one option there, so no ambiguity), "--log-f json" its
 * --log-format. runc has no abbreviations and stops with a usage error, so
 * an abbreviation is read as crun reads it; root abbreviations set only
 * crun_root. --HANG takes its value only as "--HANG=SECS".
 */
static const struct global_flag crun_globals[] = {
    {"debug", false, G_DEBUG},
    {"cgroup-manager", true, G_CGROUP_MANAGER},
    {"systemd-cgroup", false, G_OTHER},
    {"log", true, G_LOG},
    {"log-format", true, G_LOG_FORMAT},
    {"root", true, G_ROOTLESS},
    {"rootless", true, G_ROOTLESS},
    {"version", false, G_OTHER},
    {"help", false, G_HELP},
    {"usage", false, G_HELP},
    {"program-name", true, G_OTHER},
    {"HANG", false, G_OTHER},
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
/*
 * The other subcommands of runc 1.1 (urfave's help, h included) and crun 1.8:
 * none of them starts a process in a container or changes what it may do, so
 * they pass through. Anything else is refused rather than passed on to a
 * runtime that may know it: crun 1.9's `mounts add` mounts host paths into a
 * running container, outside the policy.
 */
static const char *const passthrough_subcommands[] = {
    "checkpoint", "delete", "events", "kill",  "list",	   "pause", "ps",
    "resume",	  "spec",   "start",  "state", "features", "help",  "h",
};
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

/*
 * A help flag's "=value", read as runc does: urfave/cli defines "help, h" as a
 * Go bool flag, so "--help=false", "-h=0" and "-help=F" are no help and runc
 * goes on to run the command; only a bare flag or a true value shows help.
 * crun's argp rejects any "--help=..." and has no -h, so it never runs the
 * command either way. A value strconv.ParseBool refuses is refused here too
 * (runc would stop with a usage error). Returns 0 and sets *ret, or -EINVAL.
 */
static int help_value(const char *value, bool *ret)
{
	if (!value) {
		*ret = true;
		return 0;
	}
	return rg_cli_parse_bool(value, ret);
}

static int bad_bool(const char *subcmd, const char *arg, struct rg_error **err)
{
	return rg_error_set(err, EINVAL,
			    "%s: '%s': not a boolean value runc accepts (1, t, T, TRUE, true, "
			    "True, 0, f, F, FALSE, false, False)",
			    subcmd, arg);
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

/*
 * The global flag of item arg (name, len: its name): runc's and crun's exact
 * names, then a crun abbreviation ("--" only). NULL when unknown or ambiguous.
 */
static const struct global_flag *lookup_global(const char *arg, const char *name, size_t len)
{
	const struct global_flag *g = find_global(name, len), *found = NULL;

	if (g || strncmp(arg, "--", 2) != 0 || len == 0)
		return g;
	for (size_t i = 0; i < RG_ARRAY_SIZE(crun_globals); i++) {
		const struct global_flag *c = &crun_globals[i];
		if (strncmp(c->name, name, len) != 0)
			continue;
		if (found && (found->id != c->id || found->takes_value != c->takes_value))
			return NULL; /* getopt_long: ambiguous */
		found = c;
	}
	return found;
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
		c->crun_root = value;
		break;
	case G_ROOTLESS:
		c->crun_root = value;
		break;
	case G_CRIU:
		c->criu = value;
		break;
	case G_CGROUP_MANAGER:
		c->cgroup_manager = value;
		break;
	case G_LOG:
		c->log_path = value;
		break;
	case G_LOG_FORMAT:
		c->log_format = rg_streq(value, "json") ? RG_LOG_JSON : RG_LOG_TEXT;
		break;
	case G_DEBUG:
		/* Go bool flags also take "--debug=false" (scan_globals checked the value). */
		c->is_debug = true;
		rg_cli_parse_bool(value, &c->is_debug);
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
		const struct global_flag *g = lookup_global(argv[i], name, len);
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
		if (g->id == G_HELP && help_value(value, is_help) < 0) {
			*bad = argv[i];
			return -1;
		}
		if (g->id == G_DEBUG && value && rg_cli_parse_bool(value, &(bool){false}) < 0) {
			*bad = argv[i];
			return -1;
		}
		set_global(c, g->id, value ? value : "");
		i++;
	}
	return argc;
}

static void runc_reorder(int argc, char *const argv[], int sub, int *order);

/* Is arg one of create/run/restore's flags, as later urfave/cli 1.22's argIsFlag decides? */
static bool is_known_enforce_flag(const char *arg)
{
	if (arg[0] != '-' || rg_streq(arg, "-") || rg_streq(arg, "--"))
		return false;
	const char *name = arg + 1;
	if (*name == '-')
		name++;
	else if (*name == '\0')
		return false;
	if (*name == '-')
		name++;
	return find_enforce_flag(name, strcspn(name, "=")) != NULL;
}

/*
 * The reordering of later urfave/cli 1.22 releases, which distributions
 * build runc 1.1 with (Debian's runc 1.1.5+ds1: `runc create c1 -b -- x`
 * fails there, while upstream's vendored 1.22.1 creates x from bundle c1):
 * only known flags move to the front, an item after a flag without "=" is
 * its value unless it is a known flag ("--" included), and an unattached
 * "--" goes in front of the positionals, which all stay behind it.
 */
static void runc_reorder_known(int argc, char *const argv[], int sub, int *order)
{
	int n_flags = 0, n_other = 0;
	_cleanup_free_ int *other = rg_xcalloc((size_t)argc + 1, sizeof(int));
	bool is_value_next = false;
	int dashdash = -1;

	for (int i = sub + 1; i < argc; i++) {
		const char *a = argv[i];
		bool is_flag = is_known_enforce_flag(a);
		if (is_value_next && !is_flag) {
			is_value_next = false;
			order[n_flags++] = i;
		} else if (rg_streq(a, "--")) {
			dashdash = i;
			for (int k = i + 1; k < argc; k++)
				other[n_other++] = k;
			break;
		} else if (is_flag) {
			order[n_flags++] = i;
			is_value_next = !strchr(a, '=');
		} else {
			other[n_other++] = i;
		}
	}
	if (dashdash >= 0)
		order[n_flags++] = dashdash;
	memcpy(order + n_flags, other, (size_t)n_other * sizeof(int));
}

/* What one runtime's reading of a create/run/restore command line found. */
struct reading {
	const char *bundle, *config, *id, *go_style_flag;
	/* restore's flags that the policy judges */
	const char *lsm_profile, *lsm_mount_context, *manage_cgroups_mode;
	int id_index;
	int n_pos; /* positionals: runc needs exactly one */
	bool is_help;
};

/*
 * Reads argv[order[0..n)] as a create/run/restore command line: flags until
 * the first positional or "--" (Go's flag package; crun's argp with
 * ARGP_IN_ORDER), everything after is positional. A value flag takes the
 * next item whatever it looks like. Refuses unknown flags, missing values
 * and bool values runc's ParseBool refuses.
 */
static int read_enforced(char *const argv[], const int *order, int n, const char *subcmd,
			 struct reading *r, struct rg_error **err)
{
	bool is_stopped = false;

	*r = (struct reading){.id_index = -1};
	for (int k = 0; k < n; k++) {
		int i = order[k];
		const char *name, *value;
		size_t len;
		if (!is_stopped && rg_streq(argv[i], "--")) {
			is_stopped = true;
			continue;
		}
		if (is_stopped || !split_flag(argv[i], &name, &len, &value)) {
			is_stopped = true;
			if (r->n_pos++ == 0) {
				r->id = argv[i];
				r->id_index = i;
			}
			continue;
		}
		const struct flag *f = find_enforce_flag(name, len);
		if (!f)
			return rg_error_set(err, EINVAL,
					    "%s: unknown flag '%s': refusing to guess which bundle "
					    "the runtime would use",
					    subcmd, argv[i]);
		if (is_go_style(argv[i]) && !r->go_style_flag)
			r->go_style_flag = argv[i];
		if (f->takes_value && !value) {
			if (k + 1 >= n)
				return rg_error_set(err, EINVAL, "%s: flag '%s' needs a value",
						    subcmd, argv[i]);
			value = argv[order[++k]];
		}
		if (!f->takes_value && value && rg_cli_parse_bool(value, &(bool){false}) < 0)
			return bad_bool(subcmd, argv[i], err);
		if (name_is(name, len, "bundle") || name_is(name, len, "b"))
			r->bundle = value;
		else if (name_is(name, len, "config") || name_is(name, len, "f"))
			r->config = value;
		else if ((name_is(name, len, "help") || name_is(name, len, "h")) &&
			 help_value(value, &r->is_help) < 0)
			return bad_bool(subcmd, argv[i], err);
		else if (name_is(name, len, "lsm-profile"))
			r->lsm_profile = value;
		else if (name_is(name, len, "lsm-mount-context"))
			r->lsm_mount_context = value;
		else if (name_is(name, len, "manage-cgroups-mode"))
			r->manage_cgroups_mode = value;
	}
	return 0;
}

/* Would the runtime go on to create a container from this reading? */
static bool reading_runs(const struct reading *r, bool is_crun_restore)
{
	/* runc: exactly one argument; crun's restore takes one or two. */
	return !r->is_help && (r->n_pos == 1 || (is_crun_restore && r->n_pos == 2));
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && rg_streq(a, b));
}

/*
 * Scans the flags and positionals of create/run/restore under both
 * readings. runc (urfave/cli 1.22.1 without SkipArgReorder) first moves the
 * flags in front (runc_reorder), so in `create id -b -- x` it reads the
 * bundle "id" and the container "x"; crun (argp, ARGP_IN_ORDER) stops at
 * the first positional. A reading that would not create anything (help, a
 * wrong number of arguments: that runtime fails) does not count; when both
 * would create and disagree on the bundle, the id or --config, refuse.
 */
static int scan_enforced(int argc, char *const argv[], int sub, struct rg_cli *c, bool *is_help,
			 struct rg_error **err)
{
	int n = argc - sub - 1;
	_cleanup_free_ int *order = rg_xcalloc(n > 0 ? (size_t)n : 1, sizeof(int));
	struct reading rd[3]; /* runc (urfave 1.22.1), runc (later 1.22), crun */
	bool runs[3];
	const struct reading *use = NULL;

	for (int k = 0; k < 3; k++) {
		if (k == 0)
			runc_reorder(argc, argv, sub, order);
		else if (k == 1)
			runc_reorder_known(argc, argv, sub, order);
		else
			for (int j = 0; j < n; j++)
				order[j] = sub + 1 + j;
		int r = read_enforced(argv, order, n, c->subcmd, &rd[k], err);
		if (r < 0)
			return r;
		runs[k] = reading_runs(&rd[k], k == 2 && rg_streq(c->subcmd, "restore"));
		if (!runs[k])
			continue;
		if (use &&
		    (!same_str(use->bundle, rd[k].bundle) || !same_str(use->config, rd[k].config) ||
		     use->id_index != rd[k].id_index ||
		     !same_str(use->lsm_profile, rd[k].lsm_profile) ||
		     !same_str(use->lsm_mount_context, rd[k].lsm_mount_context) ||
		     !same_str(use->manage_cgroups_mode, rd[k].manage_cgroups_mode)))
			return rg_error_set(err, EINVAL,
					    "%s: runc and crun (or runc builds) would read these "
					    "arguments differently (bundle '%s' or '%s'): put the "
					    "flags before the container id",
					    c->subcmd, use->bundle ? use->bundle : ".",
					    rd[k].bundle ? rd[k].bundle : ".");
		use = use ? use : &rd[k];
	}
	*is_help = !use;
	use = use ? use : &rd[0];
	c->bundle = use->bundle;
	c->config_flag = use->config;
	c->container_id = use->id;
	c->id_index = use->id_index;
	c->lsm_profile = use->lsm_profile;
	c->lsm_mount_context = use->lsm_mount_context;
	c->manage_cgroups_mode = use->manage_cgroups_mode;
	for (int k = 0; k < 3 && !c->go_style_flag; k++)
		c->go_style_flag = rd[k].go_style_flag;
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
		/* Other bool values are judged where they are applied (execproc). */
		if (rg_streq(f->name, "help") && help_value(value, &w->is_help) < 0)
			return bad_bool(syn->subcmd, argv[i], err);
		if (rg_streq(f->name, "usage"))
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

char *rg_cli_unknown_msg(const struct rg_cli *cli)
{
	return rg_xasprintf("unknown subcommand '%s': runguard passes on only the runc and crun "
			    "subcommands it knows cannot start or change a container outside its "
			    "policy",
			    cli->subcmd);
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
		/* runguard's own usage for its own help spellings; crun's
		 * abbreviations ("--he") are the runtime's. */
		const struct global_flag *g = NULL;
		const char *name, *value;
		size_t len;
		if (is_help && argc == 2 && split_flag(argv[1], &name, &len, &value))
			g = find_global(name, len);
		if (g && g->id == G_HELP)
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
	} else if (!in_list(c.subcmd, passthrough_subcommands,
			    RG_ARRAY_SIZE(passthrough_subcommands))) {
		c.kind = RG_CLI_UNKNOWN;
	}
	*ret = c;
	return 0;
}
