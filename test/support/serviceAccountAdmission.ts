/**
 * What the API server's ServiceAccount admission plugin does to a pod on create, before any
 * validating admission sees it: the pods the admission policies judge are these.
 * FACT: kubernetes plugin/pkg/admission/serviceaccount/admission.go, as in the 1.2x-1.3x release
 * branches (read in aks-lts/kubernetes a359a61):
 * - Admit: an empty serviceAccountName becomes "default" (the v1 conversion already took the
 *   deprecated serviceAccount alias for an empty serviceAccountName: pkg/apis/core/v1/conversion.go);
 * - shouldAutomount: the pod's automountServiceAccountToken wins, then the ServiceAccount's, else true;
 * - mountServiceAccountToken: reuses the first volume named `kube-api-access-*`, else names a new one
 *   kube-api-access-<5 random characters>; every init and regular container (not ephemeral ones)
 *   without a mount at /var/run/secrets/kubernetes.io/serviceaccount gets one, read-only; the volume
 *   is added only if some container got the mount and no such volume existed;
 * - TokenVolumeSource: projected, defaultMode 0644, a serviceAccountToken (path token,
 *   expirationSeconds 3607, NO audience), the kube-root-ca.crt ConfigMap's ca.crt, the namespace.
 * The image pull secrets the plugin copies from the ServiceAccount are left out: no rule reads them.
 */

export const TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
const VOLUME_PREFIX = "kube-api-access-";

type Spec = Record<string, any>;

/** The volume the plugin injects, as the API server stores it. */
export function injectedTokenVolume(name: string): Record<string, unknown> {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { path: "token", expirationSeconds: 3607 } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
      ],
    },
  };
}

/** The ServiceAccount of the pod, as far as the plugin reads it. */
export interface ServiceAccountState {
  automountServiceAccountToken?: boolean;
}

/** The pod as stored after the ServiceAccount plugin; `account` is the pod's ServiceAccount (a fresh `default` one has no automount field). */
export function serviceAccountAdmission<T extends { spec: Spec }>(pod: T, account: ServiceAccountState = {}): T {
  const spec: Spec = structuredClone(pod.spec);
  const name = spec.serviceAccountName || spec.serviceAccount || "default";
  // The API server writes the deprecated alias back from serviceAccountName on every read.
  spec.serviceAccountName = name;
  spec.serviceAccount = name;
  const automount = spec.automountServiceAccountToken ?? account.automountServiceAccountToken ?? true;
  if (automount) {
    const volumes: Spec[] = spec.volumes ?? [];
    const existing = volumes.find((volume) => String(volume.name).startsWith(VOLUME_PREFIX));
    const volumeName = existing?.name ?? `${VOLUME_PREFIX}x7k2q`;
    let mounted = false;
    for (const list of ["initContainers", "containers"]) {
      for (const container of spec[list] ?? []) {
        const mounts: Spec[] = container.volumeMounts ?? [];
        if (mounts.some((mount) => mount.mountPath === TOKEN_MOUNT_PATH)) continue;
        container.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
        mounted = true;
      }
    }
    if (mounted && !existing) spec.volumes = [...volumes, injectedTokenVolume(volumeName)];
  }
  return { ...pod, spec };
}
