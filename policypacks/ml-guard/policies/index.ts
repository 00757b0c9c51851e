import type { Policies } from "@pulumi/policy";
import { auditPolicies } from "./audit";
import { credentialPolicies } from "./credentials";
import { ecrPolicies } from "./ecr";
import { eksPolicies } from "./eks";
import { externalSecretsPolicies } from "./externalSecrets";
import { iamPolicies } from "./iam";
import { istioPolicies } from "./istio";
import { kmsPolicies } from "./kms";
import { podSecurityPolicies } from "./podSecurity";
import { promotionPolicies } from "./promotion";
import { rbacPolicies } from "./rbac";
import { s3Policies } from "./s3";
import { secretPolicies } from "./secrets";
import { servingPolicies } from "./serving";
import { teamStackPolicies } from "./teamStack";
import { tenancyPolicies } from "./tenancy";
import { vaultPolicies } from "./vault";
import { workloadPolicies } from "./workloads";

/** Every rule of ml-guard, by domain. */
export const policies: Policies = [
  ...s3Policies, ...kmsPolicies, ...iamPolicies, ...tenancyPolicies, ...podSecurityPolicies, ...workloadPolicies, ...secretPolicies,
  ...vaultPolicies, ...externalSecretsPolicies, ...istioPolicies, ...auditPolicies, ...teamStackPolicies, ...servingPolicies, ...credentialPolicies, ...rbacPolicies,
  ...eksPolicies, ...ecrPolicies, ...promotionPolicies,
];
