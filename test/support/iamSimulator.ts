/**
 * One AWS request, decided by an IAM policy evaluator the way AWS decides it: identity policies and
 * the resource's policy together, same-account and cross-account, explicit Deny first.
 *
 * The evaluator is @cloud-copilot/iam-simulate (AGPL-3.0-or-later). It is a test-only devDependency:
 * never import it from components/, platform/ or the policy pack.
 */
import { anonymousPrincipal, runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../components/storage/policyDocuments";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** The principal of an unsigned request. */
export const ANONYMOUS = "anonymous";

export interface IamRequest {
  /** An IAM ARN (role, assumed-role session, `:root`), a service principal, an OIDC provider ARN, or ANONYMOUS. */
  principal: string;
  action: string;
  resource: string;
  /** The account that owns the resource (S3 bucket ARNs do not carry it). */
  resourceAccount: string;
  /** The request's condition keys; aws:PrincipalAccount is added for IAM principals and anonymous callers. */
  context?: Record<string, string | string[]>;
  /** Policies attached to the caller. */
  identityPolicies?: PolicyDocument[];
  /** The bucket policy, key policy or role trust policy of the resource. */
  resourcePolicy?: PolicyDocument;
  /** S3 Block Public Access (RestrictPublicBuckets) in force on the bucket. */
  blockPublicAccess?: boolean;
}

const IAM_PRINCIPAL = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):/;

/*
 * Condition keys IAM evaluates that iam-simulate 0.1.173 drops as "not applicable to the action",
 * because its action tables (from the Service Authorization Reference) do not list them by name:
 * - FACT: an OIDC provider's claims are condition keys named `<provider host and path>:<claim>`
 *   (`:aud`, `:sub`, ...), and EKS service-account tokens are such id_tokens. Source: IAM User Guide,
 *   reference_policies_iam-condition-keys.md#condition-keys-wif (awsdocs/iam-user-guide, commit
 *   e2b8637a825b9f292bb04af61277d067dfcc5676). The tables list only fixed providers (Google, Cognito...).
 * - FACT: `kms:EncryptionContext:<context-key>` holds each encryption-context pair of a KMS request.
 *   Source: KMS Developer Guide, conditions-kms.md (awsdocs/aws-kms-developer-guide, commit
 *   3447fd9221fcc8ee5589b4c1a513883756729eac). The tables list the template, which 0.1.173 expands only
 *   for keys with a '/'.
 * A request carrying such a key is validated by runSimulation (policies, action, resource, the types
 * of the other keys) and then decided by runUnsafeSimulation, which evaluates every key as given.
 */
const KEYS_IAM_EVALUATES_UNLISTED = [/^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[A-Za-z0-9]+:(aud|sub)$/, /^kms:EncryptionContext:.+$/];

function contextOf(request: IamRequest): Record<string, string | string[]> {
  // FACT: aws:PrincipalAccount is in the context of every request, `anonymous` for unsigned ones.
  // Source: IAM User Guide, reference_policies_condition-keys.md#condition-keys-principalaccount
  // (awsdocs/iam-user-guide, commit e2b8637a825b9f292bb04af61277d067dfcc5676).
  const account = request.principal === ANONYMOUS ? "anonymous" : IAM_PRINCIPAL.exec(request.principal)?.[2];
  return { ...(account ? { "aws:PrincipalAccount": account } : {}), ...request.context };
}

function simulationOf(request: IamRequest): Simulation {
  return {
    request: {
      principal: request.principal === ANONYMOUS ? anonymousPrincipal : request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: contextOf(request),
    },
    identityPolicies: (request.identityPolicies ?? []).map((policy, index) => ({ name: `identity-${index}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
    additionalSettings: { s3: { blockPublicAccess: request.blockPublicAccess ?? false } },
  };
}

/** Decides one request; throws when the evaluator refuses the input or would ignore one of its keys. */
export async function decide(request: IamRequest): Promise<Decision> {
  const simulation = simulationOf(request);
  const validated = await runSimulation(simulation, { simulationMode: "Strict" });
  if (validated.resultType === "error") throw new Error(`the evaluator refused the request: ${JSON.stringify(validated.errors)}`);
  if (validated.resultType !== "single") throw new Error(`${request.resource}: name one resource, not a pattern`);
  const ignored = validated.result.ignoredContextKeys ?? [];
  const unexpected = ignored.filter((key) => !KEYS_IAM_EVALUATES_UNLISTED.some((pattern) => pattern.test(key)));
  // A key the evaluator drops would make the case test nothing about it.
  if (unexpected.length > 0) throw new Error(`${request.action} on ${request.resource} ignores condition keys ${unexpected.join(", ")}`);
  if (ignored.length === 0) return validated.overallResult;
  // 0.1.173's unsafe path loads the resource policy without a name and then reads it; a validated
  // policy object carries one (iam-policy's ValidatedPolicy shape: plain data).
  const resourcePolicy = simulation.resourcePolicy && { __validated: true, policyDocument: simulation.resourcePolicy, metadata: { name: "resource-policy" }, errors: [] };
  return runUnsafeSimulation({ ...simulation, resourcePolicy }, { simulationMode: "Strict" });
}
