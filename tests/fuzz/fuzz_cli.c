/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the runtime argv scanner. The bytes, split on NUL, are
 * the arguments after argv[0] ("runguard"). Asserted:
 *
 *   - argv is never changed: the same pointers, the same bytes (it is
 *     forwarded to the real runtime as it came);
 *   - a result or an error, never both; scanning is deterministic;
 *   - every string the model returns is borrowed from argv (points into one
 *     of its strings), the subcommand is argv[subcmd_index];
 *   - `enforce` only for create, run and restore with a container id, exec
 *     and update only for those subcommands, and an own command never for a
 *     runc or crun subcommand (runguard's own names must not shadow one) and
 *     without a subcommand only for a lone --help/-h;
 *   - for exec and update, every flag rg_cli_flags reports sits after the
 *     subcommand with its value borrowed from argv; an unedited rg_argv
 *     gives back argv itself.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runguard/cli.h"
#include "runguard/error.h"
#include "runguard/util.h"

#include "fuzz.h"

#define CLI_MAX_ARGS 512

static bool cli_borrowed(const char *p, int argc, char *const argv[])
{
	if (!p)
		return true;
	for (int i = 0; i < argc; i++)
		if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
			return true;
	return false;
}

static bool cli_is_one_of(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rg_streq(s, names[i]))
			return true;
	return false;
}

/* "-h", "--help", "-help=x": what the scanner takes for a help flag. */
static bool cli_is_help(const char *arg)
{
	if (arg[0] != '-')
		return false;
	arg += arg[1] == '-' ? 2 : 1;
	size_t n = strcspn(arg, "=");
	return (n == 4 && strncmp(arg, "help", 4) == 0) || (n == 1 && arg[0] == 'h');
}

static bool cli_same(const struct rg_cli *a, const struct rg_cli *b)
{
	return a->kind == b->kind && a->subcmd_index == b->subcmd_index && a->subcmd == b->subcmd &&
	       a->root == b->root && a->log_path == b->log_path && a->log_format == b->log_format &&
	       a->is_debug == b->is_debug && a->bundle == b->bundle &&
	       a->container_id == b->container_id && a->config_flag == b->config_flag &&
	       a->id_index == b->id_index && a->process == b->process &&
	       a->resources == b->resources;
}

static void cli_check_flags(int argc, char *const argv[], const struct rg_cli *c)
{
	struct rg_cli_flag *flags = NULL;
	struct rg_error *err = NULL;
	size_t n = 0;

	int r = rg_cli_flags(argc, argv, c, &flags, &n, &err);
	FUZZ_ASSERT((r < 0) == (err != NULL));
	for (size_t i = 0; r == 0 && i < n; i++) {
		FUZZ_ASSERT(flags[i].name);
		FUZZ_ASSERT(flags[i].index > c->subcmd_index && flags[i].index < argc);
		FUZZ_ASSERT(flags[i].value_index >= flags[i].index && flags[i].value_index < argc);
		FUZZ_ASSERT(cli_borrowed(flags[i].value, argc, argv));
	}
	free(flags);
	rg_error_free(err);
}

