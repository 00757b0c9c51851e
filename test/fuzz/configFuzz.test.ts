/**
 * Generated stack configs: every valid one parses and plans with zero mandatory ml-guard violations
 * (secure by construction), every invalid one is refused before anything is registered, with a
 * message that names the key, never a crash.
 */
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parsePlatformConfig, type RawStackConfig } from "../../config";
import { MlPlatform } from "../../platform/mlPlatform";
import { runUnderMocks } from "../../tools/plan/runProgram";
import { withoutStackCapture } from "../../tools/plan/stackCapture";
import { analyzeInProcess } from "../support/inProcessPack";

const P = "secure-ml-platform";
const dnsLabel = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}[a-z0-9]$/);
const quantity = fc.tuple(fc.integer({ min: 1, max: 512 }), fc.constantFrom("", "m", "Gi", "Mi")).map(([value, unit]) => `${value}${unit}`);
const cidr = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.integer({ min: 8, max: 32 })).map(([a, b, prefix]) => `${a}.${b}.0.0/${prefix}`);
const port = fc.integer({ min: 1, max: 65535 });
const endpoint = fc.record({ cidr, ports: fc.array(port, { minLength: 1, maxLength: 3 }) });

/** A valid stack config, as the values the engine hands the program. */
const validConfig = fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 6 }).chain((names) => fc.record({
  teams: fc.tuple(...names.map((name) => fc.record({
    name: fc.constant(name),
    group: fc.stringMatching(/^[a-zA-Z0-9:_-]{1,30}$/),
    dataClassification: fc.constantFrom("public", "internal", "confidential", "restricted"),
    quota: fc.record({ cpu: quantity, memory: quantity, gpu: fc.integer({ min: 0, max: 64 }), pvcs: fc.integer({ min: 0, max: 100 }), pods: fc.integer({ min: 1, max: 500 }) }),
  }))),
  storage: fc.record({ kmsDeletionWindowDays: fc.integer({ min: 14, max: 30 }), kmsRotationPeriodDays: fc.integer({ min: 90, max: 365 }) }),
  egress: fc.array(fc.record({ name: dnsLabel, cidr, ports: fc.array(port, { minLength: 1, maxLength: 2 }) }).map((target) => ({ ...target, hosts: [`${target.name}.example.com`] })), { maxLength: 3 }).map((list) => list.filter((item, index) => list.findIndex((other) => other.name === item.name) === index)),
  vault: fc.boolean(),
  externalVault: fc.boolean(),
  irsa: fc.boolean(),
  mesh: fc.boolean(),
  models: fc.boolean(),
  apiServer: endpoint,
}).map((choice): RawStackConfig => {
  const values: Record<string, string> = {
    "aws:region": "eu-west-1",
    [`${P}:environment`]: "fuzz",
    [`${P}:teams`]: JSON.stringify(choice.teams),
    [`${P}:storage`]: JSON.stringify(choice.storage),
  };
  // IRSA pods exchange their token with the regional STS endpoint, which must be an egress target.
  const sts = { name: "sts-endpoint", cidr: "10.0.97.0/28", ports: [443], hosts: ["sts.eu-west-1.amazonaws.com"] };
  const egress = choice.irsa ? [...choice.egress.filter((target) => target.name !== sts.name), sts] : choice.egress;
  values[`${P}:kubernetes`] = JSON.stringify({ egress, apiServer: choice.apiServer, vaultEndpoint: { cidr: "10.0.200.0/28", ports: [8200] } });
  if (choice.irsa) {
    values[`${P}:awsWorkloadIdentity`] = JSON.stringify({ oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/FUZZ", issuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/FUZZ" });
  }
  const secretKeys = new Set<string>();
  if (choice.vault) {
    const topology = choice.externalVault ? { topology: "external", kubernetesCaCert: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" } : {};
    values[`${P}:vault`] = JSON.stringify({ address: "https://vault:8200", kubernetesHost: "https://k8s", ...topology, database: { host: "db", username: "vault_admin" } });
    values[`${P}:externalSecrets`] = "{}";
    values[`${P}:databasePassword`] = "fuzz-password";
    secretKeys.add(`${P}:databasePassword`);
  }
  if (choice.mesh) values[`${P}:mesh`] = JSON.stringify({ jwt: { issuer: "https://idp", jwksUri: "https://idp/jwks", audiences: ["a"] }, jwksEndpoint: { cidr: "10.0.210.0/28", ports: [443] }, proxyImage: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/istio/proxyv2:1.30.0@sha256:${"f".repeat(64)}` });
  if (choice.mesh && choice.models) {
    values[`${P}:models`] = JSON.stringify([{ team: choice.teams[0].name, name: "m", version: "1", image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/m@sha256:${"a".repeat(64)}`, artifactPath: "m/1/", artifactSha256: "b".repeat(64) }]);
    values[`${P}:modelVerification`] = JSON.stringify({
      verifierImage: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ml-platform/model-verify@sha256:${"c".repeat(64)}`,
      downloaderImage: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ml-platform/kserve-storage-initializer@sha256:${"d".repeat(64)}`,
    });
  }
  return { values, secretKeys };
}));

