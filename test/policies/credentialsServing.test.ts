import { runSimulation } from "@cloud-copilot/iam-simulate";
import { OBJECT_WRITE_ACTIONS } from "../../policypacks/ml-guard/lib/artifactBuckets";
import { UNKNOWN, validateStackAsync, type FakeResource, type Reported } from "../support/policyArgs";

/*
 * FACT (AWS, EKS user guide "Assign IAM roles to Kubernetes service accounts",
 * https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html): an IRSA
 * trust policy allows sts:AssumeRoleWithWebIdentity to Principal.Federated = the cluster's
 * oidc-provider ARN, with StringEquals `<issuer>:sub` = `system:serviceaccount:<namespace>:<account>`
 * (and `<issuer>:aud` = sts.amazonaws.com); without a :sub condition any account of the cluster may
 * assume it. The pod gets the role named by the account's eks.amazonaws.com/role-arn annotation.
 * FACT (AWS, "Create IAM role with trust policy required by EKS Pod Identity",
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html): Pod Identity roles trust the
 * service principal pods.eks.amazonaws.com (sts:AssumeRole, sts:TagSession), may pin
 * aws:RequestTag/kubernetes-service-account, and a PodIdentityAssociation names the account and role.
 * FACT (AWS IAM JSON policy reference, Action / NotAction / Resource / NotResource elements,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html): actions
 * match case-insensitively with `*` and `?`; NotAction / NotResource apply the statement to everything
 * not listed; an explicit Deny overrides any Allow. Each claim below is also checked request by
 * request with an IAM evaluator (@cloud-copilot/iam-simulate 0.1.173, test-only).
 * FACT (AWS managed policy reference, https://docs.aws.amazon.com/aws-managed-policy/latest/reference/):
 * AmazonS3FullAccess allows s3:* and s3-object-lambda:* on every resource.
 */

const RULE = "serving-identity-disallow-artifact-writes";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const POLICY = "aws:iam/policy:Policy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const BUCKET = "aws:s3/bucket:Bucket";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const VAULT_ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole";
const VAULT_POLICY = "vault:index/policy:Policy";
const VAULT_MOUNT = "vault:index/mount:Mount";
const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";
const urn = (type: string, name: string) => `urn:pulumi:test::test::${type}::${name}`;

const ACCOUNT = "123456789012";
const ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const OIDC_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
const ARTIFACTS = "ml-dev-model-artifacts";
const DATASETS = "ml-dev-datasets";
const MODEL_OBJECT = `arn:aws:s3:::${ARTIFACTS}/teams/vision/fraud/3/model.bin`;

type Statement = Record<string, unknown>;
const document = (statements: Statement[]) => ({ Version: "2012-10-17", Statement: statements });
const webIdentityTrust = (condition: Record<string, unknown> | undefined) => JSON.stringify(document([{
  Effect: "Allow", Principal: { Federated: OIDC_PROVIDER }, Action: "sts:AssumeRoleWithWebIdentity", ...(condition ? { Condition: condition } : {}),
}]));
const trustFor = (account: string, operator = "StringEquals") => webIdentityTrust({ [operator]: { [`${ISSUER}:sub`]: `system:serviceaccount:vision:${account}`, [`${ISSUER}:aud`]: "sts.amazonaws.com" } });

const role = (name: string, assumeRolePolicy: unknown, change: Record<string, unknown> = {}): FakeResource => ({
  type: ROLE, name, props: { name: `dev-vision-${name}`, arn: `arn:aws:iam::${ACCOUNT}:role/dev-vision-${name}`, assumeRolePolicy, ...change },
});
const rolePolicy = (roleName: string, statements: unknown, name = `${roleName}-data`): FakeResource => ({
  type: ROLE_POLICY, name, props: { role: `dev-vision-${roleName}`, policy: Array.isArray(statements) ? JSON.stringify(document(statements)) : statements },
});
const bucket = (name: string, bucketRole: unknown, change: Record<string, unknown> = {}): FakeResource => ({ type: BUCKET, name, props: { bucket: name, tags: { "mlops.io/bucket-role": bucketRole }, ...change } });
const buckets = [bucket(ARTIFACTS, "model-artifacts"), bucket(DATASETS, "datasets")];

