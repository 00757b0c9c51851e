import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Command, InvalidArgumentError } from "commander";
import { PolicyConfigError, readPolicyConfigFile } from "../analyzer/policyConfig";
import { PolicyPackStartError } from "../analyzer/policyPackProcess";
import { AnalysisWhileRegistering, type Violation } from "../analyzer/runPolicies";
import { buildSarif, writeSarif } from "../analyzer/sarif";
import { SELECTION_FLAG_HELP, withSelectionFlags, type SelectionFlags } from "../analyzer/selectionFlags";
import { renderWaived, splitWaived } from "../analyzer/waivedFindings";
import { writeManifests } from "./manifests";
import { toDisplayValue } from "./propertyValues";
import { withoutStackCapture } from "./stackCapture";
import { buildReport, renderCounts, renderTree } from "./report";
import { runProgram } from "./runProgram";
import { readProjectStack, StackFileError } from "./stackFile";

const EXIT_VIOLATION = 1;
const EXIT_UNREADABLE = 2;
const POLICY_PACK = path.resolve(__dirname, "../../policypacks/ml-guard");

interface PlanOptions extends SelectionFlags {
  stack: string;
  project: string;
  out?: string;
  json?: string;
  sarif?: string;
  mode: "preview" | "update";
  policyConfig?: string;
  outputs?: string;
  stackReference: string[];
  debug?: boolean;
}

/** `org/project/stack=outputs.json` pairs: the outputs another stack's offline plan wrote. */
function readStackReferences(pairs: string[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(pairs.map((pair) => {
    const separator = pair.indexOf("=");
    if (separator <= 0) throw new StackFileError(`--stack-reference ${pair}: expected <organization>/<project>/<stack>=<outputs.json>`);
    const file = pair.slice(separator + 1);
    try {
      return [pair.slice(0, separator), JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>];
    } catch (error) {
      throw new StackFileError(`${file}: not readable stack outputs (${(error as Error).message})`);
    }
  }));
}


function renderViolations(violations: Violation[], names: Map<string, string>): string {
  if (violations.length === 0) return "Policy violations: none";
  const lines = violations.map((v) => `  [${v.enforcementLevel}] ${v.policy}  ${names.get(v.urn) ?? v.urn}
      ${v.message.replace(/\n/g, "\n      ")}`);
  return `Policy violations (${violations.length}):\n${lines.join("\n")}`;
}

function parseMode(value: string): "preview" | "update" {
  if (value !== "preview" && value !== "update") throw new InvalidArgumentError("must be preview or update");
  return value;
}

async function plan(options: PlanOptions): Promise<number> {
  const projectDir = path.resolve(options.project);
  const stack = readProjectStack(projectDir, options.stack);
  const policyConfig = withSelectionFlags(readPolicyConfigFile(options.policyConfig), options);
  const references = readStackReferences(options.stackReference);
  // The pack starts beside the program and analyzes each resource as it is registered, as the engine does.
  const analysis = new AnalysisWhileRegistering(POLICY_PACK, {
    project: stack.project,
    stack: stack.stack,
    organization: "organization",
    dryRun: options.mode === "preview",
    config: stack.config.values,
    secretKeys: [...stack.config.secretKeys],
    tags: {},
  }, policyConfig);
  const register = () => runProgram(projectDir, stack, options.mode, references, analysis.add);
  const outDir = path.resolve(options.out ?? path.join(projectDir, ".plan", options.stack));
  const planned = async () => {
    const result = await (options.debug ? register() : withoutStackCapture(register));
    console.log(`Offline plan of ${stack.project}/${stack.stack} (${options.mode} mode, mock providers)\n`);
    console.log(renderTree(result.resources));
    console.log(`\nResources by type:\n${renderCounts(result.resources)}\n`);
    const files = writeManifests(result.resources, outDir);
    console.log(`Kubernetes manifests: ${files.length} files in ${path.relative(process.cwd(), outDir) || "."}`);
    return result;
  };
  const run = await planned().catch(async (error: unknown) => {
    await analysis.abandon();
    throw error;
  });

  const policies = await analysis.finish(run.resources);
  const names = new Map(run.resources.map((resource) => [resource.urn, `${resource.type}  ${resource.name}`]));
  console.log(`\nml-guard: ${policies.policies.length} policies over ${run.resources.length} resources`);
  for (const remediation of policies.remediations) console.log(`  remediated by ${remediation.policy}: ${names.get(remediation.urn)}`);
  const { violations, waived } = splitWaived(policies.violations);
  console.log(renderViolations(violations, names));
  if (waived.length > 0) console.log(`Waived findings (${waived.length}):\n${renderWaived(waived, (urn) => names.get(urn) ?? urn, "  ")}`);

  const report = buildReport(stack.stack, run.resources, violations, waived);
  if (options.outputs) {
    // Secret outputs are written redacted: the file feeds other stacks' offline plans, never credentials.
    fs.writeFileSync(options.outputs, `${JSON.stringify(toDisplayValue(run.outputs), null, 2)}\n`);
    console.log(`Stack outputs: ${options.outputs}`);
  }
  if (options.json) {
    fs.mkdirSync(path.dirname(path.resolve(options.json)), { recursive: true });
    fs.writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`JSON report: ${options.json}`);
  }
  if (options.sarif) {
    // A program's resources have no manifest line: the stack file is the location, the URN names the resource.
    const stackFile = path.relative(process.cwd(), path.join(projectDir, `Pulumi.${options.stack}.yaml`)).split(path.sep).join("/");
    writeSarif(options.sarif, buildSarif(policies.rules, violations, waived, () => ({ uri: stackFile })));
    console.log(`SARIF: ${options.sarif}`);
  }
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  if (mandatory > 0) console.error(`\n${mandatory} mandatory policy violation(s): the plan is blocked`);
  return mandatory > 0 ? EXIT_VIOLATION : 0;
}

