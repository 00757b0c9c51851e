/**
 * The team roles' trust policy, judged by its effect: which web identity tokens (and which other
 * callers) may exchange themselves for a team role's credentials.
 */
import { workloadTrustPolicy, type OidcProvider } from "../../components/secrets/teamDataAccess";
import { WORKLOAD_ROLES } from "../../components/tenancy/labels";
import { decide, type Decision, type IamRequest } from "../support/iamSimulator";
import { ACCOUNT, ADMINISTRATOR_ACCESS, OTHER_ACCOUNT, ROOT_USER, ROOT_USER_POLICIES, roleArn, sessionOf } from "../support/iamRequests";

const issuer = (clusterId: string) => `oidc.eks.us-west-2.amazonaws.com/id/${clusterId}`;
const providerOf = (clusterId: string, account = ACCOUNT): OidcProvider => ({
  arn: `arn:aws:iam::${account}:oidc-provider/${issuer(clusterId)}`,
  issuerUrl: `https://${issuer(clusterId)}`,
});
const CLUSTER = "EXAMPLED539D4633E53DE1B71EXAMPLE";
const OTHER_CLUSTER = "0123456789ABCDEF0123456789ABCDEF";
const provider = providerOf(CLUSTER);

/*
 * FACT: a pod's projected service-account token, exchanged through the cluster's IAM OIDC provider,
 * arrives as sts:AssumeRoleWithWebIdentity by the Federated principal of that provider, with the
 * claims as condition keys `<issuer without https://>:sub` = `system:serviceaccount:<namespace>:<name>`
 * and `<issuer>:aud` = `sts.amazonaws.com`. Source: EKS User Guide, associate-service-account-role.md
 * (awsdocs/amazon-eks-user-guide, commit 6f375fde0532d8a6137ea1ac9f37f6ee72314672).
 */
const token = (namespace: string, serviceAccount: string, options: { audience?: string; cluster?: string; account?: string } = {}) => {
  const cluster = options.cluster ?? CLUSTER;
  return {
    principal: providerOf(cluster, options.account).arn,
    context: {
      [`${issuer(cluster)}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
      [`${issuer(cluster)}:aud`]: options.audience ?? "sts.amazonaws.com",
    },
  };
};

type Caller = Pick<IamRequest, "principal" | "context" | "identityPolicies">;
const assume = (role: "training" | "serving", caller: Caller, action = "sts:AssumeRoleWithWebIdentity"): IamRequest => ({
  ...caller,
  action,
  resource: roleArn(`vision-${role}`),
  resourceAccount: ACCOUNT,
  resourcePolicy: workloadTrustPolicy(provider, "vision", WORKLOAD_ROLES[role]),
});

const cases: { request: string; expected: Decision; build: () => IamRequest }[] = [
  { request: "token of vision/training for sts.amazonaws.com assumes the training role", expected: "Allowed", build: () => assume("training", token("vision", "training")) },
  { request: "token of vision/serving for sts.amazonaws.com assumes the serving role", expected: "Allowed", build: () => assume("serving", token("vision", "serving")) },
  { request: "token of vision/serving assumes the training role", expected: "ImplicitlyDenied", build: () => assume("training", token("vision", "serving")) },
  { request: "token of vision/training assumes the serving role", expected: "ImplicitlyDenied", build: () => assume("serving", token("vision", "training")) },
  { request: "token of vision/secrets-sync assumes the training role", expected: "ImplicitlyDenied", build: () => assume("training", token("vision", "secrets-sync")) },
  { request: "token of vision/secrets-sync assumes the serving role", expected: "ImplicitlyDenied", build: () => assume("serving", token("vision", "secrets-sync")) },
  { request: "token of vision/default assumes the training role", expected: "ImplicitlyDenied", build: () => assume("training", token("vision", "default")) },
  { request: "token of nlp/training (another namespace) assumes vision's training role", expected: "ImplicitlyDenied", build: () => assume("training", token("nlp", "training")) },
  { request: "token of vision-dev/training (a longer namespace) assumes vision's training role", expected: "ImplicitlyDenied", build: () => assume("training", token("vision-dev", "training")) },
  { request: "token of vision/training for audience vault (wrong audience) assumes the training role", expected: "ImplicitlyDenied", build: () => assume("training", token("vision", "training", { audience: "vault" })) },
  { request: "token of vision/training for audience https://kubernetes.default.svc assumes the training role", expected: "ImplicitlyDenied", build: () => assume("training", token("vision", "training", { audience: "https://kubernetes.default.svc" })) },
  { request: "token of vision/training from another cluster's provider assumes the training role", expected: "ImplicitlyDenied", build: () => assume("training", token("vision", "training", { cluster: OTHER_CLUSTER })) },
  { request: "token of vision/training through another account's provider for the same issuer", expected: "ImplicitlyDenied", build: () => assume("training", token("vision", "training", { account: OTHER_ACCOUNT })) },
  { request: "this account's administrator AssumeRole on the training role", expected: "ImplicitlyDenied", build: () => assume("training", { principal: sessionOf("platform-admin"), identityPolicies: [ADMINISTRATOR_ACCESS] }, "sts:AssumeRole") },
  { request: "root user AssumeRole on the serving role", expected: "ImplicitlyDenied", build: () => assume("serving", { principal: ROOT_USER, identityPolicies: ROOT_USER_POLICIES }, "sts:AssumeRole") },
  { request: "another account's administrator AssumeRole on the training role", expected: "ImplicitlyDenied", build: () => assume("training", { principal: sessionOf("admin", OTHER_ACCOUNT), identityPolicies: [ADMINISTRATOR_ACCESS] }, "sts:AssumeRole") },
];

describe("team role trust policy: each request's decision", () => {
  it.each(cases)("$request -> $expected", async ({ build, expected }) => {
    expect(await decide(build())).toBe(expected);
  });
});
