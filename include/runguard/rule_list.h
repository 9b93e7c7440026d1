/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rule table, in enforcement order: one line per rule, naming the
 * struct rg_rule its module (src/rules/<key>.c) exports. No include guard:
 * the includer defines RG_RULE(sym) first. rules.h makes the externs of it,
 * src/engine/registry.c the table.
 *
 * Fixed order: the spec allowlist (fields) first, so that a field no rule
 * judges refuses before anything is changed; then capabilities, since
 * seccomp resolves against the final capabilities; annotations (which
 * strips runtime-specific ones) before annotate, which stamps runguard's
 * own and summarises the others, last.
 *
 * A rule added here must also be in every shipped profile
 * (profiles/{baseline,restricted,privileged}.json), README.md's rule table
 * and doc/runguard.8: tests/unit/engine/test_registry.c fails otherwise.
 */
RG_RULE(rg_rule_fields)
RG_RULE(rg_rule_capabilities)
RG_RULE(rg_rule_seccomp)
RG_RULE(rg_rule_seccomp_deny)
RG_RULE(rg_rule_selinux)
RG_RULE(rg_rule_no_new_privileges)
RG_RULE(rg_rule_user)
RG_RULE(rg_rule_resources)
RG_RULE(rg_rule_paths)
RG_RULE(rg_rule_namespaces)
RG_RULE(rg_rule_mounts)
RG_RULE(rg_rule_devices)
RG_RULE(rg_rule_sysctls)
RG_RULE(rg_rule_rlimits)
RG_RULE(rg_rule_hooks)
RG_RULE(rg_rule_annotations)
RG_RULE(rg_rule_rootfs)
RG_RULE(rg_rule_apparmor)
RG_RULE(rg_rule_annotate)