const allow = (action: unknown, resource: unknown = `arn:aws:s3:::${ARTIFACTS}/teams/vision/*`): Statement => ({ Effect: "Allow", Action: action, Resource: resource });
const READ = allow(["s3:GetObject", "s3:ListBucket"]);
const servingWith = (statements: Statement[], trust = trustFor("serving")) => [...buckets, role("serving", trust), rolePolicy("serving", statements)];

const check = async (resources: FakeResource[]) => (await validateStackAsync(RULE, resources)).map((item: Reported) => [item.level, item.urn, item.message]);

const SERVING = "serving identity serving (its trust policy's Statement[0] admits serving service account tokens)";
const TAMPER = "a compromised model server could replace or delete the models it serves; grant serving s3:GetObject (and s3:ListBucket) only";
const writes = (actions: string[], where = "policy.Statement[1]", who = SERVING, allows = "allows") =>
  `${where}: ${allows} ${who} ${actions.join(", ")} on objects of the model-artifacts bucket ${ARTIFACTS}: ${TAMPER}`;
const PUT_STAR = ["s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectVersionAcl", "s3:PutObjectTagging", "s3:PutObjectVersionTagging", "s3:PutObjectRetention", "s3:PutObjectLegalHold"];
const ALL_BUT_READS = OBJECT_WRITE_ACTIONS;

/** What an IAM evaluator says each object write does on a model object, given the serving role's documents. */
async function evaluatorAllows(statements: Statement[]): Promise<string[]> {
  const allowed: string[] = [];
  for (const action of OBJECT_WRITE_ACTIONS) {
    const response = await runSimulation({
      identityPolicies: [{ name: "serving-data", policy: document(statements) }],
      serviceControlPolicies: [], resourceControlPolicies: [],
      request: { action, principal: `arn:aws:iam::${ACCOUNT}:role/dev-vision-serving`, resource: { accountId: ACCOUNT, resource: MODEL_OBJECT }, contextVariables: {} },
    }, {});
    if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
    if (response.overallResult === "Allowed") allowed.push(action);
  }
  return allowed;
}

const DENY_WRITES: Statement = { Effect: "Deny", NotAction: ["s3:GetObject", "s3:ListBucket"], Resource: `arn:aws:s3:::${ARTIFACTS}/*` };

/** Permission sets of the serving role, with the writes on model objects the rule must report (none: compliant). */
const PERMISSION_CASES: [string, Statement[], string[]][] = [
  ["s3:PutObject on the team's artifacts", [READ, allow("s3:PutObject")], ["s3:PutObject"]],
  ["a Put* wildcard, in lower case", [READ, allow("s3:put*")], PUT_STAR],
  ["s3:* on the whole bucket", [READ, allow("s3:*", `arn:aws:s3:::${ARTIFACTS}/*`)], ALL_BUT_READS],
  ["every action but reads, through NotAction", [READ, { Effect: "Allow", NotAction: ["s3:GetObject", "s3:ListBucket"], Resource: `arn:aws:s3:::${ARTIFACTS}/*` }], ALL_BUT_READS],
  ["deletes on every resource", [READ, allow(["s3:DeleteObject", "s3:DeleteObjectVersion"], "*")], ["s3:DeleteObject", "s3:DeleteObjectVersion"]],
  ["writes on a bucket-name wildcard", [READ, allow("s3:PutObject", "arn:aws:s3:::ml-dev-*/*")], ["s3:PutObject"]],
  ["writes on everything but the datasets, through NotResource", [READ, { Effect: "Allow", Action: "s3:PutObject", NotResource: `arn:aws:s3:::${DATASETS}/*` }], ["s3:PutObject"]],
  ["a Deny that only covers another team's prefix", [READ, allow("s3:PutObject", `arn:aws:s3:::${ARTIFACTS}/*`), { Effect: "Deny", Action: "s3:PutObject", Resource: `arn:aws:s3:::${ARTIFACTS}/teams/nlp/*` }], ["s3:PutObject"]],
  ["read-only access", [READ], []],
  ["writes to the datasets bucket only", [READ, allow("s3:PutObject", `arn:aws:s3:::${DATASETS}/teams/vision/*`)], []],
  ["bucket-level actions only", [READ, allow(["s3:PutBucketTagging", "s3:GetBucketLocation"], `arn:aws:s3:::${ARTIFACTS}`)], []],
  ["s3:* taken back by an unconditional Deny of every write", [READ, allow("s3:*", `arn:aws:s3:::${ARTIFACTS}/*`), DENY_WRITES], []],
];

