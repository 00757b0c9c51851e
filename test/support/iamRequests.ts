/** The vocabulary of the IAM effect tests: accounts, callers, transports and encryption headers. */
import type { PolicyDocument } from "../../components/storage/policyDocuments";
import { OFFLINE_ACCOUNT_ID } from "../../tools/plan/mocks";

/** The account the platform deploys into (the offline plan's), and a stranger's. */
export const ACCOUNT = OFFLINE_ACCOUNT_ID;
export const OTHER_ACCOUNT = "210987654321";
export const REGION = "us-west-2";

/** A caller holding a role's temporary credentials (how pods, CI and people reach AWS). */
export const sessionOf = (role: string, account = ACCOUNT) => `arn:aws:sts::${account}:assumed-role/${role}/session-1`;
export const roleArn = (role: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${role}`;
export const ROOT_USER = `arn:aws:iam::${ACCOUNT}:root`;

/** Stands for the AdministratorAccess managed policy: every action on every resource. */
export const ADMINISTRATOR_ACCESS: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Sid: "AdministratorAccess", Effect: "Allow", Action: "*", Resource: "*" }],
};
/**
 * FACT: the root user "has complete access to all AWS services and resources in the account"
 * (id_root-user.md) and is the one exception to the default implicit deny, while an explicit Deny
 * still overrides every Allow (reference_policies_evaluation-logic.md). Source: IAM User Guide,
 * awsdocs/iam-user-guide commit e2b8637a825b9f292bb04af61277d067dfcc5676. The evaluator decides a
 * caller by its policies, so the root user is given every action.
 */
export const ROOT_USER_POLICIES = [ADMINISTRATOR_ACCESS];

/*
 * FACT: aws:SecureTransport is in every request's context, false over plain HTTP (IAM User Guide,
 * reference_policies_condition-keys.md#condition-keys-securetransport, awsdocs/iam-user-guide commit
 * e2b8637a825b9f292bb04af61277d067dfcc5676). FACT: s3:TlsVersion holds the TLS version the client
 * negotiated, compared with numeric operators (S3 User Guide, amazon-s3-policy-keys.md, "s3:TlsVersion",
 * awsdocs/amazon-s3-userguide commit cc53dd6a44d3aa1d654e6d3705a0a7550f20fd2a).
 */
export const overTls = (version: "1.0" | "1.1" | "1.2" | "1.3") => ({ "aws:SecureTransport": "true", "s3:TlsVersion": version });
export const OVER_PLAIN_HTTP = { "aws:SecureTransport": "false" };

const SSE = "s3:x-amz-server-side-encryption";
const SSE_KMS_KEY = "s3:x-amz-server-side-encryption-aws-kms-key-id";

/*
 * Upload encryption headers as the condition keys carry them. FACTS, S3 User Guide
 * (awsdocs/amazon-s3-userguide, commit cc53dd6a44d3aa1d654e6d3705a0a7550f20fd2a):
 * - default-bucket-encryption.md: a PUT whose headers carry no encryption information is encrypted with
 *   the bucket's default encryption (here SSE-KMS with the bucket's key), so it sends no SSE key.
 * - specifying-kms-encryption.md#s3-kms-key-id-api: `x-amz-server-side-encryption: aws:kms` without
 *   `x-amz-server-side-encryption-aws-kms-key-id` is encrypted with the AWS managed key aws/s3; the
 *   PutObject API reference says the same of `aws:kms:dsse` (SSEKMSKeyId of PutObjectRequest).
 * - UsingKMSEncryption.md#require-sse-kms: a policy names the key in the key-id condition key by ARN,
 *   and IAM compares the string the request sent; the header itself accepts a key ID, key ARN or alias
 *   (PutObject API reference), so a request naming the key another way carries that other string.
 * - ServerSideEncryptionCustomerKeys.md: SSE-C uploads send x-amz-server-side-encryption-customer-algorithm
 *   (AES256) and no x-amz-server-side-encryption.
 */
export const NO_ENCRYPTION_HEADER = {};
export const SSE_S3 = { [SSE]: "AES256" };
export const sseKms = (keyId?: string) => ({ [SSE]: "aws:kms", ...(keyId === undefined ? {} : { [SSE_KMS_KEY]: keyId }) });
export const dsseKms = (keyId?: string) => ({ [SSE]: "aws:kms:dsse", ...(keyId === undefined ? {} : { [SSE_KMS_KEY]: keyId }) });
export const SSE_C = { "s3:x-amz-server-side-encryption-customer-algorithm": "AES256" };
