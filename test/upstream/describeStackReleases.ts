import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020";
import { validateKubernetesObject } from "../support/kubernetesSchemas";
import { describeWithShared, readSharedJson } from "../support/upstream";
import { CHART_FILES, modelOf } from "./charts";
import { budgetProblems } from "./charts/resources";
import { provenanceRef, unreadKeys } from "./charts/values";
import { describeWorkload, restrictedViolations, type Workload } from "./charts/workloads";
import { CLUSTER_NAMESPACE_LEVELS, installOf, type Release, type StackInstall } from "./stackInstall";

/**
 * FACT (helm/helm v3.18.0 pkg/chartutil/values.go ToRenderValues, jsonschema.go): Helm validates the
 * coalesced values (chart defaults plus the release's) against values.schema.json and refuses the
 * install on an error. The schema's draft decides the validator.
 */
function schemaErrors(schema: Record<string, unknown>, values: unknown): string[] {
  const ajv = String(schema.$schema).includes("2020-12") ? new Ajv2020({ strict: false, allErrors: true }) : new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  return validate(values) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? ""}`);
}

/** The pod-starting objects of a release, or why the chart refuses its values. */
function workloadsOf(release: Release): { workloads: Workload[]; refusal?: string } {
  try {
    return { workloads: modelOf(release.chart)?.render(release.values, release.namespace) ?? [] };
  } catch (error) {
    return { workloads: [], refusal: `${release.name}: the chart refuses its values: ${(error as Error).message}` };
  }
}

/**
 * The conformance suite for one stack: every Helm release the program creates is held to the chart
 * version it installs (values.yaml, values.schema.json, facts from the templates), and every pod the
 * release starts to the Pod Security level and the resource budget of its namespace.
 */
export function describeStackReleases(stack: string): void {
  describeWithShared(`the ${stack} stack's Helm releases, held to the charts they install`, CHART_FILES, () => {
    let install: StackInstall;
    beforeAll(async () => {
      install = await installOf(stack);
    }, 120_000);
    const each = (check: (release: Release) => string[]) => install.releases.flatMap(check);

    it("installs exactly the charts its config asks for", () => {
      expect(install.releases.map((release) => release.chart).sort()).toEqual(install.requestedCharts);
    });

    it("installs each chart at the version this suite and ../shared hold it to", () => {
      expect(each((release) => {
        const model = modelOf(release.chart);
        if (!model) return [`${release.name}: chart ${release.chart} has no model in test/upstream/charts`];
        const held = provenanceRef(model.folder, model.valuesFile);
        return [
          ...(release.version === model.version ? [] : [`${release.name}: installs ${release.chart} ${release.version}, but the suite holds the program to ${model.version}`]),
          ...(held === model.ref ? [] : [`${release.name}: ../shared/upstream/${model.folder} holds ${held}, the model was read at ${model.ref}`]),
        ];
      })).toEqual([]);
    });

    it("sets only values the chart reads (a key nobody reads is a setting silently dropped)", () => {
      expect(each((release) => {
        const model = modelOf(release.chart);
        return model ? unreadKeys(release.values, model.reads(), `${model.chart} ${model.version}`).map((problem) => `${release.name}: ${problem}`) : [];
      })).toEqual([]);
    });

    it("passes the chart's values.schema.json, as helm install checks it", () => {
      expect(each((release) => {
        const model = modelOf(release.chart);
        if (!model?.schemaFile) return [];
        const schema = readSharedJson<Record<string, unknown>>(`upstream/${model.folder}/${model.schemaFile}`);
        return schemaErrors(schema, model.effectiveValues(release.values)).map((error) => `${release.name}: ${error}`);
      })).toEqual([]);
    });

    it("starts only pods the Pod Security level of their namespace admits", () => {
      expect(each((release) => {
        const { workloads, refusal } = workloadsOf(release);
        return [...(refusal ? [refusal] : []), ...workloads.flatMap((workload) => {
          const namespace = workload.object.metadata.namespace;
          const level = install.enforceLevels.get(namespace) ?? CLUSTER_NAMESPACE_LEVELS[namespace];
          validateKubernetesObject(workload.object);
          if (level === "privileged") return [];
          if (level !== "restricted") return [`${describeWorkload(workload)}: namespace ${namespace} has Pod Security level ${String(level)}, which this suite does not model`];
          return restrictedViolations(workload).map((violation) => `${describeWorkload(workload)}: ${violation}`);
        })];
      })).toEqual([]);
    });

    it("starts only pods that fit their namespace's LimitRange and ResourceQuota", () => {
      const byNamespace = new Map<string, Workload[]>();
      const problems = each((release) => {
        const { workloads, refusal } = workloadsOf(release);
        for (const workload of workloads) byNamespace.set(workload.object.metadata.namespace, [...(byNamespace.get(workload.object.metadata.namespace) ?? []), workload]);
        return refusal ? [refusal] : [];
      });
      for (const [namespace, workloads] of byNamespace) {
        // kube-system is the cluster's: the program sets no LimitRange or quota there.
        const budget = install.budgets.get(namespace);
        if (budget) problems.push(...budgetProblems(workloads, budget));
        else if (!(namespace in CLUSTER_NAMESPACE_LEVELS)) problems.push(`${namespace}: the program installs pods here but creates no LimitRange or ResourceQuota`);
      }
      expect(problems).toEqual([]);
    });
  });
}
