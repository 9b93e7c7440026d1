#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""jsonpatch.py ORIG PATCH: applies an RFC 6902 patch (add/remove/replace) to
ORIG and prints the result as compact JSON with key order preserved. Only the
standard library, so the test does not depend on a patch implementation that
might share runguard's assumptions."""
import json
import sys


def unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


def walk(doc, pointer):
    parts = [unescape(p) for p in pointer.split("/")[1:]]
    parent = doc
    for p in parts[:-1]:
        parent = parent[int(p)] if isinstance(parent, list) else parent[p]
    return parent, parts[-1]


def apply(doc, op):
    path = op["path"]
    if path == "":
        if op["op"] in ("add", "replace"):
            return op["value"]
        raise SystemExit("cannot remove the root")
    parent, key = walk(doc, path)
    if isinstance(parent, list):
        idx = len(parent) if key == "-" else int(key)
        if op["op"] == "add":
            parent.insert(idx, op["value"])
        elif op["op"] == "replace":
            parent[idx] = op["value"]
        elif op["op"] == "remove":
            del parent[idx]
        else:
            raise SystemExit("unsupported op " + op["op"])
    else:
        if op["op"] == "add":
            parent[key] = op["value"]
        elif op["op"] == "replace":
            if key not in parent:
                raise SystemExit("replace of missing member " + path)
            parent[key] = op["value"]
        elif op["op"] == "remove":
            del parent[key]
        else:
            raise SystemExit("unsupported op " + op["op"])
    return doc


def main():
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    with open(sys.argv[2]) as f:
        patch = json.load(f)
    for op in patch:
        doc = apply(doc, op)
    print(json.dumps(doc, separators=(",", ":")))


main()