/** One way to break a valid config, and the key the error must name. */
type Breakage = (values: Record<string, unknown>) => string;
const BREAKAGES: Breakage[] = [
  (v) => { (v.teams as any[])[0].name = "Not_A_Label"; return `${P}:teams[0].name`; },
  (v) => { (v.teams as any[])[0].quota.gpu = -1; return `${P}:teams[0].quota.gpu`; },
  (v) => { (v.teams as any[])[0].quota.cpu = "lots"; return `${P}:teams[0].quota.cpu`; },
  (v) => { (v.teams as any[])[0].quota.pods = "10"; return `${P}:teams[0].quota.pods`; },
  (v) => { delete (v.teams as any[])[0].quota; return `${P}:teams[0].quota`; },
  (v) => { delete (v.teams as any[])[0].group; return `${P}:teams[0].group`; },
  (v) => { (v.teams as any[]).push({ ...(v.teams as any[])[0] }); return `${P}:teams[${(v.teams as any[]).length - 1}].name`; },
  (v) => { (v.teams as any[])[0].gpus = 2; return `${P}:teams[0].gpus`; },
  (v) => { v.extra = "x"; return `${P}:extra`; },
  (v) => { delete v.environment; return `${P}:environment`; },
  (v) => { v.environment = "x".repeat(300); return `${P}:environment`; },
  (v) => { (v.teams as any[])[0].group = "g".repeat(300); return `${P}:teams[0].group`; },
  (v) => { v.teams = Array.from({ length: 1001 }, (_, i) => ({ name: `t${i}`, group: "g", quota: { cpu: "1", memory: "1Gi", gpu: 0 } })); return `${P}:teams`; },
  (v) => { v.storage = { kmsDeletionWindowDays: 3 }; return `${P}:storage.kmsDeletionWindowDays`; },
  (v) => { v.kubernetes = { egress: [{ name: "all", cidr: "0.0.0.0/0", ports: [443] }] }; return `${P}:kubernetes.egress[0].cidr`; },
  (v) => { v.teams = "vision"; return `${P}:teams`; },
];

function toRaw(values: Record<string, unknown>): RawStackConfig {
  return { values: Object.fromEntries(Object.entries(values).map(([key, value]) => [key === "aws:region" ? key : `${P}:${key}`, typeof value === "string" ? value : JSON.stringify(value)])), secretKeys: new Set() };
}

const counts = { validParsed: 0, validPlanned: 0, invalidRefused: 0 };
afterAll(() => console.log(`config fuzzing: ${counts.validParsed} valid configs parsed, ${counts.validPlanned} planned through ml-guard with no mandatory violation, ${counts.invalidRefused} invalid configs refused with the key named`));

describe("generated stack configs", () => {
  it("the in-process pack used below does find violations", async () => {
    const pod = {
      urn: "urn:pulumi:s::p::kubernetes:core/v1:Pod::debug", type: "kubernetes:core/v1:Pod", name: "debug", custom: true, dependencies: [], propertyDependencies: {},
      inputs: { metadata: { namespace: "vision" }, spec: { containers: [{ name: "c", image: "busybox", securityContext: { privileged: true } }] } },
      outputs: {}, options: { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [], customTimeouts: { create: 0, update: 0, delete: 0 } },
    };
    const policies = (await analyzeInProcess([pod])).filter((finding) => finding.level === "mandatory").map((finding) => finding.policy);
    expect(policies).toContain("pod-disallow-privileged-containers");
  });

  it("every valid config parses", () => {
    fc.assert(fc.property(validConfig, (raw) => {
      parsePlatformConfig(raw);
      counts.validParsed++;
    }), { numRuns: 2000 });
  });

  it("every invalid config is refused with the key named, never with another kind of error", () => {
    const base = { environment: "dev", teams: [{ name: "vision", group: "g", quota: { cpu: "1", memory: "1Gi", gpu: 0 } }] };
    fc.assert(fc.property(fc.constantFrom(...BREAKAGES), fc.integer({ min: 1, max: 4 }), (breakage, teamCount) => {
      const values: Record<string, unknown> = { "aws:region": "us-west-2", ...structuredClone(base) };
      values.teams = Array.from({ length: teamCount }, (_, i) => ({ ...structuredClone(base.teams[0]), name: `team-${i}` }));
      const key = breakage(values);
      try {
        parsePlatformConfig(toRaw(values));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        counts.invalidRefused++;
        return error.problems.some((problem) => problem.startsWith(key));
      }
      return false;
    }), { numRuns: 2000 });
  });

  it("every valid config plans with zero mandatory violations (secure by construction)", async () => {
    await fc.assert(fc.asyncProperty(validConfig, async (raw) => {
      const parsed = parsePlatformConfig(raw);
      const run = await withoutStackCapture(() => runUnderMocks({ project: P, stack: "fuzz", config: raw, mode: "update" }, () => {
        new MlPlatform("ml-fuzz", { ...parsed, databasePassword: parsed.databasePassword === undefined ? undefined : pulumi.secret(parsed.databasePassword) });
      }));
      const mandatory = (await analyzeInProcess(run.resources)).filter((finding) => finding.level === "mandatory");
      if (mandatory.length > 0) throw new Error(`mandatory violations: ${JSON.stringify(mandatory.slice(0, 3))}`);
      counts.validPlanned++;
      // Each run builds and judges a whole platform (200+ resources, about 3 s): 6 keep the suite near 20 s;
      // every repository stack is judged the same way in engineShapes/programStacks.
    }), { numRuns: 6 });
  }, 240_000);
});