describe("serving-identity-disallow-artifact-writes: IAM", () => {
  it.each(PERMISSION_CASES)("judges %s as an IAM evaluator does", async (_case, statements, expected) => {
    // Each write the rule reports is one IAM allows on a model object, and one it does not report is denied.
    expect(await evaluatorAllows(statements)).toEqual(expected);
    expect(await check(servingWith(statements))).toEqual(expected.length === 0 ? [] : [["policy", urn(ROLE_POLICY, "serving-data"), writes(expected)]]);
  });

  it("does not count a Deny that depends on a condition", async () => {
    const conditional = { ...DENY_WRITES, Condition: { Bool: { "aws:SecureTransport": "false" } } };
    expect(await check(servingWith([READ, allow("s3:PutObject"), conditional]))).toEqual([["policy", urn(ROLE_POLICY, "serving-data"), writes(["s3:PutObject"])]]);
  });

  it.each([
    ["a StringLike :sub admitting every account of the namespace", trustFor("*", "StringLike"), SERVING],
    ["a trust policy with no :sub condition", webIdentityTrust({ StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" } }), "serving identity serving (its trust policy's Statement[0] admits every service account of the cluster (no :sub condition))"],
    ["a :sub condition only under a negated operator", webIdentityTrust({ StringNotEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:vision:training" } }), "serving identity serving (its trust policy's Statement[0] admits every service account of the cluster (no :sub condition))"],
  ])("finds serving identities through %s", async (_case, trust, who) => {
    expect(await check(servingWith([allow("s3:PutObject")], trust))).toEqual([["policy", urn(ROLE_POLICY, "serving-data"), writes(["s3:PutObject"], "policy.Statement[0]", who)]]);
  });

  it("finds the serving identity of a serving-labelled account by its subject, its annotation, or a Pod Identity association", async () => {
    const labelled = (annotations: Record<string, unknown> = {}): FakeResource => ({ type: SERVICE_ACCOUNT, name: "model-api-sa", props: { metadata: { name: "model-api", namespace: "vision", labels: { "mlops.io/role": "serving" }, annotations } } });
    const put = [allow("s3:PutObject")];
    expect((await check([...servingWith(put, trustFor("model-api")), labelled()])).map(([level]) => level)).toEqual(["policy"]);
    const annotated = [...buckets, role("serving", trustFor("training")), rolePolicy("serving", put), labelled({ "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/dev-vision-serving` })];
    expect(await check(annotated)).toEqual([["policy", urn(ROLE_POLICY, "serving-data"), writes(["s3:PutObject"], "policy.Statement[0]", "serving identity serving (service account vision/model-api is annotated with it (IRSA))")]]);
    const podIdentity = JSON.stringify(document([{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }]));
    const association: FakeResource = { type: ASSOCIATION, name: "serving-association", props: { clusterName: "ml-dev", namespace: "vision", serviceAccount: "serving", roleArn: `arn:aws:iam::${ACCOUNT}:role/dev-vision-serving` } };
    expect(await check([...buckets, role("serving", podIdentity), rolePolicy("serving", put), association])).toEqual([
      ["policy", urn(ROLE_POLICY, "serving-data"), writes(["s3:PutObject"], "policy.Statement[0]", "serving identity serving (EKS Pod Identity association serving-association gives it to vision/serving)")],
    ]);
  });

  it("follows the engine's dependencies while the role's ARN and name are unknown", async () => {
    const unnamed = role("serving", trustFor("training"), { name: UNKNOWN, arn: UNKNOWN, id: UNKNOWN });
    const account: FakeResource = { type: SERVICE_ACCOUNT, name: "serving-sa", props: { metadata: { name: "serving", namespace: "vision", annotations: { "eks.amazonaws.com/role-arn": UNKNOWN } } }, dependsOn: { metadata: ["serving"] } };
    const policyOfRole = { ...rolePolicy("serving", [allow("s3:PutObject")]), props: { role: UNKNOWN, policy: JSON.stringify(document([allow("s3:PutObject")])) }, dependsOn: { role: ["serving"] } };
    expect((await check([...buckets, unnamed, policyOfRole, account])).map(([level, at]) => [level, at])).toEqual([["policy", urn(ROLE_POLICY, "serving-data")]]);
  });

  it("reads inline policies, attached policies of the stack and AWS-managed full-access policies", async () => {
    const inline = role("serving", trustFor("serving"), { inlinePolicies: [{ name: "data", policy: JSON.stringify(document([allow("s3:PutObject")])) }] });
    expect(await check([...buckets, inline])).toEqual([["policy", urn(ROLE, "serving"), writes(["s3:PutObject"], "inlinePolicies[0].policy.Statement[0]")]]);
    const managed: FakeResource = { type: POLICY, name: "writer", props: { arn: `arn:aws:iam::${ACCOUNT}:policy/writer`, policy: JSON.stringify(document([allow("s3:DeleteObject")])) } };
    const attach = (policyArn: string): FakeResource => ({ type: ATTACHMENT, name: "attach", props: { role: "dev-vision-serving", policyArn } });
    expect(await check([...buckets, role("serving", trustFor("serving")), managed, attach(`arn:aws:iam::${ACCOUNT}:policy/writer`)])).toEqual([
      ["policy", urn(POLICY, "writer"), writes(["s3:DeleteObject"], "policy.Statement[0]")],
    ]);
    expect(await check([...buckets, role("serving", trustFor("serving")), attach("arn:aws:iam::aws:policy/AmazonS3FullAccess")])).toEqual([
      ["policy", urn(ATTACHMENT, "attach"), writes(ALL_BUT_READS, "policyArn", SERVING, "attaches the AWS-managed AmazonS3FullAccess, which allows")],
    ]);
    expect(await check([...buckets, role("serving", trustFor("serving")), attach("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")])).toEqual([]);
  });

  it.each([
    ["a training role", [...buckets, role("training", trustFor("training")), rolePolicy("training", [allow("s3:PutObject")])]],
    ["a Pod Identity role pinned to the training account", [...buckets, role("serving", JSON.stringify(document([{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"], Condition: { StringEquals: { "aws:RequestTag/kubernetes-service-account": "training" } } }]))), rolePolicy("serving", [allow("s3:PutObject")])]],
    ["a role Vault assumes (not a web identity)", [...buckets, role("vault-data", JSON.stringify(document([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/vault` }, Action: "sts:AssumeRole" }]))), rolePolicy("vault-data", [allow("s3:PutObject")])]],
  ])("accepts writes by %s", async (_case, resources) => {
    expect(await check(resources)).toEqual([]);
  });

  it.each([
    ["the policy document", servingWith([]).map((item) => (item.type === ROLE_POLICY ? rolePolicy("serving", UNKNOWN) : item)), [["advisory", urn(ROLE_POLICY, "serving-data"), `policy: the policy document of ${SERVING} ${LATER}`]]],
    ["the trust policy of a role that writes", [...buckets, role("serving", UNKNOWN), rolePolicy("serving", [allow("s3:PutObject")])],
      [["advisory", urn(ROLE, "serving"), `assumeRolePolicy: its trust policy, which decides whether serving pods run as this role, ${LATER}`]]],
    ["the :sub condition", servingWith([allow("s3:PutObject")], webIdentityTrust({ StringEquals: { [`${ISSUER}:sub`]: UNKNOWN } })),
      [["advisory", urn(ROLE, "serving"), `assumeRolePolicy: its trust policy's Statement[0]'s :sub condition, which decides whether serving pods run as this role, ${LATER}`]]],
  ])("reports an unknown %s as advisory", async (_case, resources, expected) => {
    expect(await check(resources)).toEqual(expected);
  });

  it("advises when no model-artifacts bucket of the stack can be told from the ones a serving role writes", async () => {
    const advice = (resource: string) => `policy.Statement[0]: allows ${SERVING} to write S3 objects (${resource}) and no model-artifacts bucket of this stack can be told apart from them; if they hold models, grant serving s3:GetObject only`;
    const put = [allow("s3:PutObject", "arn:aws:s3:::elsewhere/*")];
    expect(await check([role("serving", trustFor("serving")), rolePolicy("serving", put)])).toEqual([["advisory", urn(ROLE_POLICY, "serving-data"), advice("arn:aws:s3:::elsewhere/*")]]);
    const unnamedArtifacts = bucket(ARTIFACTS, "model-artifacts", { bucket: UNKNOWN });
    expect(await check([unnamedArtifacts, role("serving", trustFor("serving")), rolePolicy("serving", put)])).toEqual([["advisory", urn(ROLE_POLICY, "serving-data"), advice("arn:aws:s3:::elsewhere/*")]]);
    // Writes that reach only buckets known to hold something else need no advice.
    expect(await check([bucket(DATASETS, "datasets"), role("serving", trustFor("serving")), rolePolicy("serving", [allow("s3:PutObject", `arn:aws:s3:::${DATASETS}/*`)])])).toEqual([]);
  });
});

describe("serving-identity-disallow-artifact-writes: Vault", () => {
  const kv: FakeResource = { type: VAULT_MOUNT, name: "kv", props: { path: "ml-dev-kv", type: "kv", options: { version: "2" } } };
  const vaultRole = (account: string): FakeResource => ({ type: VAULT_ROLE, name: `${account}-role`, props: { backend: "kubernetes", roleName: `dev-vision-${account}`, boundServiceAccountNames: [account], boundServiceAccountNamespaces: ["vision"], tokenPolicies: [`dev-vision-${account}`], tokenNoDefaultPolicy: true } });
  const vaultPolicy = (account: string, text: unknown): FakeResource => ({ type: VAULT_POLICY, name: `${account}-policy`, props: { name: `dev-vision-${account}`, policy: text } });
  const grant = (path: string, capabilities: string[]) => `path "${path}" {\n  capabilities = [${capabilities.map((capability) => `"${capability}"`).join(", ")}]\n}\n`;
  const POLICY_URN = urn(VAULT_POLICY, "serving-policy");

  it.each([
    ["update on a KV v2 data path", grant("ml-dev-kv/data/teams/vision", ["read", "update"]), 'policy: path "ml-dev-kv/data/teams/vision": grants update'],
    ["create and delete under a glob", grant("ml-dev-kv/*", ["create", "delete"]), 'policy: path "ml-dev-kv/*": grants create, delete'],
    ["patch through a one-segment wildcard", grant("+/data/teams/vision", ["patch"]), 'policy: path "+/data/teams/vision": grants patch'],
  ])("refuses %s", async (_case, text, expected) => {
    expect(await check([kv, vaultRole("serving"), vaultPolicy("serving", text)])).toEqual([
      ["policy", POLICY_URN, `${expected} in the KV mount ml-dev-kv to the serving identity of Vault role dev-vision-serving (auth/kubernetes): serving pods could change the secrets other workloads read; grant read only`],
    ]);
  });

  it.each([
    ["a serving role reading its secrets and database credentials", "serving", grant("ml-dev-kv/data/teams/vision", ["read"]) + grant("ml-dev-database/creds/dev-vision-serving", ["read"])],
    ["a serving role revoking its own token", "serving", grant("auth/token/revoke-self", ["update"])],
    ["a serving role denied writes", "serving", grant("ml-dev-kv/data/teams/vision", ["deny", "update"])],
    ["a training role writing its secrets", "training", grant("ml-dev-kv/data/teams/vision", ["update"])],
  ])("accepts %s", async (_case, account, text) => {
    expect(await check([kv, vaultRole(account), vaultPolicy(account, text)])).toEqual([]);
  });

  it("reports a serving policy text unknown in preview as advisory", async () => {
    expect(await check([kv, vaultRole("serving"), vaultPolicy("serving", UNKNOWN)])).toEqual([
      ["advisory", POLICY_URN, `policy: the policy text of the serving identity of Vault role dev-vision-serving (auth/kubernetes) ${LATER}`],
    ]);
  });
});

describe("serving-identity-disallow-artifact-writes: which Vault roles serve", () => {
  const kv = (path = "ml-dev-kv"): FakeResource => ({ type: VAULT_MOUNT, name: path, props: { path, type: "kv", options: { version: "2" } } });
  const vaultRole = (name: string, accounts: string[], policyName = "dev-vision-shared"): FakeResource => ({
    type: VAULT_ROLE, name, props: { backend: "kubernetes", roleName: name, boundServiceAccountNames: accounts, boundServiceAccountNamespaces: ["vision"], tokenPolicies: [policyName], tokenNoDefaultPolicy: true },
  });
  const vaultPolicy = (text: unknown): FakeResource => ({ type: VAULT_POLICY, name: "shared-policy", props: { name: "dev-vision-shared", policy: text } });
  const account = (name: string, labels: Record<string, string> = {}): FakeResource => ({ type: SERVICE_ACCOUNT, name: `${name}-sa`, props: { metadata: { name, namespace: "vision", labels } } });
  const UPDATE = 'path "ml-dev-kv/data/teams/vision" {\n  capabilities = ["update"]\n}\n';
  const levels = async (resources: FakeResource[]) => (await check(resources)).map(([level]) => level);

  it("counts a role bound to every account, to a serving account among others, or to a serving-labelled account by its own name", async () => {
    expect(await levels([kv(), vaultRole("any", ["*"]), vaultPolicy(UPDATE)])).toEqual(["policy"]);
    expect(await levels([kv(), vaultRole("mixed", ["training", "serving"]), vaultPolicy(UPDATE)])).toEqual(["policy"]);
    expect(await levels([kv(), account("model-api", { "mlops.io/role": "serving" }), vaultRole("api", ["model-api"]), vaultPolicy(UPDATE)])).toEqual(["policy"]);
  });

  it("does not count a role bound to an account of the stack that does not serve, or a mount that is not KV", async () => {
    expect(await check([kv(), account("training"), account("model-api", { "mlops.io/role": "serving" }), vaultRole("training", ["training"]), vaultPolicy(UPDATE)])).toEqual([]);
    const database: FakeResource = { type: VAULT_MOUNT, name: "database", props: { path: "ml-dev-database", type: "database" } };
    expect(await check([database, vaultRole("serving", ["serving"]), vaultPolicy('path "ml-dev-database/*" {\n  capabilities = ["update"]\n}\n')])).toEqual([]);
    // A role naming a policy the stack does not hold has nothing here to check.
    expect(await check([kv(), vaultRole("serving", ["serving"], "elsewhere")])).toEqual([]);
  });

  it("names every serving role of a shared policy and every KV mount a path reaches", async () => {
    const roles = "Vault role a (auth/kubernetes), Vault role b (auth/kubernetes)";
    expect(await check([kv(), kv("ml-dev-kv-legacy"), vaultRole("a", ["serving"]), vaultRole("b", ["serving"]), vaultPolicy('path "ml-dev-kv*" {\n  capabilities = ["delete"]\n}\n')])).toEqual([
      ["policy", urn(VAULT_POLICY, "shared-policy"), `policy: path "ml-dev-kv*": grants delete in the KV mount ml-dev-kv, ml-dev-kv-legacy to the serving identity of ${roles}: serving pods could change the secrets other workloads read; grant read only`],
    ]);
    expect(await check([kv(), vaultRole("a", ["serving"]), vaultRole("b", ["serving"]), vaultPolicy(UNKNOWN)])).toEqual([
      ["advisory", urn(VAULT_POLICY, "shared-policy"), `policy: the policy text of the serving identity of ${roles} ${LATER}`],
    ]);
  });
});

describe("serving-identity-disallow-artifact-writes: what a role that writes nothing needs", () => {
  it("looks no further than the documents of a role that writes no objects", async () => {
    expect(await check([...buckets, role("serving", UNKNOWN), rolePolicy("serving", [READ])])).toEqual([]);
  });

  it("gives no advice for writes that reach only buckets known to hold something else, and names NotResource and every resource otherwise", async () => {
    expect(await check([...buckets, role("serving", trustFor("serving")), rolePolicy("serving", [allow("s3:PutObject", `arn:aws:s3:::${DATASETS}/*`)])])).toEqual([]);
    const advice = (resource: string) => `policy.Statement[0]: allows ${SERVING} to write S3 objects (${resource}) and no model-artifacts bucket of this stack can be told apart from them; if they hold models, grant serving s3:GetObject only`;
    expect(await check([role("serving", trustFor("serving")), rolePolicy("serving", [allow("s3:PutObject", ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"])])])).toEqual([
      ["advisory", urn(ROLE_POLICY, "serving-data"), advice("arn:aws:s3:::a/*, arn:aws:s3:::b/*")],
    ]);
    expect(await check([role("serving", trustFor("serving")), rolePolicy("serving", [{ Effect: "Allow", Action: "s3:PutObject", NotResource: "arn:aws:s3:::a/*" }])])).toEqual([
      ["advisory", urn(ROLE_POLICY, "serving-data"), advice("NotResource")],
    ]);
  });
});
