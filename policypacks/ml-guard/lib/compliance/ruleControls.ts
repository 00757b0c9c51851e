import { FRAMEWORK_IDS, frameworkOf, type ControlId, type FrameworkId } from "./vocabulary";

/**
 * Every rule of the pack and the controls it implements: what the rule enforces, not what it touches.
 * CIS ids name the recommendation the rule checks; framework-wide criteria (SOC 2, HIPAA, GDPR) only
 * where the rule is one of the technical measures the criterion asks for; the EU AI Act only for rules
 * about the AI system's own data, models, serving endpoints and their records. Rows follow the pack's order.
 */
export const RULE_CONTROLS: Readonly<Record<string, readonly ControlId[]>> = {
  // Storage: the dataset, model-artifact and log buckets
  "s3-encryption-disallow-non-kms": ["nist-800-53:SC-28", "nist-800-53:SC-28(1)", "nist-800-53:SC-12", "soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:32(1)(a)"],
  "s3-bucket-missing-kms-encryption": ["nist-800-53:SC-28", "nist-800-53:SC-28(1)", "nist-800-53:SC-12", "soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:32(1)(a)"],
  "s3-public-access-block-disallow-disabled-flags": ["nist-800-53:AC-3", "nist-800-53:SC-7", "soc2:CC6.1", "soc2:CC6.6", "hipaa:164.312(a)(1)", "gdpr:32(1)(b)", "eu-ai-act:15(5)"],
  "s3-bucket-missing-public-access-block": ["nist-800-53:AC-3", "nist-800-53:SC-7", "soc2:CC6.1", "soc2:CC6.6", "hipaa:164.312(a)(1)", "gdpr:32(1)(b)", "eu-ai-act:15(5)"],
  "s3-bucket-disallow-acls": ["nist-800-53:AC-3", "nist-800-53:AC-6", "soc2:CC6.1", "hipaa:164.312(a)(1)", "gdpr:32(1)(b)", "eu-ai-act:15(5)"],
  "s3-bucket-missing-versioning": ["nist-800-53:CP-9", "soc2:A1.2", "hipaa:164.312(c)(1)", "gdpr:32(1)(c)", "eu-ai-act:15(4)"],
  "s3-bucket-missing-tls-policy": ["nist-800-53:SC-8", "nist-800-53:SC-8(1)", "soc2:CC6.7", "hipaa:164.312(e)(1)", "hipaa:164.312(e)(2)(ii)", "gdpr:32(1)(a)"],
  "s3-bucket-missing-access-logging": ["nist-800-53:AU-2", "nist-800-53:AU-12", "soc2:CC7.2", "hipaa:164.312(b)", "eu-ai-act:12(1)"],
  // Keys
  "kms-key-missing-rotation": ["nist-800-53:SC-12", "soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:32(1)(a)"],
  "kms-key-deletion-window-too-short": ["nist-800-53:SC-12", "soc2:CC6.1", "hipaa:164.312(c)(1)", "gdpr:32(1)(c)"],
  // IAM
  "iam-policy-disallow-public-principal": ["nist-800-53:AC-3", "nist-800-53:AC-6", "soc2:CC6.1", "soc2:CC6.6", "hipaa:164.312(a)(1)", "gdpr:32(1)(b)"],
  "iam-policy-disallow-wildcard-admin": ["nist-800-53:AC-6", "nist-800-53:AC-6(5)", "soc2:CC6.3", "hipaa:164.312(a)(1)", "gdpr:32(1)(b)"],
  // Tenancy
  "k8s-namespace-missing-restricted-pss": ["cis-k8s:5.2.1", "nist-800-53:CM-6", "nist-800-53:AC-6", "soc2:CC6.1", "gdpr:32(1)(b)"],
  "k8s-namespace-missing-gpu-quota": ["nist-800-53:SC-6", "soc2:A1.1", "gdpr:32(1)(b)"],
  "k8s-namespace-missing-limit-range": ["nist-800-53:SC-6", "soc2:A1.1", "gdpr:32(1)(b)"],
  "k8s-namespace-missing-default-deny": ["cis-k8s:5.3.2", "cis-eks:4.3.2", "cis-eks:5.4.4", "nist-800-53:AC-4", "nist-800-53:SC-7", "nist-800-53:SC-7(5)", "soc2:CC6.6", "gdpr:32(1)(b)"],
  "k8s-networkpolicy-disallow-allow-all": ["cis-k8s:5.3.2", "cis-eks:4.3.2", "cis-eks:5.4.4", "nist-800-53:AC-4", "nist-800-53:SC-7", "nist-800-53:SC-7(5)", "soc2:CC6.6", "gdpr:32(1)(b)"],
  "k8s-clusterrolebinding-disallow-team-admin": ["cis-k8s:5.1.1", "cis-eks:4.1.1", "nist-800-53:AC-6", "nist-800-53:AC-6(5)", "soc2:CC6.3", "hipaa:164.312(a)(1)", "gdpr:32(1)(b)"],
  "k8s-rolebinding-disallow-secrets-write": ["cis-k8s:5.1.2", "cis-eks:4.1.2", "nist-800-53:AC-3", "nist-800-53:AC-6", "soc2:CC6.3", "hipaa:164.312(a)(1)"],
  // Pod Security Standards, restricted: one control each
  "pod-disallow-windows-host-process": ["cis-k8s:5.2.10", "nist-800-53:AC-6", "nist-800-53:SC-39", "soc2:CC6.1", "gdpr:32(1)(b)"],
  "pod-disallow-host-namespaces": ["cis-k8s:5.2.3", "cis-k8s:5.2.4", "cis-k8s:5.2.5", "cis-eks:4.2.2", "cis-eks:4.2.3", "cis-eks:4.2.4", "nist-800-53:SC-39", "soc2:CC6.1", "gdpr:32(1)(b)"],
  "pod-disallow-privileged-containers": ["cis-k8s:5.2.2", "cis-eks:4.2.1", "nist-800-53:AC-6", "nist-800-53:SC-39", "soc2:CC6.1", "gdpr:32(1)(b)"],
  "pod-restrict-capabilities": ["cis-k8s:5.2.8", "cis-k8s:5.2.9", "nist-800-53:AC-6", "nist-800-53:CM-7", "soc2:CC6.1", "gdpr:32(1)(b)"],
  "pod-disallow-host-path": ["cis-k8s:5.2.11", "nist-800-53:AC-6", "nist-800-53:SC-39", "soc2:CC6.1", "gdpr:32(1)(b)"],
  "pod-restrict-volume-types": ["nist-800-53:CM-7", "nist-800-53:SC-39", "soc2:CC6.1"],
  "pod-disallow-host-ports": ["cis-k8s:5.2.12", "nist-800-53:CM-7", "nist-800-53:SC-7", "soc2:CC6.6"],
  "pod-disallow-host-probes": ["nist-800-53:AC-4", "soc2:CC6.1"],
  "pod-restrict-apparmor": ["cis-k8s:5.6.3", "nist-800-53:CM-6", "nist-800-53:SC-39", "soc2:CC6.1"],
  "pod-restrict-selinux": ["cis-k8s:5.6.3", "nist-800-53:CM-6", "nist-800-53:SC-39", "soc2:CC6.1"],
  "pod-disallow-proc-mount": ["cis-k8s:5.6.3", "nist-800-53:SC-39", "soc2:CC6.1"],
  "pod-require-seccomp-profile": ["cis-k8s:5.6.2", "nist-800-53:CM-7", "nist-800-53:SC-39", "soc2:CC6.1"],
  "pod-restrict-sysctls": ["cis-k8s:5.6.3", "nist-800-53:CM-7", "nist-800-53:SC-39", "soc2:CC6.1"],
  "pod-disallow-privilege-escalation": ["cis-k8s:5.2.6", "cis-eks:4.2.5", "nist-800-53:AC-6", "nist-800-53:AC-6(10)", "soc2:CC6.1", "gdpr:32(1)(b)"],
  "pod-require-run-as-non-root": ["cis-k8s:5.2.7", "nist-800-53:AC-6", "soc2:CC6.1", "gdpr:32(1)(b)"],
  "pod-disallow-run-as-root-user": ["cis-k8s:5.2.7", "nist-800-53:AC-6", "soc2:CC6.1", "gdpr:32(1)(b)"],
  // Workloads
  "pod-require-read-only-root-filesystem": ["cis-k8s:5.6.3", "nist-800-53:SI-7", "soc2:CC6.8", "gdpr:32(1)(b)"],
  "pod-require-pinned-images": ["nist-800-53:SI-7", "nist-800-53:CM-5", "soc2:CC6.8", "soc2:CC8.1", "eu-ai-act:15(5)"],
  "pod-restrict-image-registries": ["cis-eks:5.1.4", "nist-800-53:CM-7(5)", "nist-800-53:SR-3", "soc2:CC6.8", "eu-ai-act:15(5)"],
  "pod-require-resources": ["nist-800-53:SC-6", "soc2:A1.1", "gdpr:32(1)(b)"],
  "pod-require-gpu-limits": ["nist-800-53:SC-6", "soc2:A1.1"],
  "serving-missing-model-labels": ["nist-800-53:CM-8", "eu-ai-act:12(2)"],
  "pod-disallow-default-service-account": ["cis-k8s:5.1.5", "cis-eks:4.1.5", "nist-800-53:AC-2", "nist-800-53:AC-6", "soc2:CC6.3", "gdpr:32(1)(b)"],
  "pod-disallow-token-automount": ["cis-k8s:5.1.6", "cis-eks:4.1.6", "nist-800-53:AC-6", "soc2:CC6.1", "gdpr:32(1)(b)"],
  "workload-unreadable-pod-template": ["cis-k8s:5.2.1", "nist-800-53:CM-6", "soc2:CC7.1"],
  // Secrets
  "k8s-secret-disallow-literal-data": ["cis-k8s:5.4.2", "cis-eks:4.4.2", "nist-800-53:IA-5(7)", "nist-800-53:SC-28", "soc2:CC6.1"],
  "pod-disallow-secret-literals": ["cis-k8s:5.4.2", "cis-eks:4.4.2", "nist-800-53:IA-5(7)", "soc2:CC6.1"],
  // Vault
  "vault-auth-role-disallow-wildcard-bindings": ["nist-800-53:IA-9", "nist-800-53:AC-6", "soc2:CC6.3", "hipaa:164.312(d)", "gdpr:32(1)(b)"],
  "vault-auth-role-missing-audience": ["nist-800-53:IA-9", "nist-800-53:SC-23", "soc2:CC6.1", "hipaa:164.312(d)"],
  "vault-auth-role-ttl-too-long": ["nist-800-53:IA-5", "soc2:CC6.1", "gdpr:32(1)(b)"],
  "vault-database-role-ttl-too-long": ["nist-800-53:IA-5", "soc2:CC6.1", "gdpr:32(1)(b)"],
  "vault-aws-role-disallow-long-lived": ["nist-800-53:IA-5", "soc2:CC6.1", "gdpr:32(1)(b)"],
  "vault-policy-disallow-wildcards": ["nist-800-53:AC-3", "nist-800-53:AC-6", "soc2:CC6.3", "hipaa:164.312(a)(1)", "gdpr:32(1)(b)"],
  "vault-audit-device-missing": ["nist-800-53:AU-2", "nist-800-53:AU-12", "soc2:CC7.2", "hipaa:164.312(b)"],
  // External Secrets
  "eso-store-require-vault-kubernetes-auth": ["cis-k8s:5.4.2", "cis-eks:4.4.2", "nist-800-53:IA-5(7)", "nist-800-53:IA-9", "nist-800-53:SC-8", "soc2:CC6.1", "hipaa:164.312(d)"],
  "eso-clustersecretstore-missing-conditions": ["cis-k8s:5.1.2", "cis-eks:4.1.2", "nist-800-53:AC-3", "nist-800-53:AC-6", "soc2:CC6.3"],
  "eso-refresh-interval-too-long": ["nist-800-53:IA-5", "soc2:CC6.1"],
  "eso-externalsecret-require-vault-source": ["cis-k8s:5.4.2", "cis-eks:4.4.2", "nist-800-53:IA-5", "soc2:CC6.1"],
  "eso-refresh-interval-exceeds-lease": ["nist-800-53:IA-5", "soc2:CC6.1"],
  // Mesh
  "istio-peerauthentication-require-strict": ["nist-800-53:SC-8", "nist-800-53:SC-8(1)", "nist-800-53:IA-9", "soc2:CC6.7", "hipaa:164.312(d)", "hipaa:164.312(e)(1)", "hipaa:164.312(e)(2)(ii)", "gdpr:32(1)(a)"],
  "istio-authorizationpolicy-disallow-allow-all": ["nist-800-53:AC-3", "soc2:CC6.1", "hipaa:164.312(a)(1)", "gdpr:32(1)(b)"],
  "istio-jwt-rule-require-https-jwks": ["nist-800-53:IA-2", "nist-800-53:SC-8", "soc2:CC6.1", "hipaa:164.312(d)"],
  "istio-requestauthentication-missing-authorization": ["nist-800-53:AC-3", "nist-800-53:IA-2", "soc2:CC6.1", "hipaa:164.312(a)(1)", "hipaa:164.312(d)"],
  "serving-missing-authorization-policy": ["nist-800-53:AC-3", "nist-800-53:IA-2", "soc2:CC6.1", "soc2:CC6.6", "hipaa:164.312(a)(1)", "hipaa:164.312(d)", "gdpr:32(1)(b)", "eu-ai-act:15(5)"],
  "istio-sidecar-injection-disallow-disabled": ["nist-800-53:SC-8", "nist-800-53:AC-3", "soc2:CC6.7", "hipaa:164.312(e)(1)"],
  "istio-namespace-disallow-injection-disabled": ["nist-800-53:SC-8", "nist-800-53:AC-3", "soc2:CC6.7", "hipaa:164.312(e)(1)"],
  // Audit trail and model records
  "cloudtrail-require-validation-and-kms": ["nist-800-53:AU-9", "nist-800-53:AU-9(3)", "soc2:CC7.2", "hipaa:164.312(b)", "eu-ai-act:12(1)"],
  "cloudtrail-missing-s3-data-events": ["nist-800-53:AU-2", "nist-800-53:AU-12", "soc2:CC7.2", "hipaa:164.312(b)", "eu-ai-act:12(1)", "eu-ai-act:12(2)"],
  "serving-missing-model-sha256": ["nist-800-53:SI-7", "nist-800-53:CM-8", "eu-ai-act:12(2)", "eu-ai-act:15(5)"],
  // Team stacks
  "team-stack-disallow-foreign-namespaces": ["cis-k8s:5.6.1", "cis-eks:4.5.1", "nist-800-53:AC-6", "nist-800-53:CM-5", "soc2:CC6.3", "gdpr:32(1)(b)"],
  // Model serving
  "kserve-storage-initializer-missing-istio-uid": ["nist-800-53:CM-6", "eu-ai-act:15(4)"],
  "kserve-storage-container-require-restricted": ["cis-k8s:5.6.3", "nist-800-53:AC-6", "nist-800-53:SC-39", "soc2:CC6.1"],
  // Credentials
  "vault-auth-role-ttl-below-lease": ["nist-800-53:IA-5", "gdpr:32(1)(b)"],
  "eso-store-vault-role-missing-token-lookup": ["nist-800-53:IA-5", "soc2:CC6.1"],
  "serving-identity-disallow-artifact-writes": ["nist-800-53:AC-5", "nist-800-53:AC-6", "nist-800-53:SI-7", "soc2:CC6.3", "eu-ai-act:15(5)"],
  "pod-disallow-rotating-secret-env": ["cis-k8s:5.4.1", "cis-eks:4.4.1", "nist-800-53:IA-5", "soc2:CC6.1"],
  // RBAC
  "k8s-rbac-disallow-service-account-admin": ["cis-k8s:5.1.1", "cis-eks:4.1.1", "nist-800-53:AC-6", "nist-800-53:AC-6(5)", "soc2:CC6.3", "hipaa:164.312(a)(1)", "gdpr:32(1)(b)"],
  "k8s-rolebinding-disallow-admin-cluster-role": ["cis-k8s:5.1.1", "cis-eks:4.1.1", "nist-800-53:AC-6", "soc2:CC6.3", "hipaa:164.312(a)(1)"],
  "k8s-rbac-disallow-secret-read-all": ["cis-k8s:5.1.2", "cis-eks:4.1.2", "nist-800-53:AC-3", "nist-800-53:AC-6", "soc2:CC6.3", "hipaa:164.312(a)(1)", "gdpr:32(1)(b)"],
  "k8s-rbac-disallow-escalation-paths": [
    "cis-k8s:5.1.3", "cis-k8s:5.1.8", "cis-k8s:5.1.10", "cis-k8s:5.1.11", "cis-k8s:5.1.12",
    "cis-eks:4.1.3", "cis-eks:4.1.8", "cis-eks:4.1.10", "cis-eks:4.1.11",
    "nist-800-53:AC-6", "nist-800-53:AC-6(1)", "soc2:CC6.3", "hipaa:164.312(a)(1)",
  ],
  "pod-restrict-api-token-mount": ["cis-k8s:5.1.6", "cis-eks:4.1.6", "nist-800-53:AC-6", "soc2:CC6.1"],
  "k8s-serviceaccount-disallow-token-automount": ["cis-k8s:5.1.6", "cis-eks:4.1.6", "nist-800-53:AC-6", "soc2:CC6.1"],
  // EKS clusters
  "eks-cluster-missing-audit-logs": ["cis-eks:2.1.1", "nist-800-53:AU-2", "nist-800-53:AU-12", "soc2:CC7.2", "hipaa:164.312(b)"],
  "eks-cluster-disallow-public-endpoint": ["cis-eks:5.4.1", "cis-eks:5.4.2", "nist-800-53:AC-17", "nist-800-53:SC-7", "soc2:CC6.6", "gdpr:32(1)(b)"],
  "eks-cluster-missing-secrets-encryption": ["cis-eks:5.3.1", "nist-800-53:SC-28", "nist-800-53:SC-28(1)", "nist-800-53:SC-12", "soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:32(1)(a)"],
  // ECR repositories
  "ecr-repository-missing-scan-on-push": ["cis-eks:5.1.1", "nist-800-53:RA-5", "soc2:CC7.1", "eu-ai-act:15(5)"],
  "ecr-repository-disallow-mutable-tags": ["nist-800-53:SI-7", "nist-800-53:CM-5", "soc2:CC8.1", "eu-ai-act:15(5)"],
  "ecr-repository-missing-kms-encryption": ["nist-800-53:SC-28", "nist-800-53:SC-28(1)", "nist-800-53:SC-12", "soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:32(1)(a)"],
  // Model promotion to production
  "model-endpoint-missing-approval": ["nist-800-53:CM-3", "nist-800-53:SI-7", "soc2:CC8.1", "eu-ai-act:12(2)", "eu-ai-act:15(1)"],
  "model-approval-disallow-self-approval": ["nist-800-53:AC-5", "nist-800-53:CM-3", "soc2:CC6.3", "soc2:CC8.1"],
  "model-approval-missing-lineage": ["nist-800-53:SR-4", "nist-800-53:CM-3", "soc2:CC8.1", "eu-ai-act:12(2)"],
  // The pack's own policies
  "ml-guard-rule-selection": ["nist-800-53:CM-6"],
  "ml-guard-waivers-valid": ["nist-800-53:CM-6", "soc2:CC8.1"],
};

/** The controls a rule implements; none for a name the table does not know (the mapping test catches it). */
export const controlsOf = (rule: string): readonly ControlId[] => RULE_CONTROLS[rule] ?? [];

/** The frameworks a rule maps to, in the vocabulary's order. */
export const frameworksOf = (rule: string): FrameworkId[] => FRAMEWORK_IDS.filter((framework) => controlsOf(rule).some((control) => frameworkOf(control) === framework));
