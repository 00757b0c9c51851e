import { CONTAINER_SECURITY_CONTEXT, POD_SECURITY_CONTEXT } from "../../components/kubernetes/securityContexts";
import { parsePlatformConfig } from "../../config/load";
import { readProjectStack } from "../../tools/plan/stackFile";
import { REPO_ROOT } from "../support/planCli";
import { describeWithShared } from "../support/upstream";
import { CHART_FILES } from "./charts";
import { cniExcludedNamespaces, injectorValues, injectSidecar, istioCni } from "./charts/istio";
import type { Values } from "./charts/values";
import { restrictedViolations, type Workload } from "./charts/workloads";
import { allowsEgress } from "./networkPolicy";
import { installOf, type StackInstall } from "./stackInstall";

/** A team pod as the platform builds them (restricted contexts), wrapped as a Deployment for the checks. */
function teamDeployment(pod: { metadata: Values; spec: Values }): Workload {
  return { chart: "team", peakPods: 1, object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "model", namespace: "vision" }, spec: { template: pod } } };
}
const TEAM_POD = {
  metadata: { labels: { "mlops.io/role": "serving" } },
  spec: { securityContext: POD_SECURITY_CONTEXT, containers: [{ name: "model", image: "registry/model@sha256:0", securityContext: CONTAINER_SECURITY_CONTEXT }] },
};

describeWithShared("Istio 1.30.0 as the dev stack installs it", CHART_FILES, () => {
  let install: StackInstall;
  const release = (chart: string) => install.releases.find((candidate) => candidate.chart === chart)!;
  beforeAll(async () => {
    install = await installOf("dev");
  }, 120_000);

  it("has istiod inject sidecars with CNI on, so injected team pods stay within Pod Security restricted", () => {
    const injector = injectorValues(release("istiod").values);
    expect(injector.pilot.cni.enabled).toBe(true);
    expect(restrictedViolations(teamDeployment(TEAM_POD))).toEqual([]);
    expect(restrictedViolations(teamDeployment(injectSidecar(TEAM_POD, injector)))).toEqual([]);
  });

  it("would refuse every injected team pod without CNI: istio-init runs as root with NET_ADMIN and NET_RAW", () => {
    const violations = restrictedViolations(teamDeployment(injectSidecar(TEAM_POD, injectorValues({}))));
    expect(violations.map((violation) => violation.split(":")[0]).sort()).toEqual(["capabilities", "runAsNonRoot", "runAsUser"]);
    expect(violations.join("\n")).toContain('initContainer "istio-init" adds "NET_ADMIN", "NET_RAW"');
  });

  it("still honours the legacy pilot. prefix at 1.30.0 (templates/zzy_descope_legacy.yaml): the suite refuses it as undocumented, not as ignored", () => {
    expect(injectorValues({ pilot: { cni: { enabled: true } } }).pilot.cni.enabled).toBe(true);
  });

  it("runs the CNI node agent in kube-system, which must stay privileged: the agent is root with SYS_ADMIN and host paths", () => {
    const cni = release("cni");
    expect(cni.namespace).toBe("kube-system");
    expect(cniExcludedNamespaces(cni.values)).toEqual(["kube-system"]);
    const [agent] = istioCni.render(cni.values, cni.namespace);
    expect(restrictedViolations(agent).map((violation) => violation.split(":")[0])).toEqual(expect.arrayContaining(["capabilities", "hostPathVolumes", "runAsNonRoot", "runAsUser", "appArmor"]));
  });

  /*
   * FACT (istio/istio 1.30.0 pilot/pkg/features/pilot.go): PILOT_JWT_ENABLE_REMOTE_JWKS defaults to
   * "false", i.e. istiod fetches each RequestAuthentication's jwksUri and hands the sidecars the keys
   * inline (pilot/pkg/security/authn/policy_applier.go, BuildLocalJwks). FACT (pilot/pkg/model/
   * jwks_resolver.go BuildLocalJwks): when the fetch fails istiod inlines PublicOnlyJwks, a key whose
   * private half was discarded ("JWT requests will be rejected"), and retries on its refresh job.
   * istiod's own pod carries sidecar.istio.io/inject "false" (templates/deployment.yaml), so only
   * NetworkPolicy stands between it and the IdP; BLOCKED_CIDRS_IN_JWKS_URIS is empty by default.
   * Envoy-side fetch ("envoy"/"true") would instead need a ServiceEntry for the IdP and egress from
   * every serving pod of every team (policy_applier.go looks the host up as a mesh cluster), a wider
   * opening than one rule for istiod's pods.
   */
  it("lets istiod's pods, and only them, reach the JWKS endpoint on its port", () => {
    const policies = install.networkPolicies;
    // dev: mesh.jwksEndpoint {cidr: 10.20.240.0/28, ports: [443]} for login.ml-dev.example.com.
    expect(allowsEgress(policies, "istio-system", { app: "istiod" }, { ip: "10.20.240.5", port: 443 })).toBe(true);
    expect(allowsEgress(policies, "istio-system", { app: "istiod" }, { ip: "10.20.241.5", port: 443 })).toBe(false);
    expect(allowsEgress(policies, "istio-system", { app: "istiod" }, { ip: "10.20.240.5", port: 80 })).toBe(false);
    expect(allowsEgress(policies, "istio-system", { app: "something-else" }, { ip: "10.20.240.5", port: 443 })).toBe(false);
  });
});

