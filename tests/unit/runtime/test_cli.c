/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the runtime argv model (rg_cli_scan). The cases are data:
 * one table row per argv, with what runc/crun would make of it. Every row
 * also checks that the argv is left exactly as it came (same pointers, same
 * bytes) and that the strings in the result are borrowed from argv.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runguard/cli.h"
#include "runguard/error.h"
#include "runguard/util.h"

#define MAX_ARGS 48

struct cli_case {
	const char *name;
	const char *argv[MAX_ARGS]; /* NULL-terminated; argv[0] is added by the test */
	int ret; /* 0 or -EINVAL */
	const char *err_contains; /* for ret < 0: a substring of the message */
	enum rg_cli_kind kind;
	int subcmd_index; /* -1 when there is no subcommand */
	const char *subcmd;
	const char *bundle;
	const char *container_id;
	const char *root;
	const char *log_path;
	enum rg_log_format log_format;
	bool is_debug;
	const char *config_flag;
	const char *process;
	const char *resources;
	const char *go_style_flag;
	const char *crun_root; /* NULL: the same as root */
	const char *criu;
	const char *cgroup_manager;
};

/* argv after argv[0]; the test prepends "runc". */
#define ARGS(...) .argv = {__VA_ARGS__, NULL}
#define NOARGS .argv = {NULL}
#define PASS(idx, sub) .kind = RG_CLI_PASSTHROUGH, .subcmd_index = (idx), .subcmd = (sub)
#define NOSUB .kind = RG_CLI_PASSTHROUGH, .subcmd_index = -1, .subcmd = NULL
#define ENF(idx, sub, id)                                                                          \
	.kind = RG_CLI_ENFORCE, .subcmd_index = (idx), .subcmd = (sub), .container_id = (id)
#define FAIL(substr) .ret = -EINVAL, .err_contains = (substr)
/* Refused by main (or passed on and recorded when every mode is dry). */
#define UNKNOWN(idx, sub) .kind = RG_CLI_UNKNOWN, .subcmd_index = (idx), .subcmd = (sub)
#define EXEC(idx, id)                                                                              \
	.kind = RG_CLI_EXEC, .subcmd_index = (idx), .subcmd = "exec", .container_id = (id)
#define UPD(idx, id)                                                                               \
	.kind = RG_CLI_UPDATE, .subcmd_index = (idx), .subcmd = "update", .container_id = (id)

