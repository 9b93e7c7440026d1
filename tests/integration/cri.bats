#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# containerd's CRI plugin with a runtime handler "runguard" (runtime_type
# io.containerd.runc.v2, options.BinaryName = runguard): the path a
# Kubernetes RuntimeClass takes. The CRI API is driven directly, as the
# kubelet would, by tests/integration/cri/cri.py (a minimal CRI v1 client
# on Debian's python3-grpcio). The suite starts its own containerd
# (engines.bash); pods get a private network namespace from a stand-in CNI
# plugin (cni_fake) that changes nothing on the host; the "pause" image is
# the busybox test image, whose command sleeps for ever.
#
# containerd (1.6) puts these annotations into every config.json it hands
# the runtime: io.kubernetes.cri.container-type (sandbox | container),
# io.kubernetes.cri.sandbox-namespace, -name, -id, io.kubernetes.cri.
# container-name; and the pod's own annotations that the handler's
# pod_annotations list lets through (here run.runguard.profile).

load helpers
load engines

setup_file() {
	CD_MISSING=""
	local b
	for b in containerd ctr containerd-shim-runc-v2 podman protoc /usr/bin/python3; do
		command -v "$b" >/dev/null || CD_MISSING+="$b is not installed; "
	done
	if [[ -x /usr/bin/python3 ]] && ! /usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null; then
		CD_MISSING+="python3-grpcio or python3-protobuf is not installed; "
	fi
	export CD_MISSING
	[[ -n "$CD_MISSING" ]] && return 0
	export CD_USES_CRI=1
	containerd_start
}

teardown_file() {
	containerd_stop
	rg_forget_caches
}

setup() {
	rg_setup
	[[ -z "$CD_MISSING" ]] ||
		require_or_skip "${CD_MISSING}apt-get install containerd podman protobuf-compiler python3-grpcio python3-protobuf" false
	rg_engine_config "$RG_ENGINE_CONFIG"
	POD_N=0
}

teardown() {
	containerd_cleanup
	rg_teardown
}

STATUS_RE='^(Cap[A-Za-z]+|NoNewPrivs|Seccomp):'
CAP_SYS_ADMIN=$((1 << 21))

# pod_config NAME NAMESPACE [ANNOTATIONS-JSON [SECURITY-CONTEXT-JSON]]: a
# PodSandboxConfig as the kubelet builds it (labels included), cgroups
# under /$CD_CGROUP; stored in $POD_CONFIG.
pod_config() {
	POD_N=$((POD_N + 1))
	local uid="rg-$$-$BATS_SUITE_TEST_NUMBER-$POD_N"
	mkdir -p "$T/logs/$uid"
	POD_CONFIG=$(jq -cn --arg name "$1" --arg ns "$2" --arg uid "$uid" --arg logs "$T/logs/$uid" \
		--arg cg "/$CD_CGROUP/$uid" --argjson ann "${3:-{\}}" --argjson sc "${4:-{\}}" '{
		metadata: {name: $name, uid: $uid, namespace: $ns, attempt: 0},
		log_directory: $logs,
		labels: {"io.kubernetes.pod.name": $name, "io.kubernetes.pod.namespace": $ns,
			 "io.kubernetes.pod.uid": $uid},
		annotations: $ann,
		linux: {cgroup_parent: $cg,
			security_context: ({namespace_options: {network: "POD", pid: "CONTAINER", ipc: "POD"}} + $sc)}
	}')
}

# run_pod: RunPodSandbox of $POD_CONFIG with the runguard handler; $POD_ID.
run_pod() {
	cri RunPodSandbox "$(jq -cn --argjson c "$POD_CONFIG" '{config: $c, runtime_handler: "runguard"}')"
	assert_status 0 || return 1
	POD_ID=$(jq -r .pod_sandbox_id <<<"$output")
	[[ "$POD_ID" =~ ^[0-9a-f]{64}$ ]] || { die "RunPodSandbox: no pod id in '$output'"; return 1; }
}

