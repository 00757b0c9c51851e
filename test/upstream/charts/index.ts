import type { ChartModel } from "./chartModel";
import { externalSecretsChart } from "./externalSecrets";
import { istioBase, istioCni, istiod } from "./istio";
import { policyControllerChart } from "./policyController";

/** Every chart the program installs, as this suite knows it (one version each). */
export const CHART_MODELS: ChartModel[] = [istioBase, istioCni, istiod, externalSecretsChart, policyControllerChart];

export const modelOf = (chart: string): ChartModel | undefined => CHART_MODELS.find((model) => model.chart === chart);

/** The ../shared files the models read, for describeWithShared. */
export const CHART_FILES: string[] = [...new Set(CHART_MODELS.flatMap((model) => [
  `upstream/${model.folder}/PROVENANCE.txt`, `upstream/${model.folder}/${model.valuesFile}`, ...(model.schemaFile ? [`upstream/${model.folder}/${model.schemaFile}`] : []),
]))];