static const struct cli_case cases[] = {
    /* ---- global flags ---- */
    {"global: --flag value",
     ARGS("--root", "/r", "--log", "/l", "--log-format", "json", "state", "c1"), PASS(7, "state"),
     .root = "/r", .log_path = "/l", .log_format = RG_LOG_JSON},
    {"global: --flag=value", ARGS("--root=/r", "--log=/l", "--log-format=json", "list"),
     PASS(4, "list"), .root = "/r", .log_path = "/l", .log_format = RG_LOG_JSON},
    {"global: Go-style -root x", ARGS("-root", "/r", "-log", "/l", "list"), PASS(5, "list"),
     .root = "/r", .log_path = "/l"},
    {"global: Go-style -root=x", ARGS("-root=/r", "-log-format=text", "list"), PASS(3, "list"),
     .root = "/r", .log_format = RG_LOG_TEXT},
    {"global: empty value --root=", ARGS("--root=", "list"), PASS(2, "list"), .root = ""},
    {"global: unknown log format is text", ARGS("--log-format", "xml", "list"), PASS(3, "list"),
     .log_format = RG_LOG_TEXT},
    {"global: last --log-format wins", ARGS("--log-format=json", "--log-format=text", "list"),
     PASS(3, "list"), .log_format = RG_LOG_TEXT},
    {"global: bool flags take no value",
     ARGS("--debug", "--systemd-cgroup", "--root", "/r", "create", "-b", "/b", "c1"),
     ENF(5, "create", "c1"), .bundle = "/b", .root = "/r", .is_debug = true},
    {"global: Go-style bool -debug", ARGS("-debug", "create", "c1"), ENF(2, "create", "c1"),
     .is_debug = true},
    {"global: value flags of runc and crun",
     ARGS("--rootless", "true", "--criu", "/usr/sbin/criu", "--cgroup-manager", "systemd",
	  "--log-level", "debug", "create", "--bundle", "/b", "c1"),
     ENF(9, "create", "c1"), .bundle = "/b", .crun_root = "true", .criu = "/usr/sbin/criu",
     .cgroup_manager = "systemd"},
    {"global: -- before the subcommand",
     ARGS("--root", "/r", "--", "create", "--bundle", "/b", "c1"), ENF(4, "create", "c1"),
     .bundle = "/b", .root = "/r"},
    {"global: -- alone then a passthrough subcommand", ARGS("--", "state", "c1"), PASS(2, "state")},
    {"global: a flag value that reads 'create' is a value", ARGS("--log", "create", "state", "c1"),
     PASS(3, "state"), .log_path = "create"},
    {"global: no arguments", NOARGS, NOSUB},

    /* ---- enforced subcommands and their bundle ---- */
    {"create --bundle x", ARGS("create", "--bundle", "/b", "c1"), ENF(1, "create", "c1"),
     .bundle = "/b"},
    {"create -b x", ARGS("create", "-b", "/b", "c1"), ENF(1, "create", "c1"), .bundle = "/b"},
    {"create --bundle=x", ARGS("create", "--bundle=/b", "c1"), ENF(1, "create", "c1"),
     .bundle = "/b"},
    {"create -bundle x (Go-style)", ARGS("create", "-bundle", "/b", "c1"), ENF(1, "create", "c1"),
     .bundle = "/b", .go_style_flag = "-bundle"},
    {"create -b=x", ARGS("create", "-b=/b", "c1"), ENF(1, "create", "c1"), .bundle = "/b",
     .go_style_flag = "-b=/b"},
    {"create -b x -d: no Go-style flag", ARGS("create", "-b", "/b", "-d", "c1"),
     ENF(1, "create", "c1"), .bundle = "/b"},
    {"create --bundle=x with '=' in the value", ARGS("create", "--bundle=/b=c", "c1"),
     ENF(1, "create", "c1"), .bundle = "/b=c"},
    {"create: flags after the container id", ARGS("create", "c1", "--bundle", "/b"),
     ENF(1, "create", "c1"), .bundle = "/b"},
    {"create: flags on both sides of the id",
     ARGS("create", "--pid-file", "/p", "c1", "--console-socket", "/s", "-b", "/b"),
     ENF(1, "create", "c1"), .bundle = "/b"},
    {"create: -- then the id", ARGS("create", "--bundle", "/b", "--", "c1"), ENF(1, "create", "c1"),
     .bundle = "/b"},
    {"create: -- then a dash-leading id", ARGS("create", "-b", "/b", "--", "-c1"),
     ENF(1, "create", "-c1"), .bundle = "/b"},
    /* Three arguments for runc and crun alike: both fail, nothing to enforce. */
    {"create: after --, --bundle is positional", ARGS("create", "--", "c1", "--bundle", "/b"),
     PASS(1, "create"), .container_id = "c1"},
    {"create: default bundle is NULL", ARGS("create", "c1"), ENF(1, "create", "c1"),
     .bundle = NULL},
    {"create: other value flags do not set the bundle", ARGS("create", "--console-socket=/s", "c1"),
     ENF(1, "create", "c1"), .bundle = NULL},
    {"create: last --bundle wins (as Go's flag package)",
     ARGS("create", "-b", "/a", "--bundle", "/b", "c1"), ENF(1, "create", "c1"), .bundle = "/b"},
    {"create: the value of --bundle may start with a dash", ARGS("create", "--bundle", "-x", "c1"),
     ENF(1, "create", "c1"), .bundle = "-x"},
    {"create: two arguments: runc and crun fail", ARGS("create", "c1", "extra"), PASS(1, "create"),
     .container_id = "c1"},
    {"create: crun --config", ARGS("create", "--config", "/c.json", "c1"), ENF(1, "create", "c1"),
     .config_flag = "/c.json"},
    {"create: crun -f=", ARGS("create", "-f=/c.json", "-b", "/b", "c1"), ENF(1, "create", "c1"),
     .bundle = "/b", .config_flag = "/c.json", .go_style_flag = "-f=/c.json"},
    {"run with runc's flags",
     ARGS("run", "-d", "--pid-file", "/p", "--console-socket", "/s", "--no-subreaper", "--keep",
	  "--no-pivot", "--no-new-keyring", "--preserve-fds", "3", "-b", "/b", "c1"),
     ENF(1, "run", "c1"), .bundle = "/b"},
    {"run: bool flag with =value", ARGS("run", "--detach=true", "c1"), ENF(1, "run", "c1")},
    {"restore with criu flags",
     ARGS("restore", "--image-path", "/img", "--work-path", "/w", "--tcp-established",
	  "--manage-cgroups-mode", "soft", "--bundle", "/b", "c1"),
     ENF(1, "restore", "c1"), .bundle = "/b"},

    /* ---- passthrough subcommands ---- */
    {"state", ARGS("state", "c1"), PASS(1, "state")},
    {"list", ARGS("list", "--format", "json"), PASS(1, "list")},
    {"kill with a signal", ARGS("kill", "c1", "KILL"), PASS(1, "kill")},
    {"kill --all", ARGS("kill", "--all", "c1", "9"), PASS(1, "kill")},
    {"delete -f", ARGS("delete", "-f", "c1"), PASS(1, "delete")},
    {"spec", ARGS("spec", "--rootless"), PASS(1, "spec")},
    {"features", ARGS("features"), PASS(1, "features")},
    {"checkpoint", ARGS("checkpoint", "--image-path", "/i", "--leave-running", "c1"),
     PASS(1, "checkpoint")},
    {"ps", ARGS("ps", "c1", "--", "-ef"), PASS(1, "ps")},
    {"events", ARGS("events", "--stats", "c1"), PASS(1, "events")},
    {"pause", ARGS("pause", "c1"), PASS(1, "pause")},
    {"resume", ARGS("resume", "c1"), PASS(1, "resume")},
    {"runc help subcommand", ARGS("help"), PASS(1, "help")},
    {"subcommand names are case-sensitive: CREATE is unknown, refused",
     ARGS("CREATE", "--bogus", "c1"), UNKNOWN(1, "CREATE")},
    {"crun mounts add: refused", ARGS("mounts", "add", "c1", "/m.json"), UNKNOWN(1, "mounts")},
    {"an unknown subcommand: refused", ARGS("--root", "/r", "frobnicate", "c1"),
     UNKNOWN(3, "frobnicate"), .root = "/r"},
    {"crun abbreviation --ro is crun's root", ARGS("--ro", "/r", "state", "c1"), PASS(3, "state"),
     .crun_root = "/r"},
    {"crun: the last of --root and --rootless", ARGS("--rootless", "/x", "--root", "/r", "list"),
     PASS(5, "list"), .root = "/r"},
    {"crun: --rootless after --root", ARGS("--root", "/r", "--rootless=/x", "list"),
     PASS(4, "list"), .root = "/r", .crun_root = "/x"},
    {"runc: the last --criu", ARGS("--criu", "/a", "-criu=/b", "list"), PASS(4, "list"),
     .criu = "/b"},
    {"crun: --cgroup-manager and its abbreviation",
     ARGS("--cgroup-manager", "systemd", "--cg=disabled", "list"), PASS(4, "list"),
     .cgroup_manager = "disabled"},
    {"crun abbreviation --log-f", ARGS("--log-f", "json", "list"), PASS(3, "list"),
     .log_format = RG_LOG_JSON},
    {"ambiguous crun abbreviation --l before run: error", ARGS("--l", "x", "run", "c1"),
     FAIL("--l")},
    {"crun abbreviation --ro before exec is read", ARGS("--ro", "/r", "exec", "c1", "sh"),
     EXEC(3, "c1"), .crun_root = "/r"},
    {"--version", ARGS("--version"), NOSUB},
    {"-v", ARGS("-v"), NOSUB},
    {"crun -V", ARGS("-V"), NOSUB},
    {"--root then --version", ARGS("--root", "/r", "--version"), NOSUB, .root = "/r"},

    /* ---- exec: flags end at the container id; the rest is the command ---- */
    {"exec: command flags are not exec's", ARGS("exec", "c1", "sh", "-c", "echo --cap"),
     EXEC(1, "c1")},
    {"exec: common flags",
     ARGS("exec", "--tty", "-e", "A=B", "-u", "1000:1000", "--cwd", "/", "c1", "sh"),
     EXEC(1, "c1")},
    {"exec: every runc 1.1 flag",
     ARGS("exec", "--console-socket", "/s", "--env=X=1", "-t", "--user=0", "--additional-gids", "5",
	  "-g", "6", "-d", "--pid-file", "/p", "--process-label", "l", "--apparmor", "a",
	  "--no-new-privs", "--preserve-fds", "2", "--cgroup", "x", "--ignore-paused", "c1",
	  "true"),
     EXEC(1, "c1")},
    {"exec -p", ARGS("exec", "-p", "/p.json", "c1"), EXEC(1, "c1"), .process = "/p.json"},
    {"exec --process=", ARGS("exec", "--process=/p.json", "c1"), EXEC(1, "c1"),
     .process = "/p.json"},
    {"exec -process (Go-style)", ARGS("exec", "-process", "/p", "c1"), EXEC(1, "c1"),
     .process = "/p", .go_style_flag = "-process"},
    {"exec: a Go-style value or command argument is no Go-style flag",
     ARGS("exec", "-e", "-weird", "c1", "sh", "-c", "true"), EXEC(1, "c1")},
    {"update -r=- (Go-style)", ARGS("update", "--memory", "1G", "-r=-", "c1"), UPD(1, "c1"),
     .resources = "-", .go_style_flag = "-r=-"},
    {"exec: last --process wins", ARGS("exec", "-p", "/a", "--process", "/b", "c1"), EXEC(1, "c1"),
     .process = "/b"},
    {"exec: --process after the id is the command's", ARGS("exec", "c1", "--process", "/p"),
     EXEC(1, "c1")},
    {"exec: --cap forms",
     ARGS("exec", "--cap", "CAP_A", "--cap=CAP_B", "-c", "CAP_C", "c1", "true"), EXEC(1, "c1")},
    {"exec: Go bool with =value", ARGS("exec", "--no-new-privs=false", "--tty=true", "c1", "true"),
     EXEC(1, "c1")},
    {"exec: value may start with a dash", ARGS("exec", "-e", "-weird", "c1", "true"),
     EXEC(1, "c1")},
    {"exec: -- then the id", ARGS("exec", "-d", "--", "c1", "ls"), EXEC(1, "c1")},
    {"exec: -- then a dash-leading id", ARGS("exec", "--", "-c1", "ls"), EXEC(1, "-c1")},
    {"exec: global flags first", ARGS("--root", "/r", "exec", "-p", "/p", "c1"), EXEC(3, "c1"),
     .root = "/r", .process = "/p"},
    {"exec: crun's --usage", ARGS("exec", "--usage"), PASS(1, "exec")},
    {"exec --help", ARGS("exec", "--help"), PASS(1, "exec")},
    {"exec -h with an id", ARGS("exec", "-h", "c1", "true"), PASS(1, "exec"), .container_id = "c1"},
    {"exec without an id", ARGS("exec"), PASS(1, "exec")},
    {"exec -d without an id", ARGS("exec", "-d"), PASS(1, "exec")},
    {"exec with an unknown flag: error",
     ARGS("exec", "--tty", "--no-such-flag", "-e", "A=B", "c1", "sh"), FAIL("--no-such-flag")},
    {"exec whose command is 'create', unknown flag: error", ARGS("exec", "--bogus", "c1", "create"),
     FAIL("--bogus")},
    {"exec: clustered short flags: error", ARGS("exec", "-td", "c1", "sh"), FAIL("-td")},
    {"exec: argp-style attached value: error", ARGS("exec", "-cCAP_SYS_ADMIN", "c1", "sh"),
     FAIL("-cCAP_SYS_ADMIN")},
    {"exec: abbreviated flag: error", ARGS("exec", "--proc", "/p", "c1"), FAIL("--proc")},
    {"exec: --cap without a value: error", ARGS("exec", "--cap"), FAIL("--cap")},
    {"exec: unknown global flag: error", ARGS("--bogus", "exec", "c1", "true"), FAIL("--bogus")},

    /* ---- update: flags anywhere, as runc reorders them ---- */
    {"update --memory", ARGS("update", "--memory", "1M", "c1"), UPD(1, "c1")},
    {"update: flags after the id", ARGS("update", "c1", "--memory", "1G", "--pids-limit=5"),
     UPD(1, "c1")},
    {"update -r -", ARGS("update", "-r", "-", "c1"), UPD(1, "c1"), .resources = "-"},
    {"update --resources=file", ARGS("update", "--resources=/r.json", "c1"), UPD(1, "c1"),
     .resources = "/r.json"},
    {"update: negative value", ARGS("update", "--memory", "-1", "c1"), UPD(1, "c1")},
    {"update: -- then the id", ARGS("update", "--memory=1G", "--", "c1"), UPD(1, "c1")},
    {"update: extra positional (runc refuses it)", ARGS("update", "c1", "c2"), UPD(1, "c1")},
    {"update: every flag",
     ARGS("update", "--blkio-weight", "10", "--cpu-period", "100", "--cpu-quota", "5",
	  "--cpu-share", "3", "--cpu-rt-period", "1", "--cpu-rt-runtime", "1", "--cpuset-cpus", "0",
	  "--cpuset-mems", "0", "--kernel-memory", "1", "--kernel-memory-tcp", "1",
	  "--memory-reservation", "1", "--memory-swap", "2", "--l3-cache-schema", "x",
	  "--mem-bw-schema", "y", "--cpu-burst", "1", "--cpu-idle", "1", "c1"),
     UPD(1, "c1")},
    {"update --help", ARGS("update", "--help"), PASS(1, "update")},
    {"update without an id", ARGS("update"), PASS(1, "update")},
    {"update --memory without an id", ARGS("update", "--memory", "1G"), PASS(1, "update")},
    {"update: runc and crun disagree: error", ARGS("update", "c1", "-r", "-"), FAIL("differently")},
    {"update: unknown flag: error", ARGS("update", "--bogus", "1", "c1"), FAIL("--bogus")},
    {"update: missing value: error", ARGS("update", "c1", "-r"), FAIL("-r")},

    /* ---- unknown or incomplete global flags ---- */
    {"unknown global flag, no enforced word: passthrough", ARGS("--bogus", "state", "c1"), NOSUB},
    {"unknown Go-style global flag, no enforced word", ARGS("-bogus=1", "list"), NOSUB},
    {"unknown global flag before create: error", ARGS("--bogus", "create", "c1"), FAIL("--bogus")},
    {"unknown global flag before run: error", ARGS("--bogus", "x", "run", "c1"), FAIL("--bogus")},
    {"unknown global flag, restore later: error", ARGS("--root", "/r", "-x", "list", "restore"),
     FAIL("-x")},
    /* crun reads it as --root /r (judged with the runtime: rg_globals_check); runc errors. */
    {"crun-style abbreviated global flag before create: read as crun's",
     ARGS("--ro", "/r", "create", "c1"), ENF(3, "create", "c1"), .crun_root = "/r"},
    {"global flag without its value: passthrough", ARGS("--root"), NOSUB},
    {"global flag without its value, create earlier: error", ARGS("--log", "create", "--root"),
     FAIL("--root")},

    /* ---- malformed enforced argv ---- */
    {"unknown flag on create: error", ARGS("create", "--bogus", "c1"), FAIL("--bogus")},
    {"unknown flag with value on run: error", ARGS("run", "--bogus=1", "-b", "/b", "c1"),
     FAIL("--bogus=1")},
    {"unknown flag after the id: error", ARGS("create", "c1", "--bogus"), FAIL("--bogus")},
    {"argp-style attached value -b/path: error", ARGS("create", "-b/b", "c1"), FAIL("-b/b")},
    {"argp-style abbreviation --bund: error", ARGS("create", "--bund", "/b", "c1"), FAIL("--bund")},
    {"global flag after create: error", ARGS("create", "--root", "/r", "c1"), FAIL("--root")},
    /* runc moves the flag in front and takes the id as its value: no id, runc fails;
     * crun sees two arguments and fails. */
    {"missing value: create id --bundle", ARGS("create", "c1", "--bundle"), PASS(1, "create"),
     .bundle = "c1"},
    {"missing value: create id -b", ARGS("create", "c1", "-b"), PASS(1, "create"), .bundle = "c1"},
    /* crun's restore takes a second argument: its reading runs. */
    {"missing value: restore id --image-path", ARGS("restore", "c1", "--image-path"),
     ENF(1, "restore", "c1")},
    {"missing value at the very end: create -b", ARGS("create", "-b"), FAIL("-b")},
    /* ---- runc reorders create/run/restore (urfave/cli), crun reads in order ---- */
    /* upstream runc (urfave 1.22.1) creates x from bundle c1; Debian's fails */
    {"create c1 -b -- x: upstream runc's reading", ARGS("create", "c1", "-b", "--", "x"),
     ENF(1, "create", "x"), .bundle = "c1"},
    {"runc: run id --detach x -b y: runc and crun fail",
     ARGS("run", "c1", "--detach", "x", "-b", "y"), PASS(1, "run"), .container_id = "x"},
    {"runc: flags after the id are read", ARGS("run", "c1", "-b", "/b", "--detach"),
     ENF(1, "run", "c1"), .bundle = "/b"},
    {"runc: the last -b wins, after the id too", ARGS("create", "-b", "/a", "c1", "-b", "/b"),
     ENF(1, "create", "c1"), .bundle = "/b"},
    {"no id left after --pid-file: nothing runs", ARGS("create", "-b", "/b", "--pid-file", "c1"),
     PASS(1, "create"), .bundle = "/b"},
    /* urfave pulls c1 behind --no-pivot as a value: Go stops there, three arguments. */
    {"run --no-pivot id -b B: runc fails (Incorrect Usage)",
     ARGS("run", "--no-pivot", "c1", "-b", "/b"), PASS(1, "run"), .container_id = "c1"},
    {"later urfave: a value that looks like a flag", ARGS("create", "c1", "--pid-file", "-x"),
     ENF(1, "create", "c1")},

    /* ---- enforced words that create nothing ---- */
    {"create --help", ARGS("create", "--help"), PASS(1, "create")},
    {"create -h with an id", ARGS("create", "-h", "c1"), PASS(1, "create"), .container_id = "c1"},
    {"create without an id", ARGS("create"), PASS(1, "create")},
    {"create --bundle x without an id", ARGS("create", "--bundle", "/b"), PASS(1, "create"),
     .bundle = "/b"},
    {"run -d without an id", ARGS("run", "-d"), PASS(1, "run")},

    /* ---- runguard's own commands ---- */
    {"info", ARGS("info"), .kind = RG_CLI_OWN, .subcmd_index = 1, .subcmd = "info"},
    {"info after global flags", ARGS("--root", "/r", "info"), .kind = RG_CLI_OWN, .subcmd_index = 3,
     .subcmd = "info", .root = "/r"},
    /* ---- help with a value: runc's help is a Go bool flag ---- */
    {"run --help=false is no help", ARGS("run", "--help=false", "-b", "/b", "c1"),
     ENF(1, "run", "c1"), .bundle = "/b"},
    {"create -h=0 is no help", ARGS("create", "-h=0", "-b", "/b", "c1"), ENF(1, "create", "c1"),
     .bundle = "/b", .go_style_flag = "-h=0"},
    {"create -help=F is no help", ARGS("create", "-help=F", "c1"), ENF(1, "create", "c1"),
     .go_style_flag = "-help=F"},
    {"run --help=False after the id", ARGS("run", "-b", "/b", "c1", "--help=False"),
     ENF(1, "run", "c1"), .bundle = "/b"},
    {"restore -h=f", ARGS("restore", "-h=f", "c1"), ENF(1, "restore", "c1"),
     .go_style_flag = "-h=f"},
    {"run: the last help flag wins", ARGS("run", "--help", "--help=false", "c1"),
     ENF(1, "run", "c1")},
    {"run --help=true is help", ARGS("run", "--help=true", "c1"), PASS(1, "run"),
     .container_id = "c1"},
    {"run -h=1 is help", ARGS("run", "-h=1", "c1"), PASS(1, "run"), .container_id = "c1",
     .go_style_flag = "-h=1"},
    {"run --help=maybe refuses", ARGS("run", "--help=maybe", "c1"), FAIL("not a boolean")},
    {"run --detach=maybe refuses", ARGS("run", "--detach=maybe", "c1"), FAIL("not a boolean")},
    {"exec --help=false is an exec", ARGS("exec", "--help=false", "c1", "sh"), EXEC(1, "c1")},
    {"exec -h=0 is an exec", ARGS("exec", "-h=0", "c1", "sh"), EXEC(1, "c1"),
     .go_style_flag = "-h=0"},
    {"exec -help=FALSE is an exec", ARGS("exec", "-help=FALSE", "c1", "sh"), EXEC(1, "c1"),
     .go_style_flag = "-help=FALSE"},
    {"update --help=0 is an update", ARGS("update", "--help=0", "--pids-limit=5", "c1"),
     UPD(1, "c1")},
    {"update -h=false is an update", ARGS("update", "-h=false", "c1"), UPD(1, "c1"),
     .go_style_flag = "-h=false"},
    {"exec --help=x refuses", ARGS("exec", "--help=x", "c1", "sh"), FAIL("not a boolean")},
    {"global --help=false run is a run", ARGS("--help=false", "run", "c1"), ENF(2, "run", "c1")},
    {"global -h=0 create is a create", ARGS("-h=0", "create", "c1"), ENF(2, "create", "c1")},
    {"global --help=no refuses before run", ARGS("--help=no", "run", "c1"), FAIL("global flag")},
    {"global --debug=x refuses before run", ARGS("--debug=x", "run", "c1"), FAIL("global flag")},
    {"global --debug=false", ARGS("--debug=false", "run", "c1"), ENF(2, "run", "c1")},
    {"--help alone", ARGS("--help"), .kind = RG_CLI_OWN, .subcmd_index = -1},
    {"crun's abbreviation --he alone is the runtime's", ARGS("--he"), NOSUB},
    {"-h alone", ARGS("-h"), .kind = RG_CLI_OWN, .subcmd_index = -1},
    {"--help with a subcommand is the runtime's", ARGS("--help", "state"), PASS(2, "state")},
    {"--help with other global flags is the runtime's", ARGS("--root", "/r", "--help"), NOSUB,
     .root = "/r"},
};

