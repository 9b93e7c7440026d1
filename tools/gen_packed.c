/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Build-time generator: gen_packed IN.json OUT parses IN with runguard's own
 * parser and writes the tree packed (src/lib/jsonpack.c), for embedding.
 */
#include <stdio.h>
#include <stdlib.h>

#include "runguard/fileio.h"
#include "runguard/json.h"
#include "runguard/util.h"

int main(int argc, char *argv[])
{
	struct rg_error *err = NULL;
	char *text = NULL;
	size_t len = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: gen_packed IN.json OUT\n");
		return 2;
	}
	if (rg_file_read(argv[1], RG_JSON_MAX_SIZE, &text, &len, &err) < 0) {
		fprintf(stderr, "gen_packed: %s\n", err->msg);
		return 1;
	}
	struct rg_json *j = rg_json_parse(text, len, argv[1], NULL, &err);
	if (!j) {
		fprintf(stderr, "gen_packed: %s\n", err->msg);
		return 1;
	}
	size_t n = 0;
	char *packed = rg_json_pack(j, &n);
	FILE *f = fopen(argv[2], "wbe");
	if (!f || fwrite(packed, 1, n, f) != n || fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	free(packed);
	free(text);
	rg_json_free(j);
	return 0;
}
