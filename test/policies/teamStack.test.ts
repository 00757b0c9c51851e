import { TEAM_STACK_TAG } from "../../policypacks/ml-guard/policies/teamStack";
import { advisories, enforced, messages, UNKNOWN, validateResource } from "../support/policyArgs";

const RULE = "team-stack-disallow-foreign-namespaces";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const inNamespace = (namespace?: unknown) => ({ metadata: namespace === undefined ? { name: "settings" } : { name: "settings", namespace } });

describe(RULE, () => {
  const forVision = (type: string, props: Record<string, unknown>) => validateResource(RULE, type, props, { team: "vision" });

  it("passes objects in the team's own namespace", () => {
    expect(forVision(CONFIG_MAP, inNamespace("vision"))).toEqual([]);
    expect(forVision(RELEASE, { namespace: "vision", metadata: { namespace: "kube-system" } })).toEqual([]);
  });

  it("refuses an object in another team's namespace, naming both", () => {
    expect(messages(enforced(forVision(CONFIG_MAP, inNamespace("nlp"))))).toEqual([
      "metadata.namespace: ConfigMap goes to namespace nlp; team vision's stack may only create objects in namespace vision",
    ]);
  });

  it("refuses cluster-scoped objects and objects without a namespace", () => {
    expect(messages(enforced(forVision("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", inNamespace())))).toEqual([
      "metadata.namespace: ClusterRoleBinding is cluster-scoped or has no namespace; team vision's stack may only create objects in namespace vision",
    ]);
  });

  it("reads a Helm release's namespace from its top level, not its metadata", () => {
    expect(messages(enforced(forVision(RELEASE, { namespace: "istio-system", metadata: { namespace: "vision" } })))).toEqual([
      "metadata.namespace: Release goes to namespace istio-system; team vision's stack may only create objects in namespace vision",
    ]);
  });

  it("reports a namespace unknown at preview as advisory, never as a pass", () => {
    const reported = forVision(CONFIG_MAP, inNamespace(UNKNOWN));
    expect(enforced(reported)).toEqual([]);
    expect(messages(advisories(reported))).toEqual([expect.stringMatching(/^metadata\.namespace: the namespace is not known until apply/)]);
  });

  it("takes the team from the stack tag when the policy config names none, and the config over the tag", () => {
    expect(messages(validateResource(RULE, CONFIG_MAP, inNamespace("nlp"), {}, { [TEAM_STACK_TAG]: "vision" }))).toHaveLength(1);
    expect(validateResource(RULE, CONFIG_MAP, inNamespace("vision"), {}, { [TEAM_STACK_TAG]: "vision" })).toEqual([]);
    expect(validateResource(RULE, CONFIG_MAP, inNamespace("nlp"), { team: "nlp" }, { [TEAM_STACK_TAG]: "vision" })).toEqual([]);
  });

  it("does nothing in a stack that belongs to no team, or to resources that are not Kubernetes objects", () => {
    expect(validateResource(RULE, CONFIG_MAP, inNamespace("nlp"))).toEqual([]);
    expect(forVision("aws:s3/bucket:Bucket", { bucket: "data" })).toEqual([]);
  });
});