# create_container NAME SECURITY-CONTEXT-JSON [COMMAND...]: CreateContainer
# in $POD_ID (default command: sleep for ever); $CTR_ID.
create_container() {
	local name=$1 sc=$2
	shift 2
	[[ $# -gt 0 ]] || set -- /bin/sleep "$RG_SLEEP_FOREVER"
	cri CreateContainer "$(jq -cn --arg pod "$POD_ID" --argjson pc "$POD_CONFIG" --arg name "$name" \
		--arg img "$CD_IMAGE" --argjson sc "$sc" '{
		pod_sandbox_id: $pod,
		config: {metadata: {name: $name, attempt: 0}, image: {image: $img},
			 command: $ARGS.positional, log_path: ($name + ".log"),
			 labels: {"io.kubernetes.container.name": $name},
			 linux: {security_context: $sc}},
		sandbox_config: $pc}' --args "$@")"
	assert_status 0 || return 1
	CTR_ID=$(jq -r .container_id <<<"$output")
	[[ "$CTR_ID" =~ ^[0-9a-f]{64}$ ]] || { die "CreateContainer: no container id in '$output'"; return 1; }
}

# container_state ID: prints the CRI state (CONTAINER_RUNNING, ...).
container_state() {
	cri ContainerStatus "{\"container_id\":\"$1\"}" >/dev/null || return 1
	jq -r .status.state <<<"$output"
}

# exec_status ID FILE: ExecSync `grep ... FILE` in the container; $output
# becomes the lines of FILE (a /proc status) the helpers look at.
exec_status() {
	cri ExecSync "$(jq -cn --arg id "$1" --arg f "$2" --arg re "$STATUS_RE" \
		'{container_id: $id, cmd: ["grep", "-E", $re, $f], timeout: 20}')"
	assert_status 0 || return 1
	local code
	code=$(jq -r .exit_code <<<"$output")
	[[ "$code" == 0 ]] || { die "ExecSync exit code $code: $output"; return 1; }
	output=$(jq -r .stdout <<<"$output")
}

# audit_record TYPE NAMESPACE POD-NAME [CONTAINER-NAME]: the last audit
# record of that sandbox or container.
audit_record() {
	jq -c --arg t "$1" --arg ns "$2" --arg pod "$3" --arg c "${4:-}" 'select(
		.annotations["io.kubernetes.cri.container-type"] == $t and
		.annotations["io.kubernetes.cri.sandbox-namespace"] == $ns and
		.command == "create" and
		.annotations["io.kubernetes.cri.sandbox-name"] == $pod and
		($c == "" or .annotations["io.kubernetes.cri.container-name"] == $c))' "$ENGINE_AUDIT" |
		tail -n 1
}

# The requests of a workload that wants more than the ceiling.
# Its own PID namespace: /proc/1 is the container's init, not the pause process.
GREEDY_SC='{"capabilities": {"add_capabilities": ["SYS_ADMIN", "NET_ADMIN"]},
	"seccomp": {"profile_type": "Unconfined"}, "no_new_privs": false,
	"namespace_options": {"network": "POD", "pid": "CONTAINER", "ipc": "POD"}}'

@test "CRI: Version answers through the CRI v1 API" {
	cri Version '{"version": "v1"}'
	assert_status 0
	jq -e '.runtime_name == "containerd" and .runtime_api_version == "v1"' <<<"$output" >/dev/null ||
		die "unexpected Version answer: $output"
}

@test "CRI handler runguard: a pod in 'default' is hardened, annotations reach runguard, full lifecycle" {
	pod_config web default
	run_pod
	create_container app "$GREEDY_SC"
	local app=$CTR_ID
	cri StartContainer "{\"container_id\":\"$app\"}"
	assert_status 0
	[[ "$(container_state "$app")" == CONTAINER_RUNNING ]] || die "container is not running"

	exec_status "$app" /proc/1/status
	assert_mask_within CapEff "$CEILING_MASK"
	assert_mask_within CapBnd "$CEILING_MASK"
	[[ "$(status_field Seccomp)" == 2 ]] || die "Seccomp is '$(status_field Seccomp)', expected 2"
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is '$(status_field NoNewPrivs)'"

	# Both the sandbox (pause) container and the app container went through
	# runguard, each with the pod's identity in its annotations.
	local rec
	rec=$(audit_record sandbox default web)
	[[ -n "$rec" ]] || die "no audit record for the sandbox container"
	jq -e --arg id "$POD_ID" '.id == $id and .decision == "fixed" and .policy == "baseline" and
		.annotations["io.kubernetes.cri.sandbox-id"] == $id' <<<"$rec" >/dev/null ||
		die "sandbox audit record: $rec"
	rec=$(audit_record container default web app)
	[[ -n "$rec" ]] || die "no audit record for the app container"
	jq -e --arg id "$app" --arg pod "$POD_ID" '.id == $id and .decision == "fixed" and
		.annotations["io.kubernetes.cri.sandbox-id"] == $pod and
		any(.changes[]; .rule == "capabilities") and any(.changes[]; .rule == "seccomp")' \
		<<<"$rec" >/dev/null || die "app audit record: $rec"

	cri StopContainer "{\"container_id\":\"$app\",\"timeout\":0}"
	assert_status 0
	[[ "$(container_state "$app")" == CONTAINER_EXITED ]] || die "container did not exit"
	cri RemoveContainer "{\"container_id\":\"$app\"}"
	assert_status 0
	cri ContainerStatus "{\"container_id\":\"$app\"}"
	[[ $status -ne 0 ]] || die "ContainerStatus of a removed container succeeded"
	cri StopPodSandbox "{\"pod_sandbox_id\":\"$POD_ID\"}"
	assert_status 0
	cri RemovePodSandbox "{\"pod_sandbox_id\":\"$POD_ID\"}"
	assert_status 0
	cri ListPodSandbox
	assert_status 0
	assert_not_contains "$output" "$POD_ID" "ListPodSandbox"
	[[ -z "$(containers_in "$CD_DIR/runc/k8s.io")" ]] || die "runc containers left: $(containers_in "$CD_DIR/runc/k8s.io")"
}