const program = new Command("plan")
  .description("Run a stack of the program offline: mock providers, resource tree, Kubernetes manifests, JSON report")
  .requiredOption("--stack <name>", "stack to plan (reads Pulumi.<name>.yaml)")
  .option("--project <dir>", "Pulumi project directory", ".")
  .option("--out <dir>", "where to write the Kubernetes manifests (default <project>/.plan/<stack>)")
  .option("--json <file>", "write the JSON report here")
  .option("--sarif <file>", "write the policy findings as SARIF 2.1.0 (for GitHub code scanning)")
  .option("--policy-config <file>", "policy config JSON, as for pulumi preview --policy-pack-config")
  .option("--framework <ids...>", SELECTION_FLAG_HELP.framework)
  .option("--severity <levels...>", SELECTION_FLAG_HELP.severity)
  .option("--control <ids...>", SELECTION_FLAG_HELP.control)
  .option("--outputs <file>", "write the stack outputs as JSON (secrets redacted), for other stacks' --stack-reference")
  .option("--stack-reference <name=file>", "outputs of a referenced stack, e.g. organization/secure-ml-platform/dev=outputs.json", (value: string, previous: string[]) => [...previous, value], [] as string[])
  .option("--debug", "keep stack traces while the program runs (slower; for errors inside the program)")
  .option("--mode <mode>", "preview: computed outputs unknown, as in a first preview; update: as after pulumi up", parseMode, "preview")
  .showHelpAfterError();

program.parse();

plan(program.opts<PlanOptions>()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof StackFileError || error instanceof PolicyConfigError) {
      console.error(`error: ${error.message}`);
      process.exit(EXIT_UNREADABLE);
    }
    // Config errors are RunErrors: their message is the whole story.
    if (pulumi.RunError.isInstance(error) || error instanceof PolicyPackStartError) console.error(`error: ${error.message}`);
    else console.error(error);
    process.exit(EXIT_VIOLATION);
  },
);
