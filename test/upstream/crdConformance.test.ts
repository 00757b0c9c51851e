/**
 * Every custom resource the program renders, in every stack (dev, staging, prod and the example team
 * stack on the dev platform's outputs), is held to its upstream CRD under ../shared/upstream for the
 * version it uses: schema (pruning, types, enums, required, patterns, formats, bounds, list types)
 * and x-kubernetes-validations CEL rules, as the API server applies them on create. Any other
 * Kubernetes object must be a built-in kind (validated separately with kubernetes-models).
 */
import type { RegisteredResource } from "../../tools/plan/runProgram";
import { isKubernetesObject } from "../../tools/plan/manifests";
import { isSecretValue, UNKNOWN_VALUE } from "../../tools/plan/propertyValues";
import { CRD_FILES, CRD_SOURCES, knownCrdKind } from "../support/crd/crdCatalog";
import { validateCustomResource, type CrdVerdict } from "../support/crd/validateCustomResource";
import { recordEveryStack } from "../support/programStacks";
import { describeWithShared } from "../support/upstream";

interface RenderedObject {
  stack: string;
  resource: RegisteredResource;
  object: Record<string, unknown>;
  verdicts: CrdVerdict[];
}

/** The object as the provider sends it to the API server: secrets decrypted; in update mode nothing is unknown. */
function plainObject(value: unknown, where: string): unknown {
  if (value === UNKNOWN_VALUE) throw new Error(`${where}: unknown until apply, so it cannot be validated`);
  if (isSecretValue(value)) return plainObject(value.value, where);
  if (Array.isArray(value)) return value.map((item, index) => plainObject(item, `${where}[${index}]`));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainObject(inner, `${where}.${key}`)]));
}

/** Whether kubernetes-models (the published Kubernetes API schemas) has the kind for this apiVersion. */
function isBuiltIn(apiVersion: string, kind: string): boolean {
  try {
    return typeof (require(`kubernetes-models/${apiVersion}`) as Record<string, unknown>)[kind] === "function";
  } catch {
    return false;
  }
}

const label = (rendered: RenderedObject) => `${rendered.stack} ${rendered.resource.type} ${rendered.resource.name}`;

describeWithShared("the program's custom resources, against the upstream CRDs", CRD_FILES, () => {
  let rendered: RenderedObject[];

  beforeAll(async () => {
    const stacks = await recordEveryStack("update");
    rendered = stacks.flatMap(({ label: stack, run }) => run.resources.filter(isKubernetesObject).map((resource) => {
      const object = plainObject(resource.inputs, `${stack} ${resource.name}`) as Record<string, unknown>;
      return { stack, resource, object, verdicts: validateCustomResource(object) };
    }));
  }, 120_000);

  it("renders custom resources of every CRD source under ../shared, in the versions those CRDs serve", () => {
    const sources = new Set(rendered.flatMap((item) => item.verdicts.map((verdict) => verdict.crd.file)));
    expect([...sources].sort()).toEqual(CRD_SOURCES.map((source) => source.file).sort());
    expect(rendered.filter((item) => item.verdicts.length > 0).length).toBeGreaterThanOrEqual(60);
  });

  it("every custom resource passes its CRD's schema and CEL rules", () => {
    const problems = rendered.flatMap((item) => item.verdicts.flatMap((verdict) =>
      verdict.problems.map((problem) => `${label(item)} [${verdict.crd.release}] ${problem.path}: ${problem.message}`)));
    expect(problems).toEqual([]);
  });

  it("leaves no rule unevaluated except transition rules, which the API server runs only on update", () => {
    const skipped = rendered.flatMap((item) => item.verdicts.flatMap((verdict) => verdict.skipped.map((rule) => `${label(item)} ${rule.path}: ${rule.rule}`)));
    expect(skipped.filter((entry) => !entry.includes("oldSelf"))).toEqual([]);
  });

  it("renders no kind that is neither a built-in Kubernetes kind nor served by a CRD under ../shared", () => {
    const unserved = rendered.filter((item) => item.verdicts.length === 0).map((item) => {
      const { apiVersion, kind } = item.object as { apiVersion: string; kind: string };
      if (knownCrdKind(apiVersion, kind)) return `${label(item)}: ${apiVersion} is not a version its CRD under ../shared serves`;
      return isBuiltIn(apiVersion, kind) ? undefined : `${label(item)}: ${apiVersion} ${kind} has no CRD under ../shared and is not a built-in kind`;
    });
    expect(unserved.filter((entry) => entry !== undefined)).toEqual([]);
    expect(rendered.filter((item) => item.verdicts.length === 0).length).toBeGreaterThan(100);
  });
});
