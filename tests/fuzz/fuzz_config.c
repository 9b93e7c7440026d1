/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: runguard's own configuration file (JSON with comments),
 * through rg_config_parse_buffer, then profile selection for a few fixed
 * annotation sets and the check-config description. Asserted: the error
 * contract (a result or an error, never both), that a valid configuration
 * always yields a policy whose description is valid JSON, and that the
 * configuration tree survives parse(emit(t)) == t.
 *
 * A configuration naming a seccomp profile file is parsed and validated but
 * not selected: selection would read that file, and a fuzz target must not
 * depend on (or wander through) the machine's file system.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runguard/error.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/util.h"

#include "fuzz.h"

#define CONFIG_NAME "/etc/runguard/config.json"

/* Annotation sets a selector might match: none, a CRI pod, a workload asking for a profile. */
static const char *const config_annotation_texts[] = {
    "{}",
    ("{\"io.kubernetes.cri.sandbox-namespace\": \"kube-system\", "
     "\"io.kubernetes.cri.container-type\": \"container\", \"app\": \"web\"}"),
    "{\"run.runguard.profile\": \"restricted\", \"io.podman.annotations.privileged\": \"TRUE\"}",
    "{\"run.runguard.profile\": \"privileged\", \"org.opencontainers.image.ref.name\": \"x\"}",
};

static bool config_names_profile_file(const struct rg_config *c)
{
	const char *prof = rg_json_str(rg_json_get(rg_json_get(c->rules, "seccomp"), "profile"));
	return prof && !rg_streq(prof, "default");
}

static void config_select(const struct rg_config *c, const struct rg_json *annotations)
{
	struct rg_error *err = NULL;
	struct rg_policy p = {0};

	int r = rg_policy_select(c, annotations, &p, &err);
	FUZZ_ASSERT((r < 0) == (err != NULL));
	if (r < 0) {
		FUZZ_ASSERT(err->msg);
		rg_error_free(err);
		return;
	}
	FUZZ_ASSERT(p.name && p.reason && strncmp(p.digest, "sha256:", 7) == 0);
	char *text = rg_policy_describe(c, &p);
	struct rg_json *d = rg_json_parse(text, strlen(text), "describe", NULL, &err);
	FUZZ_ASSERT(d && !err);
	rg_json_free(d);
	free(text);
	rg_policy_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rg_error *err = NULL;
	struct rg_config c = {0};

	/* rg_config_load refuses files over 1 MiB before parsing. */
	if (size > 1024 * 1024)
		return 0;
	int r = rg_config_parse_buffer(CONFIG_NAME, (const char *)data, size, &c, &err);
	FUZZ_ASSERT((r < 0) == (err != NULL));
	if (r < 0) {
		FUZZ_ASSERT(err->msg && strncmp(err->msg, CONFIG_NAME, strlen(CONFIG_NAME)) == 0);
		rg_error_free(err);
		return 0;
	}
	FUZZ_ASSERT(c.is_loaded && rg_json_is(c.tree, RG_JSON_OBJECT) && c.profile);

	size_t len = 0;
	char *text = rg_json_emit(c.tree, true, &len);
	struct rg_json *back = rg_json_parse(text, len, "emitted", NULL, &err);
	FUZZ_ASSERT(back && !err && rg_json_equal(back, c.tree));
	rg_json_free(back);
	free(text);

	if (!config_names_profile_file(&c)) {
		config_select(&c, NULL);
		for (size_t i = 0; i < RG_ARRAY_SIZE(config_annotation_texts); i++) {
			const char *a = config_annotation_texts[i];
			struct rg_json *ann =
			    rg_json_parse(a, strlen(a), "annotations", NULL, &err);
			FUZZ_ASSERT(ann);
			config_select(&c, ann);
			rg_json_free(ann);
		}
	}
	rg_config_free(&c);
	return 0;
}
