import type * as k8s from "@pulumi/kubernetes";

/** Where a credential Secret's keys appear as files: `<CREDENTIALS_ROOT>/<secret>/<key>`. */
export const CREDENTIALS_ROOT = "/var/run/secrets/mlops";

const volumeName = (secret: string) => `credentials-${secret}`.slice(0, 63).replace(/-+$/, "");

/**
 * Credential Secrets as read-only files, never environment variables: External Secrets replaces the
 * Secret before each lease ends and the kubelet updates the mounted files in place (not with
 * subPath), so a reader that opens the file for each new connection always gets a live credential,
 * while an environment variable keeps the value the container started with.
 */
export function credentialFiles(secrets: string[]): { volumes: k8s.types.input.core.v1.Volume[]; volumeMounts: k8s.types.input.core.v1.VolumeMount[] } {
  return {
    volumes: secrets.map((secret) => ({ name: volumeName(secret), secret: { secretName: secret, defaultMode: 0o440 } })),
    volumeMounts: secrets.map((secret) => ({ name: volumeName(secret), mountPath: `${CREDENTIALS_ROOT}/${secret}`, readOnly: true })),
  };
}
