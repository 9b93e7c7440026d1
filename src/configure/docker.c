/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `runguard configure docker`: the runtime in daemon.json.
 *
 * daemon.json is edited as text, so that the operator's formatting and
 * every other byte survive: a structural scan finds the members involved,
 * new members are appended to their object, changed values replaced. The
 * result is parsed again and must equal the same change made on the JSON
 * tree (which keeps every key, in order); if it does not, the tree is
 * written out instead. --remove takes out runtimes.runguard (and "runtimes"
 * if that leaves it empty) and "default-runtime": "runguard" the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runguard/configure.h"
#include "runguard/fileio.h"
#include "runguard/hostpath.h"
#include "runguard/json.h"
#include "runguard/toml.h"
#include "runguard/util.h"

struct jmember {
	char *key;
	size_t key_start;
	size_t value_start, value_end;
};

struct jobject {
	size_t start, end; /* from '{' to just past '}' */
	struct jmember m[256];
	size_t n;
};

static size_t json_ws(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

/* End of the (already validated) JSON value that starts at i. */
static size_t json_skip(const char *t, size_t len, size_t i)
{
	int depth = 0;
	do {
		char c = t[i];
		if (c == '"') {
			for (i++; i < len && t[i] != '"'; i++)
				if (t[i] == '\\')
					i++;
			i++;
		} else if (c == '{' || c == '[') {
			depth++;
			i++;
		} else if (c == '}' || c == ']') {
			depth--;
			i++;
		} else if (depth > 0 && (c == ',' || c == ':' || c == ' ' || c == '\t' ||
					 c == '\n' || c == '\r')) {
			i++;
		} else {
			while (i < len && !strchr(",:]} \t\r\n", t[i]))
				i++;
		}
	} while (depth > 0 && i < len);
	return i;
}

/* The members of the object at t[start] == '{'; false if it is not an object. */
static bool json_object(const char *t, size_t len, size_t start, struct jobject *o)
{
	o->n = 0;
	o->start = start;
	if (start >= len || t[start] != '{')
		return false;
	size_t i = json_ws(t, len, start + 1);
	while (i < len && t[i] != '}') {
		size_t ks = i, ke = json_skip(t, len, i);
		_cleanup_json_ struct rg_json *k =
		    rg_json_parse(t + ks, ke - ks, "key", NULL, NULL);
		i = json_ws(t, len, ke);
		i = json_ws(t, len, i + 1); /* ':' */
		size_t vs = i, ve = json_skip(t, len, i);
		if (o->n < RG_ARRAY_SIZE(o->m) && rg_json_str(k))
			o->m[o->n++] = (struct jmember){rg_xstrdup(rg_json_str(k)), ks, vs, ve};
		i = json_ws(t, len, ve);
		if (i < len && t[i] == ',')
			i = json_ws(t, len, i + 1);
	}
	o->end = i + 1;
	return true;
}

static void jobject_free(struct jobject *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->m[i].key);
	o->n = 0;
}

static const struct jmember *jget(const struct jobject *o, const char *key)
{
	for (size_t i = 0; i < o->n; i++)
		if (rg_streq(o->m[i].key, key))
			return &o->m[i];
	return NULL;
}

/* Appends "key": value to an object, in the layout of its existing members. */
static void json_add_member(struct rg_toml_edits *ed, const char *t, const struct jobject *o,
			    const char *parent_indent, const char *key, const char *value)
{
	_cleanup_json_ struct rg_json *k = rg_json_new_string(key);
	_cleanup_free_ char *kq = rg_json_emit(k, false, NULL);
	bool multi = memchr(t + o->start, '\n', o->end - o->start) != NULL;
	_cleanup_free_ char *ind = NULL;

	if (o->n > 0) {
		/* The indentation of the first member, if it starts a line. */
		size_t ks = o->m[0].key_start, ls = ks;
		while (ls > o->start && t[ls - 1] != '\n')
			ls--;
		bool blank = ls > o->start;
		for (size_t i = ls; blank && i < ks; i++)
			blank = t[i] == ' ' || t[i] == '\t';
		ind = blank ? rg_xstrndup(t + ls, ks - ls) : NULL;
	}
	if (!ind)
		ind = rg_xasprintf("%s\t", parent_indent);
	_cleanup_free_ char *text = NULL;
	if (o->n == 0) {
		text = rg_xasprintf("\n%s%s: %s\n%s", ind, kq, value, parent_indent);
		rg_toml_edit(ed, o->end - 1, o->end - 1, text);
		return;
	}
	text = multi ? rg_xasprintf(",\n%s%s: %s", ind, kq, value)
		     : rg_xasprintf(", %s: %s", kq, value);
	rg_toml_edit(ed, o->m[o->n - 1].value_end, o->m[o->n - 1].value_end, text);
}

