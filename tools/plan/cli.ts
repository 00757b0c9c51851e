import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Command, InvalidArgumentError } from "commander";
import { writeManifests } from "./manifests";
import { buildReport, renderCounts, renderTree } from "./report";
import { runProgram } from "./runProgram";
import { readProjectStack, StackFileError } from "./stackFile";

const EXIT_VIOLATION = 1;
const EXIT_UNREADABLE = 2;

interface PlanOptions {
  stack: string;
  project: string;
  out?: string;
  json?: string;
  mode: "preview" | "update";
}

function parseMode(value: string): "preview" | "update" {
  if (value !== "preview" && value !== "update") throw new InvalidArgumentError("must be preview or update");
  return value;
}

async function plan(options: PlanOptions): Promise<number> {
  const projectDir = path.resolve(options.project);
  const stack = readProjectStack(projectDir, options.stack);
  const run = await runProgram(projectDir, stack, options.mode);
  const outDir = path.resolve(options.out ?? path.join(projectDir, ".plan", options.stack));

  console.log(`Offline plan of ${stack.project}/${stack.stack} (${options.mode} mode, mock providers)\n`);
  console.log(renderTree(run.resources));
  console.log(`\nResources by type:\n${renderCounts(run.resources)}\n`);
  const files = writeManifests(run.resources, outDir);
  console.log(`Kubernetes manifests: ${files.length} files in ${path.relative(process.cwd(), outDir) || "."}`);

  const report = buildReport(stack.stack, run.resources, []);
  if (options.json) {
    fs.mkdirSync(path.dirname(path.resolve(options.json)), { recursive: true });
    fs.writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`JSON report: ${options.json}`);
  }
  return 0;
}

const program = new Command("plan")
  .description("Run a stack of the program offline: mock providers, resource tree, Kubernetes manifests, JSON report")
  .requiredOption("--stack <name>", "stack to plan (reads Pulumi.<name>.yaml)")
  .option("--project <dir>", "Pulumi project directory", ".")
  .option("--out <dir>", "where to write the Kubernetes manifests (default <project>/.plan/<stack>)")
  .option("--json <file>", "write the JSON report here")
  .option("--mode <mode>", "preview: computed outputs unknown, as in a first preview; update: as after pulumi up", parseMode, "preview")
  .showHelpAfterError();

program.parse();

plan(program.opts<PlanOptions>()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof StackFileError) {
      console.error(`error: ${error.message}`);
      process.exit(EXIT_UNREADABLE);
    }
    // Config errors are RunErrors: their message is the whole story.
    if (pulumi.RunError.isInstance(error)) console.error(`error: ${error.message}`);
    else console.error(error);
    process.exit(EXIT_VIOLATION);
  },
);
