import { advisories, enforced, UNKNOWN, validateResource, type Reported } from "../support/policyArgs";
import { compliantPodSpec, workloadKinds } from "../support/workloads";

/**
 * Kubernetes API tokens in pods (issue 4): automountServiceAccountToken: true on a pod template or a
 * team ServiceAccount, and projected tokens the API server accepts.
 *
 * FACT: when both the ServiceAccount and the pod spec set automountServiceAccountToken, the pod spec
 * wins. Source: kubernetes.io/docs/tasks/configure-pod-container/configure-service-account
 * ("Opt out of API credential automounting"), Kubernetes v1.3x.
 * FACT: a projected serviceAccountToken's audience defaults to the identifier of the API server; a
 * token with another audience (e.g. vault) is refused by the API server. Source: k8s.io/api core/v1
 * ServiceAccountTokenProjection.audience field documentation.
 * FACT: spec.serviceAccount is the deprecated alias of spec.serviceAccountName. Source: k8s.io/api
 * core/v1 PodSpec field documentation.
 */

const pairs = (reported: Reported[]) => reported.map((item) => [item.level, item.message]);
const POD_RULE = "pod-restrict-api-token-mount";
const SA_RULE = "k8s-serviceaccount-disallow-token-automount";
const ALLOW = { allowedTokenServiceAccounts: ["vision/kube-client"] };

const specWith = (extra: Record<string, unknown>) => ({ ...compliantPodSpec(), serviceAccountName: "serving", ...extra });
const tokenVolume = (serviceAccountToken: unknown) => ({ name: "token", projected: { sources: [{ serviceAccountToken }] } });

describe(POD_RULE, () => {
  it("refuses automountServiceAccountToken: true in every workload kind, at the template's field", () => {
    for (const [kind, type, props, specPath] of workloadKinds(specWith({ automountServiceAccountToken: true }))) {
      expect([kind, pairs(validateResource(POD_RULE, type, props))]).toEqual([kind, [
        ["policy", `${specPath}.automountServiceAccountToken: mounts a Kubernetes API token into every container; set it to false (or allowlist the ServiceAccount in allowedTokenServiceAccounts)`],
      ]]);
    }
  });

  it("accepts false, unset (another rule asks for it to be explicit) and an allowlisted ServiceAccount, by either field name", () => {
    for (const [kind, type, props] of workloadKinds(specWith({ automountServiceAccountToken: false }))) expect([kind, validateResource(POD_RULE, type, props)]).toEqual([kind, []]);
    const [, type, props] = workloadKinds(specWith({ automountServiceAccountToken: true, serviceAccountName: "kube-client" }))[1];
    expect(validateResource(POD_RULE, type, props, ALLOW)).toEqual([]);
    const unnamed: Record<string, unknown> = { ...compliantPodSpec(), serviceAccount: "kube-client", automountServiceAccountToken: true };
    delete unnamed.serviceAccountName;
    const [, , legacy] = workloadKinds(unnamed)[1];
    expect(validateResource(POD_RULE, type, legacy, ALLOW)).toEqual([]);
    // The allowlist names namespace/name: the same account name in another namespace is not allowed.
    expect(enforced(validateResource(POD_RULE, type, { ...props, metadata: { name: "w", namespace: "nlp" } }, ALLOW))).toHaveLength(1);
  });

  it("accepts a projected token for Vault's audience, refuses one without an audience or for the API server's", () => {
    const [, type, vault] = workloadKinds(specWith({ automountServiceAccountToken: false, volumes: [tokenVolume({ audience: "vault", path: "token" })] }))[1];
    expect(validateResource(POD_RULE, type, vault)).toEqual([]);
    const path = "spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.audience";
    const [, , bare] = workloadKinds(specWith({ automountServiceAccountToken: false, volumes: [tokenVolume({ path: "token" })] }))[1];
    expect(pairs(validateResource(POD_RULE, type, bare))).toEqual([["policy", `${path}: projects a token without an audience (it defaults to the API server's); give it the audience of the service that reads it (e.g. vault)`]]);
    const [, , api] = workloadKinds(specWith({ automountServiceAccountToken: false, volumes: [tokenVolume({ audience: "https://kubernetes.default.svc", path: "token" })] }))[1];
    expect(enforced(validateResource(POD_RULE, type, api))).toHaveLength(1);
    // A cluster whose API server accepts another audience (e.g. its issuer URL) configures it.
    const [, , issuer] = workloadKinds(specWith({ automountServiceAccountToken: false, volumes: [tokenVolume({ audience: "https://oidc.example", path: "token" })] }))[1];
    expect(enforced(validateResource(POD_RULE, type, issuer, { apiServerAudiences: ["https://oidc.example"] }))).toHaveLength(1);
  });

  it("skips exempt namespaces and reports unknown values as advisory", () => {
    const [, type, props] = workloadKinds(specWith({ automountServiceAccountToken: true }))[0];
    expect(validateResource(POD_RULE, type, { ...props, metadata: { name: "w", namespace: "kube-system" } })).toEqual([]);
    expect(advisories(validateResource(POD_RULE, type, { ...props, spec: specWith({ automountServiceAccountToken: UNKNOWN }) }))).toHaveLength(1);
    const unknownAccount = validateResource(POD_RULE, type, { ...props, spec: specWith({ automountServiceAccountToken: true, serviceAccountName: UNKNOWN }) }, ALLOW);
    expect([enforced(unknownAccount), advisories(unknownAccount).length]).toEqual([[], 1]);
    expect(advisories(validateResource(POD_RULE, type, { ...props, spec: specWith({ automountServiceAccountToken: false, volumes: [tokenVolume({ audience: UNKNOWN })] }) }))).toHaveLength(1);
  });
});

describe(SA_RULE, () => {
  const SA = "kubernetes:core/v1:ServiceAccount";
  const account = (automountServiceAccountToken: unknown, namespace = "vision", name = "serving") => ({ metadata: { name, namespace }, automountServiceAccountToken });

  it("refuses automountServiceAccountToken: true on a team ServiceAccount", () => {
    expect(pairs(validateResource(SA_RULE, SA, account(true)))).toEqual([
      ["policy", "automountServiceAccountToken: ServiceAccount vision/serving mounts a Kubernetes API token into every pod that does not opt out; set it to false"],
    ]);
  });

  it("accepts false or unset, an allowlisted account and exempt namespaces; advisory when unknown", () => {
    expect(validateResource(SA_RULE, SA, account(false))).toEqual([]);
    expect(validateResource(SA_RULE, SA, { metadata: { name: "serving", namespace: "vision" } })).toEqual([]);
    expect(validateResource(SA_RULE, SA, account(true, "vision", "kube-client"), ALLOW)).toEqual([]);
    expect(validateResource(SA_RULE, SA, account(true, "kube-system"))).toEqual([]);
    expect(advisories(validateResource(SA_RULE, SA, account(UNKNOWN)))).toHaveLength(1);
    expect(enforced(validateResource(SA_RULE, SA, account(true, "vision", UNKNOWN)))).toHaveLength(1);
    expect(advisories(validateResource(SA_RULE, SA, account(true, "vision", UNKNOWN), ALLOW))).toHaveLength(1);
  });
});