/*
 * Removes the members marked gone[i] from o as text edits, with their
 * commas: a run of them goes from the end of the member before it, or up
 * to the member after it, or the whole inside of the object.
 */
static void json_remove_members(struct rg_toml_edits *ed, const struct jobject *o, const bool *gone)
{
	for (size_t a = 0; a < o->n; a++) {
		size_t b = a;
		if (!gone[a])
			continue;
		while (b + 1 < o->n && gone[b + 1])
			b++;
		if (a > 0)
			rg_toml_edit(ed, o->m[a - 1].value_end, o->m[b].value_end, "");
		else if (b + 1 < o->n)
			rg_toml_edit(ed, o->m[0].key_start, o->m[b + 1].key_start, "");
		else
			rg_toml_edit(ed, o->start + 1, o->end - 1, "");
		a = b;
	}
}

/* The text of daemon.json without runguard's runtime (and default); NULL: use the tree. */
static char *docker_remove_text(const char *t, size_t len, bool is_default, bool is_runtime,
				size_t *ret_len)
{
	struct jobject top = {0}, rts = {0};
	struct rg_toml_edits ed = {0};
	bool gone[RG_ARRAY_SIZE(top.m)] = {false}, rgone[RG_ARRAY_SIZE(rts.m)] = {false};
	char *out = NULL;

	if (json_object(t, len, json_ws(t, len, 0), &top)) {
		const struct jmember *mr = jget(&top, "runtimes");
		if (is_runtime && mr && json_object(t, len, mr->value_start, &rts)) {
			for (size_t i = 0; i < rts.n; i++)
				rgone[i] = rg_streq(rts.m[i].key, RG_CONFIGURE_NAME);
			if (rts.n == 1 && rgone[0])
				gone[mr - top.m] = true;
			else
				json_remove_members(&ed, &rts, rgone);
		}
		for (size_t i = 0; is_default && i < top.n; i++)
			gone[i] = gone[i] || rg_streq(top.m[i].key, "default-runtime");
		json_remove_members(&ed, &top, gone);
		out = rg_toml_edits_apply(t, len, &ed, ret_len);
	}
	rg_toml_edits_free(&ed);
	jobject_free(&top);
	jobject_free(&rts);
	return out;
}

/* The indentation of the line holding offset i. */
static char *line_indent(const char *t, size_t i)
{
	size_t ls = i;
	while (ls > 0 && t[ls - 1] != '\n')
		ls--;
	size_t e = ls;
	while (t[e] == ' ' || t[e] == '\t')
		e++;
	return rg_xstrndup(t + ls, e - ls);
}

static char *json_compact(const struct rg_json *j)
{
	return rg_json_emit(j, false, NULL);
}

/* The runtime entry on one line: {"path": "...", "runtimeArgs": [...]}. */
static char *entry_json(const struct rg_json *entry)
{
	struct rg_buf b = {0};
	rg_buf_putc(&b, '{');
	for (size_t i = 0; i < entry->n; i++) {
		_cleanup_json_ struct rg_json *k = rg_json_new_string(entry->u.members[i].key);
		_cleanup_free_ char *kq = json_compact(k);
		_cleanup_free_ char *v = json_compact(entry->u.members[i].value);
		rg_buf_printf(&b, "%s%s: %s", i ? ", " : "", kq, v);
	}
	rg_buf_putc(&b, '}');
	return rg_buf_steal(&b);
}

