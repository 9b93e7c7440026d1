#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A minimal CRI v1 client: calls one RuntimeService method the way the
kubelet does and prints the answer as JSON.

    cri.py --endpoint unix:///run/containerd/containerd.sock \\
        [--gen DIR] [--timeout SECONDS] METHOD [REQUEST-JSON]

METHOD is a RuntimeService method (Version, RunPodSandbox, CreateContainer,
StartContainer, ContainerStatus, ExecSync, StopContainer, RemoveContainer,
StopPodSandbox, RemovePodSandbox, ListPodSandbox), or RemoveAllPodSandboxes,
which stops and removes every pod sandbox (a test's clean-up, in one
process). REQUEST-JSON is the
request message in protobuf's JSON mapping ("-" reads it from stdin; the
default is {}). The response is printed on stdout in the same mapping with
the proto field names; bytes fields (ExecSync's stdout and stderr) are
decoded as UTF-8 text. A gRPC error is printed on stderr as
"CODE: details" and the exit status is 1.

Messages come from runtime_v1_min.proto next to this file (the needed
subset of k8s.io/cri-api runtime.v1), compiled with protoc into --gen DIR
(default: a temporary directory) on first use. Needs Debian's
python3-grpcio, python3-protobuf and protobuf-compiler.
"""

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = "runtime_v1_min.proto"
SERVICE = "runtime.v1.RuntimeService"


def load_messages(gen_dir):
    module = os.path.join(gen_dir, "runtime_v1_min_pb2.py")
    src = os.path.join(HERE, PROTO)
    if not os.path.exists(module) or os.path.getmtime(module) < os.path.getmtime(src):
        os.makedirs(gen_dir, exist_ok=True)
        protoc = shutil.which("protoc")
        if not protoc:
            sys.exit("cri.py: protoc not found (apt-get install protobuf-compiler)")
        # Compile into a private directory, then rename: concurrent callers
        # never import a half-written module.
        tmp = tempfile.mkdtemp(dir=gen_dir)
        subprocess.run([protoc, "-I", HERE, "--python_out", tmp, src], check=True)
        os.replace(os.path.join(tmp, "runtime_v1_min_pb2.py"), module)
        os.rmdir(tmp)
    sys.path.insert(0, gen_dir)
    return importlib.import_module("runtime_v1_min_pb2")


def stub(pb, channel, name):
    method = pb.DESCRIPTOR.services_by_name["RuntimeService"].methods_by_name[name]
    req_cls = getattr(pb, method.input_type.name)
    resp_cls = getattr(pb, method.output_type.name)
    call = channel.unary_unary(
        "/%s/%s" % (SERVICE, name),
        request_serializer=req_cls.SerializeToString,
        response_deserializer=resp_cls.FromString,
    )
    return call, req_cls


def remove_all(pb, args, grpc):
    """Stops and removes every pod sandbox (and so its containers)."""
    failed = 0
    with grpc.insecure_channel(endpoint_of(args)) as channel:
        list_call, list_req = stub(pb, channel, "ListPodSandbox")
        stop_call, stop_req = stub(pb, channel, "StopPodSandbox")
        rm_call, rm_req = stub(pb, channel, "RemovePodSandbox")
        try:
            items = list_call(list_req(), timeout=args.timeout).items
        except grpc.RpcError as e:
            print("ListPodSandbox: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
            return 1
        for item in items:
            for call, req in ((stop_call, stop_req), (rm_call, rm_req)):
                try:
                    call(req(pod_sandbox_id=item.id), timeout=args.timeout)
                except grpc.RpcError as e:
                    print("%s: %s: %s" % (item.id, e.code().name, e.details()), file=sys.stderr)
                    failed = 1
            print(item.id)
    return failed


def endpoint_of(args):
    if args.endpoint.startswith("/"):
        return "unix://" + args.endpoint
    return args.endpoint


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--endpoint", required=True, help="unix:///path/to/containerd.sock")
    ap.add_argument("--gen", help="directory for the generated protobuf module")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("method")
    ap.add_argument("request", nargs="?", default="{}")
    args = ap.parse_args()

    import grpc
    from google.protobuf import json_format

    gen = args.gen or tempfile.mkdtemp(prefix="cri-pb-")
    pb = load_messages(gen)
    if args.method == "RemoveAllPodSandboxes":
        return remove_all(pb, args, grpc)
    if args.method not in pb.DESCRIPTOR.services_by_name["RuntimeService"].methods_by_name:
        sys.exit("cri.py: unknown method %s" % args.method)

    with grpc.insecure_channel(endpoint_of(args)) as channel:
        call, req_cls = stub(pb, channel, args.method)
        text = sys.stdin.read() if args.request == "-" else args.request
        req = json_format.Parse(text, req_cls())
        try:
            resp = call(req, timeout=args.timeout)
        except grpc.RpcError as e:
            print("%s: %s" % (e.code().name, e.details()), file=sys.stderr)
            return 1

    out = json_format.MessageToDict(
        resp, preserving_proto_field_name=True, including_default_value_fields=True
    )
    if args.method == "ExecSync":
        for k in ("stdout", "stderr"):
            out[k] = getattr(resp, k).decode("utf-8", "replace")
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