static int count_args(const struct cli_case *c)
{
	int n = 0;
	while (c->argv[n])
		n++;
	return n;
}

/* True when p points into one of the argv strings (borrowed, not copied). */
static bool borrowed_from(const char *p, char *const argv[], int argc)
{
	for (int i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]);
		if (p >= argv[i] && p <= argv[i] + len)
			return true;
	}
	return false;
}

static void check_str(const char *field, const char *want, const char *got, char *const argv[],
		      int argc)
{
	if (!want) {
		if (got)
			fail_msg("%s: want NULL, got '%s'", field, got);
		return;
	}
	if (!got)
		fail_msg("%s: want '%s', got NULL", field, want);
	if (strcmp(want, got) != 0)
		fail_msg("%s: want '%s', got '%s'", field, want, got);
	if (!borrowed_from(got, argv, argc))
		fail_msg("%s: '%s' is not borrowed from argv", field, got);
}

static void run_case(void **state)
{
	const struct cli_case *c = *state;
	int argc = count_args(c) + 1;
	/* Writable copies, as the kernel hands them to main(). */
	char **argv = rg_xcalloc((size_t)argc + 1, sizeof(*argv));
	char **saved_ptr = rg_xcalloc((size_t)argc + 1, sizeof(*saved_ptr));
	char **saved_str = rg_xcalloc((size_t)argc + 1, sizeof(*saved_str));
	struct rg_error *err = NULL;
	struct rg_cli cli, before;

	argv[0] = rg_xstrdup("runc");
	for (int i = 1; i < argc; i++)
		argv[i] = rg_xstrdup(c->argv[i - 1]);
	for (int i = 0; i <= argc; i++) {
		saved_ptr[i] = argv[i];
		saved_str[i] = argv[i] ? rg_xstrdup(argv[i]) : NULL;
	}
	memset(&cli, 0xa5, sizeof(cli));
	memcpy(&before, &cli, sizeof(cli));

	int r = rg_cli_scan(argc, argv, &cli, &err);

	/* argv untouched: same pointers, same bytes, still NULL-terminated. */
	for (int i = 0; i <= argc; i++) {
		assert_ptr_equal(argv[i], saved_ptr[i]);
		if (saved_str[i])
			assert_string_equal(argv[i], saved_str[i]);
	}

	if (c->ret < 0) {
		assert_int_equal(r, c->ret);
		assert_non_null(err);
		assert_non_null(err->msg);
		if (c->err_contains && !strstr(err->msg, c->err_contains))
			fail_msg("error '%s' does not mention '%s'", err->msg, c->err_contains);
		/* ret_* out-parameters are written only on success. */
		assert_memory_equal(&cli, &before, sizeof(cli));
	} else {
		if (r != 0)
			fail_msg("rg_cli_scan returned %d: %s", r, err ? err->msg : "(no error)");
		assert_null(err);
		assert_int_equal(cli.kind, c->kind);
		assert_int_equal(cli.subcmd_index, c->subcmd_index);
		check_str("subcmd", c->subcmd, cli.subcmd, argv, argc);
		if (c->subcmd)
			assert_ptr_equal(cli.subcmd, argv[c->subcmd_index]);
		check_str("bundle", c->bundle, cli.bundle, argv, argc);
		check_str("container_id", c->container_id, cli.container_id, argv, argc);
		check_str("root", c->root, cli.root, argv, argc);
		check_str("crun_root", c->crun_root ? c->crun_root : c->root, cli.crun_root, argv,
			  argc);
		check_str("criu", c->criu, cli.criu, argv, argc);
		check_str("cgroup_manager", c->cgroup_manager, cli.cgroup_manager, argv, argc);
		check_str("log_path", c->log_path, cli.log_path, argv, argc);
		check_str("config_flag", c->config_flag, cli.config_flag, argv, argc);
		check_str("process", c->process, cli.process, argv, argc);
		check_str("resources", c->resources, cli.resources, argv, argc);
		check_str("go_style_flag", c->go_style_flag, cli.go_style_flag, argv, argc);
		if (c->container_id)
			assert_string_equal(argv[cli.id_index], c->container_id);
		assert_int_equal(cli.log_format, c->log_format);
		assert_int_equal(cli.is_debug, c->is_debug);
	}

	rg_error_free(err);
	for (int i = 0; i < argc; i++) {
		free(argv[i]);
		free(saved_str[i]);
	}
	free(argv);
	free(saved_ptr);
	free(saved_str);
}

