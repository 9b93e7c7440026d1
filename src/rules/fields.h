/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_FIELDS_H
#define RUNGUARD_FIELDS_H

/* What the fields rule (src/rules/fields.c) says of one field of the runtime spec. */
enum rg_field_verdict {
	RG_FIELD_NESTED, /* an object whose own fields are listed */
	RG_FIELD_JUDGED, /* another rule judges it */
	RG_FIELD_HARMLESS, /* passed: whatever its value, nothing over the host */
	RG_FIELD_CHECKED, /* passed for the values the rule itself checks */
	RG_FIELD_REFUSED, /* refused when present */
};

/*
 * Calls fn for every leaf field of the table, in table order, with its JSON
 * path (".process.user.uid"; array items are not written), the verdict and
 * the reason or judging rule (static text). For documentation and tests.
 */
void rg_fields_each(void (*fn)(const char *path, enum rg_field_verdict v, const char *why,
			       void *data),
		    void *data);

#endif