/* The text edits matching what rg_configure_docker does to the tree. */
static char *docker_text(const char *t, size_t len, const struct rg_configure_opts *o,
			 const struct rg_json *entry, size_t *ret_len)
{
	struct jobject top = {0}, rts = {0}, mine = {0};
	struct rg_toml_edits ed = {0};
	size_t root = json_ws(t, len, 0);
	_cleanup_json_ struct rg_json *binj = rg_json_new_string(o->binary);
	_cleanup_free_ char *bq = json_compact(binj);
	_cleanup_free_ char *entry_text = entry_json(entry);
	char *out = NULL;

	/* An empty object has no layout to keep: the tree is written instead. */
	if (!json_object(t, len, root, &top) || top.n == 0) {
		jobject_free(&top);
		return NULL;
	}
	const struct jmember *mr = jget(&top, "runtimes");
	if (!mr) {
		_cleanup_free_ char *v =
		    rg_xasprintf("{\"%s\": %s}", RG_CONFIGURE_NAME, entry_text);
		json_add_member(&ed, t, &top, "", "runtimes", v);
	} else if (json_object(t, len, mr->value_start, &rts)) {
		const struct jmember *mm = jget(&rts, RG_CONFIGURE_NAME);
		_cleanup_free_ char *pind = line_indent(t, mr->key_start);
		if (!mm) {
			json_add_member(&ed, t, &rts, pind, RG_CONFIGURE_NAME, entry_text);
		} else if (json_object(t, len, mm->value_start, &mine)) {
			const struct jmember *mp = jget(&mine, "path");
			_cleanup_free_ char *mind = line_indent(t, mm->key_start);
			if (!mp)
				json_add_member(&ed, t, &mine, mind, "path", bq);
			else if (strncmp(t + mp->value_start, bq,
					 mp->value_end - mp->value_start) != 0 ||
				 strlen(bq) != mp->value_end - mp->value_start)
				rg_toml_edit(&ed, mp->value_start, mp->value_end, bq);
		}
	}
	if (o->is_default) {
		const struct jmember *md = jget(&top, "default-runtime");
		_cleanup_free_ char *q = rg_xasprintf("\"%s\"", RG_CONFIGURE_NAME);
		if (!md)
			json_add_member(&ed, t, &top, "", "default-runtime", q);
		else if (strncmp(t + md->value_start, q, strlen(q)) != 0)
			rg_toml_edit(&ed, md->value_start, md->value_end, q);
	}
	out = rg_toml_edits_apply(t, len, &ed, ret_len);
	rg_toml_edits_free(&ed);
	jobject_free(&top);
	jobject_free(&rts);
	jobject_free(&mine);
	return out;
}

/* The source of runtimeArgs to copy: the default runtime, if it runs runc itself. */
static const struct rg_json *runc_args(const struct rg_json *tree, const struct rg_json *rts)
{
	const char *def = rg_json_str(rg_json_get(tree, "default-runtime"));
	const struct rg_json *src =
	    def && !rg_streq(def, RG_CONFIGURE_NAME) ? rg_json_get(rts, def) : NULL;
	const char *path = rg_json_str(rg_json_get(src, "path"));
	const char *base = path ? strrchr(path, '/') : NULL;
	/* Another runtime's flags (crun's, kata's) would only make runc fail. */
	if (!base || !rg_streq(base + 1, "runc"))
		return NULL;
	return rg_json_get(src, "runtimeArgs");
}

/*
 * Records daemon.json's new text: out (the text edit, taken) if it parses
 * to the same tree as the change made on `tree`, else the tree written out
 * (same keys, same order).
 */
static void plan_daemon_json(struct rg_configure_plan *p, const char *path, const char *text,
			     size_t len, char *out, size_t out_len, const struct rg_json *tree)
{
	_cleanup_json_ struct rg_json *check =
	    out ? rg_json_parse(out, out_len, path, NULL, NULL) : NULL;
	if (!check || !rg_json_equal(check, tree)) {
		free(out);
		out = rg_json_emit(tree, true, &out_len);
	}
	rg_configure_add_file(p, path, text, len, out, out_len, 0644);
	free(out);
}

/* --remove: runtimes.runguard, if it runs o->binary, and "default-runtime": "runguard". */
static int docker_remove(const struct rg_configure_opts *o, struct rg_configure_plan *p,
			 const char *path, const char *text, size_t len, struct rg_json *tree,
			 struct rg_error **err)
{
	struct rg_json *rts = rg_json_get(tree, "runtimes");
	const struct rg_json *mine = rg_json_get(rts, RG_CONFIGURE_NAME);
	const char *cur = rg_json_str(rg_json_get(mine, "path"));
	const char *def = rg_json_str(rg_json_get(tree, "default-runtime"));
	bool is_our_default = def && rg_streq(def, RG_CONFIGURE_NAME);
	size_t out_len = 0;

