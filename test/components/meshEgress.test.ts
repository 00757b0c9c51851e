import { run } from "@bufbuild/cel";
import * as pulumi from "@pulumi/pulumi";
import { byType, installRecordingMocks, settle, valueOf } from "../support/pulumiMocks";
import { REPO_ROOT } from "../support/planCli";
import { parseAllDocuments } from "yaml";
import { describeWithShared, readSharedText } from "../support/upstream";
import { upstreamCrdProblems } from "../support/upstreamCrdSchema";

const created = installRecordingMocks();

import { ConfigError, parsePlatformConfig } from "../../config";
import { MeshAuth, TeamNamespace } from "../../components";
import { readProjectStack } from "../../tools/plan/stackFile";

const P = "secure-ml-platform";
const ISTIO_CRDS = "upstream/istio/manifests_charts_base_files_crd-all.gen.yaml";

/** The dev stack's own kubernetes section, through the config schema, so the test holds the shipped config. */
const devKubernetes = readProjectStack(REPO_ROOT, "dev").config.values[`${P}:kubernetes`];
const parse = (kubernetes: unknown) => parsePlatformConfig({
  values: {
    "aws:region": "us-west-2", [`${P}:environment`]: "dev",
    [`${P}:teams`]: JSON.stringify([{ name: "vision", group: "ml-vision", quota: { cpu: "8", memory: "32Gi", gpu: 1 } }]),
    [`${P}:kubernetes`]: typeof kubernetes === "string" ? kubernetes : JSON.stringify(kubernetes),
  },
  secretKeys: new Set(),
});
const k8s = parse(devKubernetes).kubernetes;

