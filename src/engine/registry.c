/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rule registry: the table of rules in enforcement order, made from
 * the one list in include/runguard/rule_list.def (adding a rule: one line
 * there). The runner is src/engine/enforce.c; what rules call is
 * src/rules/rule_api.c.
 */
#include "runguard/rules.h"
#include "runguard/util.h"

#define RG_RULE(sym) &sym,
static const struct rg_rule *const rule_table[] = {
#include "runguard/rule_list.def"
};
#undef RG_RULE

const struct rg_rule *const *rg_rules_all(size_t *ret_n)
{
	*ret_n = RG_ARRAY_SIZE(rule_table);
	return rule_table;
}

const struct rg_rule *rg_rule_find(const char *name)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(rule_table); i++)
		if (rg_streq(rule_table[i]->name, name))
			return rule_table[i];
	return NULL;
}
