/**
 * The fixed vocabulary of compliance controls ml-guard rules map to: one version per framework, each id
 * real for that version, with its title. An id is `<framework>:<control>`.
 *
 * FACT: the CIS ids and titles are those of aquasecurity/kube-bench at a73ce378 (cfg/cis-1.12 for the CIS
 * Kubernetes Benchmark v1.12, cfg/eks-1.8.0 for the CIS Amazon EKS Benchmark v1.8.0), without the
 * "(Manual)"/"(Automated)" assessment status. Only the sections a policy pack can check are listed
 * (Kubernetes 3.2 logging and 5 policies; EKS 2.1 logging, 4 policies and 5 managed services); node and
 * control-plane file checks are not a manifest's business.
 * FACT: the NIST titles are those of the SP 800-53 Rev. 5 catalog (usnistgov/oscal-content).
 * SOC 2 criteria, HIPAA paragraphs, and GDPR / EU AI Act paragraphs have no titles of their own: the text
 * is the criterion (TSC 2017), the implementation specification's heading (45 CFR 164.312), or the
 * paragraph's operative words, shortened (Regulation (EU) 2016/679 Art. 32, Regulation (EU) 2024/1689).
 */

export interface Framework {
  name: string;
  version: string;
  /** Where the ids and titles come from. */
  source: string;
}

export const FRAMEWORKS = {
  "cis-k8s": { name: "CIS Kubernetes Benchmark", version: "v1.12", source: "kube-bench cfg/cis-1.12" },
  "cis-eks": { name: "CIS Amazon EKS Benchmark", version: "v1.8.0", source: "kube-bench cfg/eks-1.8.0" },
  "nist-800-53": { name: "NIST SP 800-53", version: "Rev. 5", source: "NIST SP 800-53 Rev. 5 control catalog" },
  "soc2": { name: "SOC 2 Trust Services Criteria", version: "2017 (revised points of focus, 2022)", source: "AICPA TSP section 100" },
  "hipaa": { name: "HIPAA Security Rule, technical safeguards", version: "45 CFR 164.312", source: "eCFR, 45 CFR 164.312" },
  "gdpr": { name: "GDPR Art. 32 Security of processing", version: "Regulation (EU) 2016/679", source: "Official Journal L 119, 4.5.2016" },
  "eu-ai-act": { name: "EU AI Act Art. 12 Record-keeping, Art. 15 Accuracy, robustness and cybersecurity", version: "Regulation (EU) 2024/1689", source: "Official Journal L, 12.7.2024" },
} as const satisfies Record<string, Framework>;

export type FrameworkId = keyof typeof FRAMEWORKS;
export const FRAMEWORK_IDS = Object.keys(FRAMEWORKS) as FrameworkId[];