static void cli_check(int argc, char *const argv[], const struct rg_cli *c)
{
	static const char *const enforced[] = {"create", "run", "restore"};
	/* Subcommands of runc 1.1 and crun 1.8. */
	static const char *const runtime[] = {
	    "checkpoint", "create", "delete", "events", "exec",	 "features", "help",
	    "init",	  "kill",   "list",   "mounts", "pause", "ps",	     "restore",
	    "resume",	  "run",    "spec",   "start",	"state", "update",
	};

	FUZZ_ASSERT(c->subcmd_index >= -1 && c->subcmd_index < argc);
	if (c->subcmd_index >= 1)
		FUZZ_ASSERT(c->subcmd == argv[c->subcmd_index]);
	else
		FUZZ_ASSERT(c->subcmd == NULL && c->subcmd_index == -1);
	FUZZ_ASSERT(cli_borrowed(c->root, argc, argv));
	FUZZ_ASSERT(cli_borrowed(c->log_path, argc, argv));
	FUZZ_ASSERT(cli_borrowed(c->bundle, argc, argv));
	FUZZ_ASSERT(cli_borrowed(c->container_id, argc, argv));
	FUZZ_ASSERT(cli_borrowed(c->config_flag, argc, argv));
	FUZZ_ASSERT(cli_borrowed(c->process, argc, argv));
	FUZZ_ASSERT(cli_borrowed(c->resources, argc, argv));
	if (c->id_index >= 0)
		FUZZ_ASSERT(c->id_index < argc && c->container_id == argv[c->id_index]);
	switch (c->kind) {
	case RG_CLI_ENFORCE:
		FUZZ_ASSERT(c->subcmd &&
			    cli_is_one_of(c->subcmd, enforced, RG_ARRAY_SIZE(enforced)));
		FUZZ_ASSERT(c->container_id);
		break;
	case RG_CLI_OWN:
		if (c->subcmd)
			FUZZ_ASSERT(!cli_is_one_of(c->subcmd, runtime, RG_ARRAY_SIZE(runtime)));
		else
			FUZZ_ASSERT(argc == 2 && cli_is_help(argv[1]));
		break;
	case RG_CLI_EXEC:
		FUZZ_ASSERT(c->subcmd && rg_streq(c->subcmd, "exec"));
		cli_check_flags(argc, argv, c);
		break;
	case RG_CLI_UPDATE:
		FUZZ_ASSERT(c->subcmd && rg_streq(c->subcmd, "update"));
		cli_check_flags(argc, argv, c);
		break;
	case RG_CLI_UNKNOWN:
		/* never one runguard judges (crun's "mounts" is one it does not know) */
		FUZZ_ASSERT(c->subcmd &&
			    !cli_is_one_of(c->subcmd, enforced, RG_ARRAY_SIZE(enforced)) &&
			    !rg_streq(c->subcmd, "exec") && !rg_streq(c->subcmd, "update"));
		break;
	case RG_CLI_PASSTHROUGH:
		break;
	default:
		FUZZ_ASSERT(!"unknown kind");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[CLI_MAX_ARGS + 1];
	char *saved[CLI_MAX_ARGS + 1];
	int argc = 0;

	/* One copy of the bytes, NUL-terminated, holds every argument. */
	char *buf = rg_xmalloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *copy = rg_xmalloc(size + 1);
	memcpy(copy, buf, size + 1);

	argv[argc++] = (char *)"runguard";
	for (size_t i = 0; i <= size && argc < CLI_MAX_ARGS;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
		if (i > size)
			break;
	}
	argv[argc] = NULL;
	memcpy(saved, argv, sizeof(argv[0]) * (size_t)(argc + 1));

	struct rg_cli c = {0}, c2 = {0};
	struct rg_error *err = NULL, *err2 = NULL;
	int r = rg_cli_scan(argc, argv, &c, &err);
	FUZZ_ASSERT((r < 0) == (err != NULL));
	FUZZ_ASSERT(memcmp(saved, argv, sizeof(argv[0]) * (size_t)(argc + 1)) == 0);
	FUZZ_ASSERT(memcmp(copy, buf, size + 1) == 0);
	FUZZ_ASSERT(strcmp(argv[0], "runguard") == 0);

	int r2 = rg_cli_scan(argc, argv, &c2, &err2);
	FUZZ_ASSERT(r2 == r);
	if (r < 0) {
		FUZZ_ASSERT(err->msg && err2->msg && strcmp(err->msg, err2->msg) == 0);
	} else {
		FUZZ_ASSERT(cli_same(&c, &c2));
		cli_check(argc, argv, &c);
		/* An rg_argv nobody edited is argv, item for item. */
		struct rg_argv a;
		rg_argv_init(&a, argc, argv);
		char **v = rg_argv_vector(&a);
		for (int i = 0; i < argc; i++)
			FUZZ_ASSERT(v[i] == argv[i]);
		FUZZ_ASSERT(v[argc] == NULL && !a.is_changed);
		rg_argv_free(&a);
	}
	rg_error_free(err);
	rg_error_free(err2);
	free(copy);
	free(buf);
	return 0;
}
