import { generateKeyPairSync } from "node:crypto";
import { parsePlatformConfig, type RawStackConfig } from "../../config";
import type { StackContext } from "../analyzer/requests";

/**
 * The stack config of an environment with `teams` teams, generated in memory: every layer on (Vault,
 * IRSA, External Secrets, mesh, alerts, signing), as the dev stack has them, one model endpoint per team.
 */
/** A P-256 public key, as cosign generate-key-pair makes (the config refuses other curves for model signing). */
const SIGNING_KEY = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();

export function benchmarkConfig(teams: number): { raw: RawStackConfig; parsed: ReturnType<typeof parsePlatformConfig> } {
  const names = Array.from({ length: teams }, (_, index) => `team-${String(index).padStart(4, "0")}`);
  const object = (value: unknown) => JSON.stringify(value);
  const values: Record<string, string> = {
    "aws:region": "us-west-2",
    "secure-ml-platform:environment": "bench",
    "secure-ml-platform:teams": object(names.map((name) => ({ name, group: `ml-${name}`, quota: { cpu: "16", memory: "64Gi", gpu: 2 } }))),
    "secure-ml-platform:kubernetes": object({
      egress: [
        { name: "s3", cidr: "10.0.96.0/24", ports: [443], hosts: ["s3.us-west-2.amazonaws.com"] },
        { name: "sts", cidr: "10.0.97.0/28", ports: [443], hosts: ["sts.us-west-2.amazonaws.com"] },
      ],
      apiServer: { cidr: "10.0.0.0/28", ports: [443] },
      vaultEndpoint: { cidr: "10.0.200.0/28", ports: [8200] },
    }),
    "secure-ml-platform:vault": object({
      address: "https://vault.internal:8200", kubernetesHost: "https://kubernetes.default.svc",
      database: { host: "db.internal", username: "vault_admin", verifyConnection: false },
    }),
    "secure-ml-platform:awsWorkloadIdentity": object({
      oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/BENCH", issuerUrl: "https://oidc.eks.us-west-2.amazonaws.com/id/BENCH",
    }),
    "secure-ml-platform:externalSecrets": "{}",
    "secure-ml-platform:mesh": object({
      jwt: { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml"] }, jwksEndpoint: { cidr: "10.0.210.0/28", ports: [443] }, rateLimit: {},
      proxyImage: `123456789012.dkr.ecr.us-west-2.amazonaws.com/mirror/istio/proxyv2:1.30.0@sha256:${"f".repeat(64)}`,
    }),
    "secure-ml-platform:alerts": "{}",
    "secure-ml-platform:supplyChain": object({ authority: { publicKey: SIGNING_KEY }, egress: [{ cidr: "10.0.250.0/28", ports: [443] }] }),
    "secure-ml-platform:models": object(names.map((team) => ({
      team, name: "model", version: "1", image: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/server@sha256:${"a".repeat(64)}`,
      artifactPath: "model/1/", artifactSha256: "b".repeat(64),
    }))),
    "secure-ml-platform:modelVerification": object({
      verifierImage: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml-platform/model-verify@sha256:${"c".repeat(64)}`,
      downloaderImage: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml-platform/kserve-storage-initializer@sha256:${"d".repeat(64)}`,
    }),
    "secure-ml-platform:databasePassword": "benchmark-password",
  };
  const raw = { values, secretKeys: new Set(["secure-ml-platform:databasePassword"]) };
  return { raw, parsed: parsePlatformConfig(raw) };
}

/** What the engine tells a pack about the benchmark's stack, for every measured analysis. */
export const BENCH_STACK_CONTEXT: StackContext = { project: "secure-ml-platform", stack: "bench", organization: "organization", dryRun: false, config: { "aws:region": "us-west-2" }, secretKeys: [], tags: {} };