const teams = ["vision", "nlp"].map((name) => new TeamNamespace(name, {
  group: `ml-${name}`, environment: "dev", dataClassification: "internal",
  quota: { cpu: "8", memory: "32Gi", gpu: 1, pvcs: 10, storage: "1Ti", pods: 50 },
  containerDefaults: { cpuRequest: "250m", cpuLimit: "1", memoryRequest: "512Mi", memoryLimit: "2Gi" },
  podSecurityVersion: "v1.35", meshIngressNamespace: "istio-ingress", egress: k8s.egress,
}));
const mesh = new MeshAuth("mesh", {
  ingressNamespace: "istio-ingress", ingressGatewayServiceAccount: "istio-ingressgateway",
  jwt: { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml"] },
  teams: teams.map((team, index) => ({ name: ["vision", "nlp"][index], namespace: team.namespaceName })),
  egress: k8s.egress,
});

type Item = { metadata: { name: string; namespace: string }; spec: any };
const inNamespace = (type: string, namespace: string) => byType(created, type).map((resource) => resource.inputs as Item).filter((item) => item.metadata.namespace === namespace);
const serviceEntries = (namespace: string) => inNamespace("kubernetes:networking.istio.io/v1:ServiceEntry", namespace);

beforeAll(async () => {
  await valueOf(pulumi.all([...teams.map((team) => team.namespaceName), mesh.urn]));
  await settle();
});

describe("the mesh registers exactly the egress the NetworkPolicies allow", () => {
  it("the dev stack names its egress targets", () => {
    expect(k8s.egress.map((target) => [target.name, target.hosts, target.protocol])).toEqual([
      ["s3-endpoint", ["s3.us-west-2.amazonaws.com", "*.s3.us-west-2.amazonaws.com"], "TLS"],
      ["sts-endpoint", ["sts.us-west-2.amazonaws.com"], "TLS"],
      ["vault", ["vault.ml-dev.internal"], "TLS"],
    ]);
  });

  it.each(["vision", "nlp"])("in %s: one ServiceEntry per allowed destination, same addresses and ports, nothing more", (namespace) => {
    // FACT: with outboundTrafficPolicy REGISTRY_ONLY (set by the platform's istiod install) a sidecar
    // forwards only to registered services; an S3 download through the sidecar (Deployment-served models,
    // training jobs) needs a ServiceEntry: unmatched outbound traffic goes to the BlackHole cluster unless
    // the policy is ALLOW_ANY (istio/istio pilot/pkg/networking/core/listener_builder.go, tag 1.30.0).
    const allowed = inNamespace("kubernetes:networking.k8s.io/v1:NetworkPolicy", namespace)
      .filter((policy) => policy.metadata.name.startsWith("allow-egress-"))
      .flatMap((policy) => policy.spec.egress.flatMap((rule: any) => rule.to.flatMap((peer: any) => rule.ports.map((port: any) => `${peer.ipBlock.cidr}:${port.port}`))));
    const registered = serviceEntries(namespace).flatMap((entry) => entry.spec.addresses.flatMap((address: string) => entry.spec.ports.map((port: any) => `${address}:${port.number}`)));
    expect(registered.sort()).toEqual(allowed.sort());
    expect(allowed.length).toBeGreaterThan(0);
  });

  it("each entry names the target's hosts, matched by SNI, forwarded to the address the client dialled, visible only in its namespace", () => {
    // FACT: for a ServiceEntry address that is a CIDR, istiod builds the outbound listener on 0.0.0.0
    // with a filter-chain match on that CIDR, and for TLS ports on the hosts as SNI server names
    // (istio/istio pilot/pkg/networking/core/listener.go, PrefixRanges/ServerNames, tag 1.30.0).
    expect(serviceEntries("vision").find((entry) => entry.metadata.name === "egress-s3-endpoint")?.spec).toEqual({
      hosts: ["s3.us-west-2.amazonaws.com", "*.s3.us-west-2.amazonaws.com"],
      addresses: ["10.20.96.0/24"],
      ports: [{ number: 443, name: "tls-443", protocol: "TLS" }],
      location: "MESH_EXTERNAL",
      resolution: "NONE",
      exportTo: ["."],
    });
  });

  it.each([
    ["no hosts", { egress: [{ name: "s3", cidr: "10.0.0.0/24", ports: [443] }] }, `${P}:kubernetes.egress[0].hosts: is required`],
    ["an empty host list", { egress: [{ name: "s3", cidr: "10.0.0.0/24", ports: [443], hosts: [] }] }, `${P}:kubernetes.egress[0].hosts = []: must list at least one host name`],
    ["a URL for a host", { egress: [{ name: "s3", cidr: "10.0.0.0/24", ports: [443], hosts: ["https://s3.amazonaws.com"] }] }, `${P}:kubernetes.egress[0].hosts[0] = "https://s3.amazonaws.com": must be a DNS name`],
    ["a bare wildcard", { egress: [{ name: "s3", cidr: "10.0.0.0/24", ports: [443], hosts: ["*"] }] }, `${P}:kubernetes.egress[0].hosts[0] = "*": must be a DNS name`],
    ["an unknown protocol", { egress: [{ name: "s3", cidr: "10.0.0.0/24", ports: [443], hosts: ["s3.amazonaws.com"], protocol: "HTTP" }] }, `${P}:kubernetes.egress[0].protocol = "HTTP": must be one of "TLS", "TCP"`],
  ])("the config refuses %s, naming the key", (_case, kubernetes, message) => {
    let problems: string[] = [];
    try {
      parse(kubernetes);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems.join("\n")).toContain(message);
  });
});

describeWithShared("ServiceEntries against Istio 1.30's CRD", [ISTIO_CRDS], () => {
  interface Crd { spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: { properties: { spec: { "x-kubernetes-validations": { rule: string; message: string }[] } } } } }[] } }

  it("fit the v1 schema, with no field the API server would drop", () => {
    for (const entry of byType(created, "kubernetes:networking.istio.io/v1:ServiceEntry")) expect(upstreamCrdProblems(entry.inputs)).toEqual([]);
  });

  it("pass the CRD's CEL rules on spec (a CIDR address needs resolution NONE or STATIC)", () => {
    const crd = parseAllDocuments(readSharedText(ISTIO_CRDS)).map((document) => document.toJS() as Crd | null).find((document) => document?.spec?.names?.kind === "ServiceEntry")!;
    const rules = crd.spec.versions.find((version) => version.name === "v1")!.schema.openAPIV3Schema.properties.spec["x-kubernetes-validations"];
    expect(rules.map((rule) => rule.message)).toContain("CIDR addresses are allowed only for NONE/STATIC resolution types");
    const entries = byType(created, "kubernetes:networking.istio.io/v1:ServiceEntry").map((entry) => (entry.inputs as Item).spec);
    for (const spec of entries) {
      for (const rule of rules) expect([rule.message, run(rule.rule, { self: spec })]).toEqual([rule.message, true]);
    }
    // The rule bites: the same entry with DNS resolution is refused.
    const cidrRule = rules.find((rule) => rule.message.startsWith("CIDR addresses"))!;
    expect(run(cidrRule.rule, { self: { ...entries[0], resolution: "DNS" } })).toBe(false);
  });
});
