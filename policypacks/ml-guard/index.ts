import { PolicyPack } from "@pulumi/policy";
import { iamPolicies } from "./policies/iam";
import { kmsPolicies } from "./policies/kms";
import { podSecurityPolicies } from "./policies/podSecurity";
import { s3Policies } from "./policies/s3";
import { secretPolicies } from "./policies/secrets";
import { tenancyPolicies } from "./policies/tenancy";
import { workloadPolicies } from "./policies/workloads";

new PolicyPack("ml-guard", {
  description: "Security rules for the secure ML platform and the workloads teams deploy on it.",
  policies: [...s3Policies, ...kmsPolicies, ...iamPolicies, ...tenancyPolicies, ...podSecurityPolicies, ...workloadPolicies, ...secretPolicies],
});