export const CONTROLS = {
  // CIS Kubernetes Benchmark v1.12
  "cis-k8s:3.2.1": "Ensure that a minimal audit policy is created",
  "cis-k8s:3.2.2": "Ensure that the audit policy covers key security concerns",
  "cis-k8s:5.1.1": "Ensure that the cluster-admin role is only used where required",
  "cis-k8s:5.1.2": "Minimize access to secrets",
  "cis-k8s:5.1.3": "Minimize wildcard use in Roles and ClusterRoles",
  "cis-k8s:5.1.4": "Minimize access to create pods",
  "cis-k8s:5.1.5": "Ensure that default service accounts are not actively used",
  "cis-k8s:5.1.6": "Ensure that Service Account Tokens are only mounted where necessary",
  "cis-k8s:5.1.7": "Avoid use of system:masters group",
  "cis-k8s:5.1.8": "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster",
  "cis-k8s:5.1.9": "Minimize access to create persistent volumes",
  "cis-k8s:5.1.10": "Minimize access to the proxy sub-resource of nodes",
  "cis-k8s:5.1.11": "Minimize access to the approval sub-resource of certificatesigningrequests objects",
  "cis-k8s:5.1.12": "Minimize access to webhook configuration objects",
  "cis-k8s:5.1.13": "Minimize access to the service account token creation",
  "cis-k8s:5.2.1": "Ensure that the cluster has at least one active policy control mechanism in place",
  "cis-k8s:5.2.2": "Minimize the admission of privileged containers",
  "cis-k8s:5.2.3": "Minimize the admission of containers wishing to share the host process ID namespace",
  "cis-k8s:5.2.4": "Minimize the admission of containers wishing to share the host IPC namespace",
  "cis-k8s:5.2.5": "Minimize the admission of containers wishing to share the host network namespace",
  "cis-k8s:5.2.6": "Minimize the admission of containers with allowPrivilegeEscalation",
  "cis-k8s:5.2.7": "Minimize the admission of root containers",
  "cis-k8s:5.2.8": "Minimize the admission of containers with the NET_RAW capability",
  "cis-k8s:5.2.9": "Minimize the admission of containers with capabilities assigned",
  "cis-k8s:5.2.10": "Minimize the admission of Windows HostProcess containers",
  "cis-k8s:5.2.11": "Minimize the admission of HostPath volumes",
  "cis-k8s:5.2.12": "Minimize the admission of containers which use HostPorts",
  "cis-k8s:5.3.1": "Ensure that the CNI in use supports NetworkPolicies",
  "cis-k8s:5.3.2": "Ensure that all Namespaces have NetworkPolicies defined",
  "cis-k8s:5.4.1": "Prefer using Secrets as files over Secrets as environment variables",
  "cis-k8s:5.4.2": "Consider external secret storage",
  "cis-k8s:5.5.1": "Configure Image Provenance using ImagePolicyWebhook admission controller",
  "cis-k8s:5.6.1": "Create administrative boundaries between resources using namespaces",
  "cis-k8s:5.6.2": "Ensure that the seccomp profile is set to docker/default in your Pod definitions",
  "cis-k8s:5.6.3": "Apply SecurityContext to your Pods and Containers",
  "cis-k8s:5.6.4": "The default namespace should not be used",
  // CIS Amazon EKS Benchmark v1.8.0
  "cis-eks:2.1.1": "Enable audit Logs",
  "cis-eks:2.1.2": "Ensure audit logs are collected and managed",
  "cis-eks:4.1.1": "Ensure that the cluster-admin role is only used where required",
  "cis-eks:4.1.2": "Minimize access to secrets",
  "cis-eks:4.1.3": "Minimize wildcard use in Roles and ClusterRoles",
  "cis-eks:4.1.4": "Minimize access to create pods",
  "cis-eks:4.1.5": "Ensure that default service accounts are not actively used.",
  "cis-eks:4.1.6": "Ensure that Service Account Tokens are only mounted where necessary",
  "cis-eks:4.1.7": "Cluster Access Manager API to streamline and enhance the management of access controls within EKS clusters",
  "cis-eks:4.1.8": "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster",
  "cis-eks:4.1.9": "Minimize access to create PersistentVolume objects",
  "cis-eks:4.1.10": "Minimize access to the proxy sub-resource of Node objects",
  "cis-eks:4.1.11": "Minimize access to webhook configuration objects",
  "cis-eks:4.1.12": "Minimize access to the service account token creation",
  "cis-eks:4.2.1": "Minimize the admission of privileged containers",
  "cis-eks:4.2.2": "Minimize the admission of containers wishing to share the host process ID namespace",
  "cis-eks:4.2.3": "Minimize the admission of containers wishing to share the host IPC namespace",
  "cis-eks:4.2.4": "Minimize the admission of containers wishing to share the host network namespace",
  "cis-eks:4.2.5": "Minimize the admission of containers with allowPrivilegeEscalation",
  "cis-eks:4.3.1": "Ensure CNI plugin supports network policies",
  "cis-eks:4.3.2": "Ensure that all Namespaces have Network Policies defined",
  "cis-eks:4.4.1": "Prefer using secrets as files over secrets as environment variables",
  "cis-eks:4.4.2": "Consider external secret storage",
  "cis-eks:4.5.1": "Create administrative boundaries between resources using namespaces",
  "cis-eks:4.5.2": "The default namespace should not be used",
  "cis-eks:5.1.1": "Ensure Image Vulnerability Scanning using Amazon ECR image scanning or a third party provider",
  "cis-eks:5.1.2": "Minimize user access to Amazon ECR",
  "cis-eks:5.1.3": "Minimize cluster access to read-only for Amazon ECR",
  "cis-eks:5.1.4": "Minimize Container Registries to only those approved",
  "cis-eks:5.2.1": "Prefer using dedicated Amazon EKS Service Accounts",
  "cis-eks:5.3.1": "Ensure Kubernetes Secrets are encrypted using Customer Master Keys (CMKs) managed in AWS KMS",
  "cis-eks:5.4.1": "Restrict Access to the Control Plane Endpoint",
  "cis-eks:5.4.2": "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled",
  "cis-eks:5.4.3": "Ensure clusters are created with Private Nodes",
  "cis-eks:5.4.4": "Ensure Network Policy is Enabled and set as appropriate",
  "cis-eks:5.4.5": "Encrypt traffic to HTTPS load balancers with TLS certificates",
  "cis-eks:5.5.1": "Manage Kubernetes RBAC users with AWS IAM Authenticator for Kubernetes or Upgrade to AWS CLI v1.16.156 or greater",
  // NIST SP 800-53 Rev. 5
  "nist-800-53:AC-2": "Account Management",
  "nist-800-53:AC-3": "Access Enforcement",
  "nist-800-53:AC-3(7)": "Access Enforcement | Role-based Access Control",
  "nist-800-53:AC-4": "Information Flow Enforcement",
  "nist-800-53:AC-5": "Separation of Duties",
  "nist-800-53:AC-6": "Least Privilege",
  "nist-800-53:AC-6(1)": "Least Privilege | Authorize Access to Security Functions",
  "nist-800-53:AC-6(5)": "Least Privilege | Privileged Accounts",
  "nist-800-53:AC-6(10)": "Least Privilege | Prohibit Non-privileged Users from Executing Privileged Functions",
  "nist-800-53:AC-17": "Remote Access",
  "nist-800-53:AU-2": "Event Logging",
  "nist-800-53:AU-9": "Protection of Audit Information",
  "nist-800-53:AU-9(3)": "Protection of Audit Information | Cryptographic Protection",
  "nist-800-53:AU-12": "Audit Record Generation",
  "nist-800-53:CM-3": "Configuration Change Control",
  "nist-800-53:CM-5": "Access Restrictions for Change",
  "nist-800-53:CM-6": "Configuration Settings",
  "nist-800-53:CM-7": "Least Functionality",
  "nist-800-53:CM-7(5)": "Least Functionality | Authorized Software — Allow-by-exception",
  "nist-800-53:CM-8": "System Component Inventory",
  "nist-800-53:CP-9": "System Backup",
  "nist-800-53:IA-2": "Identification and Authentication (Organizational Users)",
  "nist-800-53:IA-5": "Authenticator Management",
  "nist-800-53:IA-5(7)": "Authenticator Management | No Embedded Unencrypted Static Authenticators",
  "nist-800-53:IA-9": "Service Identification and Authentication",
  "nist-800-53:RA-5": "Vulnerability Monitoring and Scanning",
  "nist-800-53:SC-6": "Resource Availability",
  "nist-800-53:SC-7": "Boundary Protection",
  "nist-800-53:SC-7(5)": "Boundary Protection | Deny by Default — Allow by Exception",
  "nist-800-53:SC-8": "Transmission Confidentiality and Integrity",
  "nist-800-53:SC-8(1)": "Transmission Confidentiality and Integrity | Cryptographic Protection",
  "nist-800-53:SC-12": "Cryptographic Key Establishment and Management",
  "nist-800-53:SC-13": "Cryptographic Protection",
  "nist-800-53:SC-23": "Session Authenticity",
  "nist-800-53:SC-28": "Protection of Information at Rest",
  "nist-800-53:SC-28(1)": "Protection of Information at Rest | Cryptographic Protection",
  "nist-800-53:SC-39": "Process Isolation",
  "nist-800-53:SI-7": "Software, Firmware, and Information Integrity",
  "nist-800-53:SR-3": "Supply Chain Controls and Processes",
  "nist-800-53:SR-4": "Provenance",
  // SOC 2, Trust Services Criteria 2017
  "soc2:CC6.1": "The entity implements logical access security software, infrastructure, and architectures over protected information assets to protect them from security events to meet the entity's objectives.",
  "soc2:CC6.2": "Prior to issuing system credentials and granting system access, the entity registers and authorizes new internal and external users whose access is administered by the entity. For those users whose access is administered by the entity, user system credentials are removed when user access is no longer authorized.",
  "soc2:CC6.3": "The entity authorizes, modifies, or removes access to data, software, functions, and other protected information assets based on roles, responsibilities, or the system design and changes, giving consideration to the concepts of least privilege and segregation of duties, to meet the entity's objectives.",
  "soc2:CC6.6": "The entity implements logical access security measures to protect against threats from sources outside its system boundaries.",
  "soc2:CC6.7": "The entity restricts the transmission, movement, and removal of information to authorized internal and external users and processes, and protects it during transmission, movement, or removal to meet the entity's objectives.",
  "soc2:CC6.8": "The entity implements controls to prevent or detect and act upon the introduction of unauthorized or malicious software to meet the entity's objectives.",
  "soc2:CC7.1": "To meet its objectives, the entity uses detection and monitoring procedures to identify (1) changes to configurations that result in the introduction of new vulnerabilities, and (2) susceptibilities to newly discovered vulnerabilities.",
  "soc2:CC7.2": "The entity monitors system components and the operation of those components for anomalies that are indicative of malicious acts, natural disasters, and errors affecting the entity's ability to meet its objectives; anomalies are analyzed to determine whether they represent security events.",
  "soc2:CC8.1": "The entity authorizes, designs, develops or acquires, configures, documents, tests, approves, and implements changes to infrastructure, data, software, and procedures to meet its objectives.",
  "soc2:A1.1": "The entity maintains, monitors, and evaluates current processing capacity and use of system components (infrastructure, data, and software) to manage capacity demand and to enable the implementation of additional capacity to help meet its objectives.",
  "soc2:A1.2": "The entity authorizes, designs, develops or acquires, implements, operates, approves, maintains, and monitors environmental protections, software, data back-up processes, and recovery infrastructure to meet its objectives.",
  // HIPAA Security Rule, 45 CFR 164.312 Technical safeguards
  "hipaa:164.312(a)(1)": "Access control (standard)",
  "hipaa:164.312(a)(2)(i)": "Access control: Unique user identification (required)",
  "hipaa:164.312(a)(2)(iv)": "Access control: Encryption and decryption (addressable)",
  "hipaa:164.312(b)": "Audit controls (standard)",
  "hipaa:164.312(c)(1)": "Integrity (standard)",
  "hipaa:164.312(c)(2)": "Integrity: Mechanism to authenticate electronic protected health information (addressable)",
  "hipaa:164.312(d)": "Person or entity authentication (standard)",
  "hipaa:164.312(e)(1)": "Transmission security (standard)",
  "hipaa:164.312(e)(2)(i)": "Transmission security: Integrity controls (addressable)",
  "hipaa:164.312(e)(2)(ii)": "Transmission security: Encryption (addressable)",
  // GDPR Art. 32 Security of processing
  "gdpr:32(1)(a)": "The pseudonymisation and encryption of personal data",
  "gdpr:32(1)(b)": "The ability to ensure the ongoing confidentiality, integrity, availability and resilience of processing systems and services",
  "gdpr:32(1)(c)": "The ability to restore the availability and access to personal data in a timely manner in the event of a physical or technical incident",
  "gdpr:32(1)(d)": "A process for regularly testing, assessing and evaluating the effectiveness of technical and organisational measures for ensuring the security of the processing",
  // EU AI Act, Art. 12 Record-keeping and Art. 15 Accuracy, robustness and cybersecurity
  "eu-ai-act:12(1)": "Record-keeping: high-risk AI systems technically allow for the automatic recording of events (logs) over the lifetime of the system",
  "eu-ai-act:12(2)": "Record-keeping: logging enables traceability of the system's functioning appropriate to its intended purpose (risk situations and substantial modifications, post-market monitoring, monitoring of operation)",
  "eu-ai-act:15(1)": "Accuracy, robustness and cybersecurity: an appropriate level, performing consistently throughout the lifecycle",
  "eu-ai-act:15(4)": "Robustness: as resilient as possible regarding errors, faults or inconsistencies, including through technical redundancy such as backup or fail-safe plans",
  "eu-ai-act:15(5)": "Cybersecurity: resilient against attempts by unauthorised third parties to alter use, outputs or performance by exploiting vulnerabilities, including data poisoning, model poisoning, adversarial examples and confidentiality attacks",
} as const satisfies Record<`${FrameworkId}:${string}`, string>;

export type ControlId = keyof typeof CONTROLS;
export const CONTROL_IDS = Object.keys(CONTROLS) as ControlId[];

export const isControlId = (id: string): id is ControlId => Object.hasOwn(CONTROLS, id);

export const frameworkOf = (id: ControlId): FrameworkId => id.slice(0, id.indexOf(":")) as FrameworkId;
