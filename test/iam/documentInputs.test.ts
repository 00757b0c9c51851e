/**
 * The IAM document builders refuse inputs that would widen or break a grant, with a message naming the
 * input; and ml-guard's IAM rules pass every document the program emits.
 */
import { installRecordingMocks } from "../support/pulumiMocks";

const created = installRecordingMocks();

import { servingDataPolicy, trainingDataPolicy, workloadTrustPolicy, type OidcProvider } from "../../components/secrets/teamDataAccess";
import type { PolicyDocument } from "../../components/storage/policyDocuments";
import { teamBucketPrefix } from "../../components/storage/prefixes";
import { validateResource } from "../support/policyArgs";
import { ACCOUNT, REGION } from "../support/iamRequests";
import { platformStorage } from "../support/iamStorage";

const storage = platformStorage(created);
const ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const provider: OidcProvider = { arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`, issuerUrl: `https://${ISSUER}` };
const buckets = {
  datasets: { bucketArn: "arn:aws:s3:::datasets", keyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1` },
  artifacts: { bucketArn: "arn:aws:s3:::artifacts", keyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/2` },
};

describe("workloadTrustPolicy inputs", () => {
  it.each([
    { what: "an http:// issuer", oidc: { ...provider, issuerUrl: `http://${ISSUER}` }, namespace: "vision", serviceAccount: "training", message: `issuerUrl = "http://${ISSUER}": must start with https://` },
    { what: "a role ARN as provider", oidc: { ...provider, arn: `arn:aws:iam::${ACCOUNT}:role/${ISSUER}` }, namespace: "vision", serviceAccount: "training", message: "must be arn:aws:iam::<account id>:oidc-provider/<issuer without https://>" },
    { what: "a provider of another issuer", oidc: { ...provider, arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/OTHER` }, namespace: "vision", serviceAccount: "training", message: "names oidc.eks.us-west-2.amazonaws.com/id/OTHER, but issuerUrl is https://" },
    { what: "an upper-case namespace", oidc: provider, namespace: "Vision", serviceAccount: "training", message: "namespace = \"Vision\": must be a DNS label" },
    { what: "a wildcard namespace", oidc: provider, namespace: "*", serviceAccount: "training", message: "namespace = \"*\": must be a DNS label" },
    { what: "a wildcard service account", oidc: provider, namespace: "vision", serviceAccount: "train*", message: "serviceAccount = \"train*\": must be a DNS subdomain" },
    { what: "an empty service account", oidc: provider, namespace: "vision", serviceAccount: "", message: "serviceAccount = \"\": must be a DNS subdomain" },
  ])("refuses $what", ({ oidc, namespace, serviceAccount, message }) => {
    expect(() => workloadTrustPolicy(oidc, namespace, serviceAccount)).toThrow(message);
  });
});

describe("team data policy inputs", () => {
  it.each([
    { what: "a prefix without the final '/' (would match teams/visionary/)", prefix: "teams/vision", region: REGION, message: "bucket prefix = \"teams/vision\": must end with '/'" },
    { what: "a prefix starting with '/'", prefix: "/teams/vision/", region: REGION, message: "bucket prefix = \"/teams/vision/\"" },
    { what: "a wildcard prefix", prefix: "teams/*/", region: REGION, message: "hold no '*', '?' or '$'" },
    { what: "a policy variable in the prefix", prefix: "teams/${aws:username}/", region: REGION, message: "hold no '*', '?' or '$'" },
    { what: "a malformed region", prefix: teamBucketPrefix("vision"), region: "US-WEST-2", message: "region = \"US-WEST-2\": must be an AWS region name" },
  ])("refuses $what", ({ prefix, region, message }) => {
    expect(() => trainingDataPolicy(prefix, buckets, region)).toThrow(message);
    expect(() => servingDataPolicy(prefix, buckets, region)).toThrow(message);
  });
});

describe("ml-guard's IAM rules on the program's documents", () => {
  const findings = (rule: string, type: string, field: string, document: PolicyDocument) => validateResource(rule, type, { [field]: JSON.stringify(document) });
  // The same document with a public grant added: proves the rule reads this field of this type.
  const withPublicGrant = (document: PolicyDocument): PolicyDocument => ({
    ...document,
    Statement: [...document.Statement, { Sid: "Public", Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
  });
  const expectPasses = (rule: string, type: string, field: string, document: PolicyDocument) => {
    expect(findings(rule, type, field, document)).toEqual([]);
    expect(findings(rule, type, field, withPublicGrant(document)).length).toBeGreaterThan(0);
  };

  it("passes every bucket policy and key policy", async () => {
    const s = await storage;
    for (const bucket of [s.datasets, s.artifacts, s.accessLogs, s.auditLogs]) {
      expectPasses("iam-policy-disallow-public-principal", "aws:s3/bucketPolicy:BucketPolicy", "policy", bucket.bucketPolicy);
      expectPasses("iam-policy-disallow-public-principal", "aws:kms/key:Key", "policy", bucket.keyPolicy);
    }
  });

  it("passes the team roles' trust and data policies", async () => {
    const s = await storage;
    const teamBuckets = { datasets: s.datasets, artifacts: s.artifacts };
    for (const serviceAccount of ["training", "serving"]) {
      expectPasses("iam-policy-disallow-public-principal", "aws:iam/role:Role", "assumeRolePolicy", workloadTrustPolicy(provider, "vision", serviceAccount));
    }
    for (const policy of [trainingDataPolicy, servingDataPolicy]) {
      expectPasses("iam-policy-disallow-wildcard-admin", "aws:iam/rolePolicy:RolePolicy", "policy", policy(teamBucketPrefix("vision"), teamBuckets, REGION));
    }
  });
});