describe("mesh.jwksEndpoint: where istiod reaches the JWKS server", () => {
  const devConfig = readProjectStack(REPO_ROOT, "dev").config;
  const withMesh = (change: (mesh: Values) => Values) => {
    const mesh = JSON.parse(devConfig.values["secure-ml-platform:mesh"]) as Values;
    return () => parsePlatformConfig({ ...devConfig, values: { ...devConfig.values, "secure-ml-platform:mesh": JSON.stringify(change(mesh)) } });
  };
  const withoutEndpoint = (mesh: Values) => Object.fromEntries(Object.entries(mesh).filter(([key]) => key !== "jwksEndpoint"));
  const inCluster = (mesh: Values) => ({ ...mesh, jwt: { ...(mesh.jwt as Values), jwksUri: "https://keycloak.identity.svc.cluster.local:8443/realms/ml/protocol/openid-connect/certs" } });

  it("is read from the dev stack", () => {
    expect(withMesh((mesh) => mesh)().mesh?.jwksEndpoint).toEqual({ cidr: "10.20.240.0/28", ports: [443] });
  });

  it("is required with install, naming the host to open", () => {
    expect(withMesh(withoutEndpoint)).toThrow(
      /secure-ml-platform:mesh\.jwksEndpoint = nothing: is required with install: istiod downloads jwt\.jwksUri from login\.ml-dev\.example\.com itself.*\{cidr: <addresses login\.ml-dev\.example\.com resolves to>, ports: \[443\]\}/);
  });

  it("must open the port of the JWKS URI", () => {
    expect(withMesh((mesh) => ({ ...mesh, jwksEndpoint: { cidr: "10.20.240.0/28", ports: [8443] } }))).toThrow(/mesh\.jwksEndpoint\.ports = \[8443\]: must include 443, the port of jwt\.jwksUri/);
  });

  it("names a namespace, not a CIDR, for a JWKS server running in the cluster", () => {
    expect(withMesh((mesh) => inCluster(mesh))).toThrow(/mesh\.jwksEndpoint = .*keycloak\.identity\.svc\.cluster\.local is a Service in namespace identity.*\{namespace: identity/);
    expect(withMesh((mesh) => ({ ...inCluster(mesh), jwksEndpoint: { namespace: "auth", ports: [8443] } }))).toThrow(/mesh\.jwksEndpoint\.namespace = "auth": must be identity/);
    expect(withMesh((mesh) => ({ ...inCluster(mesh), jwksEndpoint: { namespace: "identity", ports: [8443] } }))().mesh?.jwksEndpoint).toEqual({ namespace: "identity", ports: [8443] });
  });

  it("names a CIDR for a server outside the cluster", () => {
    expect(withMesh((mesh) => ({ ...mesh, jwksEndpoint: { namespace: "identity", ports: [443] } }))).toThrow(/mesh\.jwksEndpoint = .*login\.ml-dev\.example\.com is outside the cluster/);
  });

  it("is refused without install, where it would open nothing", () => {
    expect(withMesh((mesh) => ({ ...mesh, install: false }))).toThrow(/mesh\.jwksEndpoint = .*is only used with install/);
    expect(withMesh((mesh) => ({ ...withoutEndpoint(mesh), install: false }))().mesh?.jwksEndpoint).toBeUndefined();
  });
});