/* err may be NULL: the error is then only returned. */
static void test_null_err(void **state)
{
	char *argv[] = {(char *)"runc", (char *)"create", (char *)"--bogus", (char *)"c1", NULL};
	struct rg_cli cli;

	(void)state;
	assert_int_equal(rg_cli_scan(4, argv, &cli, NULL), -EINVAL);
}

/*
 * Go-style flags pass only to a runtime named runc: crun's argp reads
 * "-b=/x" as the bundle "=/x" and "-bundle" as "-b undle".
 */
static void test_check_runtime(void **state)
{
	static const struct {
		const char *runtime;
		int ret;
	} rows[] = {
	    {"/usr/sbin/runc", 0},
	    {"/usr/local/bin/runc.amd64", 0},
	    {"/usr/bin/crun", -EINVAL},
	    {"/opt/bin/my-runtime", -EINVAL},
	    {"/opt/crun/runc-crun", -EINVAL},
	    {NULL, -EINVAL},
	};
	struct rg_cli go = {.subcmd = "create", .go_style_flag = "-b=/b"};
	struct rg_cli plain = {.subcmd = "create"};

	(void)state;
	for (size_t i = 0; i < RG_ARRAY_SIZE(rows); i++) {
		struct rg_error *err = NULL;
		assert_int_equal(rg_cli_check_runtime(&plain, rows[i].runtime, &err), 0);
		assert_null(err);
		assert_int_equal(rg_cli_check_runtime(&go, rows[i].runtime, &err), rows[i].ret);
		if (rows[i].ret < 0) {
			assert_non_null(err);
			assert_non_null(strstr(err->msg, "'-b=/b'"));
			assert_non_null(strstr(err->msg, "two dashes"));
		}
		rg_error_free(err);
	}
}

int main(void)
{
	size_t n = RG_ARRAY_SIZE(cases);
	struct CMUnitTest *tests = rg_xcalloc(n + 2, sizeof(*tests));

	for (size_t i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	tests[n].name = "err may be NULL";
	tests[n].test_func = test_null_err;
	tests[n + 1].name = "Go-style flags only for runc";
	tests[n + 1].test_func = test_check_runtime;

	int failed = _cmocka_run_group_tests("cli", tests, n + 2, NULL, NULL);
	free(tests);
	return failed;
}
