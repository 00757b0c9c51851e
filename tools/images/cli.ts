import * as fs from "node:fs";
import { Command } from "commander";
import { podTemplatesOf } from "../../policypacks/ml-guard/lib/kubernetes";
import { asString } from "../../policypacks/ml-guard/lib/values";
import { loadInputs, UnreadableInputError } from "../check/loadInputs";

const EXIT_UNREADABLE = 2;

/** Every container image the workloads in these manifests run, sorted and unique (for the CI image scan). */
function imagesOf(paths: string[]): string[] {
  const images = new Set<string>();
  for (const resource of loadInputs(paths, "images", "manifests")) {
    for (const pod of podTemplatesOf(resource.type, resource.inputs)) {
      for (const view of pod.containers) {
        const image = asString(view.container.image);
        if (image) images.add(image);
      }
    }
  }
  return [...images].sort();
}

const program = new Command("images")
  .description("List the container images that the workloads in Kubernetes manifests run (one per line, or JSON)")
  .argument("<paths...>", "manifest files or directories, e.g. the offline plan's .plan/<stack>")
  .option("--json <file>", "also write the list as a JSON array")
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_UNREADABLE));

program.parse();

try {
  const images = imagesOf(program.args);
  const { json } = program.opts<{ json?: string }>();
  if (json) fs.writeFileSync(json, `${JSON.stringify(images, null, 2)}\n`);
  for (const image of images) console.log(image);
} catch (error) {
  if (!(error instanceof UnreadableInputError)) throw error;
  console.error(`error: ${error.message}`);
  process.exit(EXIT_UNREADABLE);
}
