import { platformConfigSchema } from "../../config/schema";
import { describeWithShared } from "../support/upstream";
import { CHART_FILES } from "./charts";
import { externalSecretsChart, RECONCILER_SANITY_FAILURE } from "./charts/externalSecrets";
import { provenanceRef } from "./charts/values";
import { restrictedViolations } from "./charts/workloads";
import { installOf, type StackInstall } from "./stackInstall";

describeWithShared("External Secrets Operator chart 2.9.0 as the dev stack installs it", CHART_FILES, () => {
  let install: StackInstall;
  const operator = () => install.releases.find((release) => release.chart === "external-secrets")!;
  beforeAll(async () => {
    install = await installOf("dev");
  }, 120_000);

  // FACT: github.com/external-secrets/external-secrets has tags helm-chart-2.1.0 ... helm-chart-2.9.0 and
  // no helm-chart-2.10.0 (mirror fetched for this suite); ../shared holds 2.9.0.
  it("defaults to the chart version ../shared holds, which upstream released", () => {
    const config = platformConfigSchema.parse({ environment: "dev", awsRegion: "us-west-2", teams: [{ name: "a", group: "g", quota: { cpu: "1", memory: "1Gi", gpu: 0 } }], externalSecrets: {} });
    expect(config.externalSecrets?.chartVersion).toBe(externalSecretsChart.version);
    expect(provenanceRef(externalSecretsChart.folder, externalSecretsChart.valuesFile)).toBe(`helm-chart-${externalSecretsChart.version}`);
    expect(operator().version).toBe("2.9.0");
  });

  it("aborts the install when PushSecrets are off and ClusterPushSecrets left on (the chart's reconciler sanity check)", () => {
    expect(() => externalSecretsChart.render({ processPushSecret: false }, "external-secrets")).toThrow(RECONCILER_SANITY_FAILURE);
    expect(() => externalSecretsChart.render({}, "external-secrets")).not.toThrow();
  });

  it("turns both push reconcilers off, so the chart renders, with only namespaced stores processed", () => {
    const { values } = operator();
    expect(values).toMatchObject({ processPushSecret: false, processClusterPushSecret: false, processClusterStore: false, processClusterExternalSecret: false });
    const workloads = externalSecretsChart.render(values, "external-secrets");
    expect(workloads.map((workload) => workload.object.metadata.name)).toEqual(["external-secrets", "external-secrets-webhook", "external-secrets-cert-controller"]);
    expect(workloads.flatMap(restrictedViolations)).toEqual([]);
  });
});