	if (mine && (!cur || !rg_streq(cur, o->binary))) {
		_cleanup_free_ char *where =
		    rg_xasprintf("%s: .runtimes.%s", path, RG_CONFIGURE_NAME);
		return rg_configure_not_ours(o, where, cur, err);
	}
	if (!mine && !is_our_default)
		return 0;
	char *out = docker_remove_text(text, len, is_our_default, mine != NULL, &out_len);
	/* An emptied "runtimes" goes too (configure adds it when it is missing). */
	if (mine && rg_json_remove(rts, RG_CONFIGURE_NAME) && rts->n == 0)
		rg_json_remove(tree, "runtimes");
	if (is_our_default)
		rg_json_remove(tree, "default-runtime");
	plan_daemon_json(p, path, text, len, out, out_len, tree);
	return 0;
}

/*
 * daemon.json: "runtimes": {"runguard": {"path": BIN}} (with the
 * runtimeArgs of the default runtime when that is a runc), and
 * "default-runtime" with --default. Rewritten only when something changes.
 */
int rg_configure_docker(const struct rg_configure_opts *o, struct rg_configure_plan *p,
			struct rg_error **err)
{
	_cleanup_free_ char *dir =
	    rg_hostpath_join(o->root, o->config_dir ? o->config_dir : "/etc/docker");
	_cleanup_free_ char *path =
	    o->file ? rg_hostpath_join(o->root, o->file) : rg_xasprintf("%s/daemon.json", dir);
	_cleanup_free_ char *text = NULL;
	_cleanup_json_ struct rg_json *tree = NULL;
	size_t len = 0;
	bool is_changed = false;

	p->restart = "reload dockerd to load it: systemctl reload docker (dockerd re-reads "
		     "\"runtimes\" and \"default-runtime\" on SIGHUP), or systemctl restart docker";
	int r = rg_hostpath_read(o->root, path, RG_JSON_MAX_SIZE, &text, &len, err);
	if (r == -ENOENT && o->is_remove) {
		return 0;
	} else if (r == -ENOENT) {
		tree = rg_json_new(RG_JSON_OBJECT);
		is_changed = true;
	} else if (r < 0) {
		return r;
	} else {
		tree = rg_json_parse(text, len, path, NULL, err);
		if (!tree)
			return -EINVAL;
		if (!rg_json_is(tree, RG_JSON_OBJECT))
			return rg_error_set(err, EINVAL, "%s: expected a JSON object, got %s", path,
					    rg_json_type_name(tree->type));
	}
	struct rg_json *rts = rg_json_get(tree, "runtimes");
	if (rts && !rg_json_is(rts, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: .runtimes: expected an object, got %s", path,
				    rg_json_type_name(rts->type));
	struct rg_json *mine = rg_json_get(rts, RG_CONFIGURE_NAME);
	if (mine && !rg_json_is(mine, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: .runtimes.%s: expected an object, got %s",
				    path, RG_CONFIGURE_NAME, rg_json_type_name(mine->type));
	if (o->is_remove)
		return docker_remove(o, p, path, text, len, tree, err);
	if (!rts) {
		rts = rg_json_new(RG_JSON_OBJECT);
		rg_json_set(tree, "runtimes", rts);
		is_changed = true;
	}
	if (!mine) {
		mine = rg_json_new(RG_JSON_OBJECT);
		rg_json_set(mine, "path", rg_json_new_string(o->binary));
		const struct rg_json *args = runc_args(tree, rts);
		if (args)
			rg_json_set(mine, "runtimeArgs", rg_json_clone(args));
		rg_json_set(rts, RG_CONFIGURE_NAME, mine);
		is_changed = true;
	} else {
		const char *cur = rg_json_str(rg_json_get(mine, "path"));
		if (!cur || !rg_streq(cur, o->binary)) {
			rg_json_set(mine, "path", rg_json_new_string(o->binary));
			is_changed = true;
		}
	}
	const char *def = rg_json_str(rg_json_get(tree, "default-runtime"));
	if (o->is_default && (!def || !rg_streq(def, RG_CONFIGURE_NAME))) {
		rg_json_set(tree, "default-runtime", rg_json_new_string(RG_CONFIGURE_NAME));
		is_changed = true;
	} else if (!o->is_default && (!def || !rg_streq(def, RG_CONFIGURE_NAME))) {
		rg_configure_note(p,
				  "docker's default runtime stays %s: use `docker run --runtime "
				  "%s`, or run again with --default",
				  def ? def : "runc", RG_CONFIGURE_NAME);
	}
	if (!is_changed)
		return 0;
	size_t out_len = 0;
	char *out = text ? docker_text(text, len, o, mine, &out_len) : NULL;
	plan_daemon_json(p, path, text, len, out, out_len, tree);
	return 0;
}