@test "CRI handler runguard: a selector on the pod namespace exempts kube-system, not default" {
	rg_engine_config "$RG_ENGINE_CONFIG" '{"selectors": [
		{"match": {"io.kubernetes.cri.sandbox-namespace": "kube-system"}, "profile": "privileged"}]}'
	local ns
	for ns in kube-system default; do
		pod_config "sys-$ns" "$ns"
		run_pod
		create_container app "$GREEDY_SC"
		cri StartContainer "{\"container_id\":\"$CTR_ID\"}"
		assert_status 0
		exec_status "$CTR_ID" /proc/1/status
		if [[ $ns == kube-system ]]; then
			# Exempt: what the pod asked for, unchanged.
			(((16#$(status_field CapEff) & CAP_SYS_ADMIN) != 0)) || die "kube-system: CAP_SYS_ADMIN was dropped"
			[[ "$(status_field Seccomp)" == 0 ]] || die "kube-system: Seccomp is '$(status_field Seccomp)', expected 0"
			jq -e '.policy == "privileged" and .selected == "selector 0" and .decision == "unchanged"' \
				<<<"$(audit_record container "$ns" "sys-$ns" app)" >/dev/null ||
				die "kube-system audit record: $(audit_record container "$ns" "sys-$ns" app)"
		else
			assert_mask_within CapEff "$CEILING_MASK"
			[[ "$(status_field Seccomp)" == 2 ]] || die "default: Seccomp is '$(status_field Seccomp)', expected 2"
			jq -e '.policy == "baseline" and .selected == "configured profile" and .decision == "fixed"' \
				<<<"$(audit_record container "$ns" "sys-$ns" app)" >/dev/null ||
				die "default audit record: $(audit_record container "$ns" "sys-$ns" app)"
		fi
	done
}

@test "CRI handler runguard: a pod annotation asks for 'restricted'; a root container is refused with runguard's message" {
	# The handler's pod_annotations = ["run.runguard.profile"] passes it on.
	pod_config strict default '{"run.runguard.profile": "restricted"}' '{"run_as_user": {"value": 65534}}'
	run_pod

	create_container as-root '{"namespace_options": {"pid": "CONTAINER"}}'
	local root_ctr=$CTR_ID
	cri StartContainer "{\"container_id\":\"$root_ctr\"}"
	assert_failed_cleanly
	assert_contains "$stderr" "refused by policy restricted" "StartContainer's error"
	assert_contains "$stderr" "rule user" "StartContainer's error"
	[[ "$(container_state "$root_ctr")" != CONTAINER_RUNNING ]] || die "the refused container runs"

	create_container as-nobody '{"run_as_user": {"value": 65534}, "namespace_options": {"pid": "CONTAINER"}}'
	cri StartContainer "{\"container_id\":\"$CTR_ID\"}"
	assert_status 0
	exec_status "$CTR_ID" /proc/1/status
	# restricted: only CAP_NET_BIND_SERVICE (bit 10) may remain.
	assert_mask_within CapBnd $((1 << 10))
	assert_mask_equal CapEff 0
	[[ "$(status_field Seccomp)" == 2 ]] || die "Seccomp is '$(status_field Seccomp)', expected 2"

	local rec
	rec=$(audit_record container default strict as-nobody)
	jq -e '.policy == "restricted" and .annotations["run.runguard.profile"] == "restricted" and
		(.selected | startswith("annotation run.runguard.profile"))' <<<"$rec" >/dev/null ||
		die "audit record: $rec"
	rec=$(audit_record container default strict as-root)
	jq -e '.decision == "rejected"' <<<"$rec" >/dev/null || die "audit record of the refused container: $rec"
}

@test "CRI handler runguard: a pod on the host's network is refused, and the CRI caller is told why" {
	pod_config hostnet default '{}' '{"namespace_options": {"network": "NODE", "pid": "CONTAINER", "ipc": "POD"}}'
	cri RunPodSandbox "$(jq -cn --argjson c "$POD_CONFIG" '{config: $c, runtime_handler: "runguard"}')"
	assert_failed_cleanly
	assert_contains "$stderr" "OCI runtime create failed: runguard: " "RunPodSandbox's error"
	assert_contains "$stderr" "refused by policy baseline" "RunPodSandbox's error"
	assert_contains "$stderr" ".linux.namespaces" "RunPodSandbox's error"
	cri ListPodSandbox
	assert_status 0
	[[ "$(jq '[.items[] | select(.state == "SANDBOX_READY")] | length' <<<"$output")" == 0 ]] ||
		die "a sandbox is ready: $output"
}
