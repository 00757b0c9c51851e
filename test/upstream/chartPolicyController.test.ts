import { describeWithShared } from "../support/upstream";
import { CHART_FILES } from "./charts";
import { policyControllerChart } from "./charts/policyController";
import { describeWorkload, restrictedViolations } from "./charts/workloads";
import { installOf, type StackInstall } from "./stackInstall";

const controls = (violations: string[]) => [...new Set(violations.map((violation) => violation.split(":")[0]))].sort();

describeWithShared("Sigstore policy-controller chart 0.10.5 as the dev stack installs it", CHART_FILES, () => {
  let install: StackInstall;
  const controller = () => install.releases.find((release) => release.chart === "policy-controller")!;
  beforeAll(async () => {
    install = await installOf("dev");
  }, 120_000);

  it("lands in a namespace Pod Security restricted guards", () => {
    expect(install.enforceLevels.get(controller().namespace)).toBe("restricted");
  });

  it("with the chart's defaults, starts a webhook restricted refuses (no seccomp profile, runAsNonRoot unset) and a cleanup hook with no security context", () => {
    const [webhook, cleanup] = policyControllerChart.render({}, "cosign-system");
    expect(controls(restrictedViolations(webhook))).toEqual(["runAsNonRoot", "seccomp"]);
    expect(controls(restrictedViolations(cleanup))).toEqual(["capabilities", "privilegeEscalation", "runAsNonRoot", "seccomp"]);
  });

  it("with the program's values, starts a webhook (failurePolicy Fail) and a cleanup hook restricted admits", () => {
    const { values, namespace } = controller();
    expect(values).toMatchObject({ webhook: { failurePolicy: "Fail" } });
    const workloads = policyControllerChart.render(values, namespace);
    expect(workloads.map(describeWorkload)).toEqual([
      "policy-controller 0.10.5 Deployment cosign-system/policy-controller-webhook",
      "policy-controller 0.10.5 Job cosign-system/leases-cleanup (post-delete hook)",
    ]);
    expect(workloads.flatMap(restrictedViolations)).toEqual([]);
  });
});
