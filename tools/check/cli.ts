import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { PolicyConfigError, readPolicyConfigFile } from "../analyzer/policyConfig";
import { PolicyPackStartError } from "../analyzer/policyPackProcess";
import { runPolicies } from "../analyzer/runPolicies";
import { buildSarif, writeSarif } from "../analyzer/sarif";
import { SELECTION_FLAG_HELP, withSelectionFlags, type SelectionFlags } from "../analyzer/selectionFlags";
import { renderWaived, splitWaived } from "../analyzer/waivedFindings";
import { locateField } from "./fieldLines";
import { loadInputs, UnreadableInputError } from "./loadInputs";

const EXIT_VIOLATION = 1;
const EXIT_UNREADABLE = 2;
const POLICY_PACK = path.resolve(__dirname, "../../policypacks/ml-guard");
const PROJECT = "manifests";
const STACK = "check";

interface CheckOptions extends SelectionFlags {
  config?: string;
  json?: string;
  sarif?: string;
}


async function check(paths: string[], options: CheckOptions): Promise<number> {
  const config = withSelectionFlags(readPolicyConfigFile(options.config), options);
  const resources = loadInputs(paths, STACK, PROJECT);
  const objects = resources.filter((resource) => resource.custom);
  const run = await runPolicies(POLICY_PACK, resources, {
    project: PROJECT, stack: STACK, organization: "organization", dryRun: false, config: {}, secretKeys: [], tags: {},
  }, config);
  const sources = new Map(resources.map((resource) => [resource.urn, `${resource.source} (${resource.type.replace(/^kubernetes:/, "")} ${resource.name})`]));
  const files = new Map(resources.map((resource) => [resource.urn, resource.source]));
  const { violations, waived } = splitWaived(run.violations);
  for (const violation of violations) {
    console.log(`[${violation.enforcementLevel}] ${violation.policy}  ${sources.get(violation.urn) ?? violation.urn}\n    ${violation.message.replace(/\n/g, "\n    ")}`);
  }
  if (waived.length > 0) console.log(`\nWaived findings (${waived.length}):\n${renderWaived(waived, (urn) => sources.get(urn) ?? urn, "")}`);
  const mandatory = violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
  console.log(`\nml-guard: ${objects.length} object(s) checked, ${violations.length} violation(s), ${mandatory} mandatory, ${waived.length} waived`);
  if (options.json) {
    const report = { resources: objects.map(({ urn, type, name, source }) => ({ urn, type, name, source })), violations, waived, counts: { violations: violations.length, mandatory, waived: waived.length } };
    fs.writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  if (options.sarif) {
    writeSarif(options.sarif, buildSarif(run.rules, violations, waived, (finding) => locateField(files.get(finding.urn) ?? finding.urn, finding.message)));
  }
  return mandatory > 0 ? EXIT_VIOLATION : 0;
}

const program = new Command("check")
  .description("Run the ml-guard policy pack over Kubernetes YAML manifests and JSON resource lists")
  .argument("<paths...>", "files or directories (*.yaml, *.yml, *.json; YAML may hold many documents)")
  .option("--config <file>", "policy config JSON, as for pulumi preview --policy-pack-config")
  .option("--json <file>", "write the report as JSON")
  .option("--sarif <file>", "write the findings as SARIF 2.1.0 (for GitHub code scanning)")
  .option("--framework <ids...>", SELECTION_FLAG_HELP.framework)
  .option("--severity <levels...>", SELECTION_FLAG_HELP.severity)
  .option("--control <ids...>", SELECTION_FLAG_HELP.control)
  .addHelpText("after", "\n--framework, --severity and --control take lists: put the paths before them, or end the list with --.")
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_UNREADABLE));

program.parse();

check(program.args, program.opts<CheckOptions>()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UnreadableInputError || error instanceof PolicyConfigError) {
      console.error(`error: ${error.message}`);
      process.exit(EXIT_UNREADABLE);
    }
    console.error(error instanceof PolicyPackStartError ? `error: ${error.message}` : error);
    process.exit(EXIT_VIOLATION);
  },
);
