/**
 * The Pod Security Standards "restricted" profile, as the security contexts every workload the
 * platform creates (model servers, training jobs) runs with: non-root, no privilege escalation,
 * no capabilities, read-only root filesystem, RuntimeDefault seccomp.
 */
export const POD_SECURITY_CONTEXT = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } };
export const CONTAINER_SECURITY_CONTEXT = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } };
