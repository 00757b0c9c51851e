import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** The team stack's config: which platform stack it builds on, its team, its model and training job. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;
const PINNED_IMAGE = /^[^@\s]+@sha256:[a-f0-9]{64}$/;

const schema = z.strictObject({
  /** The platform stack, as `<organization>/<project>/<stack>`. */
  platformStack: z.string().regex(/^[\w.-]+\/[\w.-]+\/[\w.-]+$/, "must be <organization>/<project>/<stack>"),
  team: z.string().regex(DNS_LABEL, "must be the team's name (a DNS label)"),
  model: z.strictObject({
    name: z.string().regex(DNS_LABEL, "must be a DNS label"),
    version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be a label value"),
    image: z.string().regex(PINNED_IMAGE, "must be pinned by digest"),
    modelFormat: z.string().default("sklearn"),
    artifactPath: z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/, "must be a relative path without '..'"),
    artifactSha256: z.string().regex(/^[a-f0-9]{64}$/, "must be 64 lower-case hex characters"),
    gpu: z.number().int().min(0).max(16).default(0),
    requiredClaims: z.record(z.string(), z.array(z.string()).min(1)).optional(),
  }),
  /** Verify at load: the platform's model-verify and downloader images, and who signs model manifests (the platform's image authority). */
  verification: z.strictObject({
    verifierImage: z.string().regex(PINNED_IMAGE, "must be pinned by digest"),
    downloaderImage: z.string().regex(PINNED_IMAGE, "must be pinned by digest"),
    authority: z.union([
      z.strictObject({ publicKey: z.string().startsWith("-----BEGIN PUBLIC KEY-----", "must be a PEM public key") }),
      z.strictObject({ keyless: z.strictObject({ issuer: z.string().regex(/^https:\/\/\S+$/, "must be an https:// URL"), subjectRegExp: z.string().regex(/^\^.*\$$/, "must be anchored (^...$)") }) }),
    ]).optional(),
  }),
  training: z.strictObject({
    name: z.string().regex(DNS_LABEL, "must be a DNS label"),
    image: z.string().regex(PINNED_IMAGE, "must be pinned by digest"),
    command: z.array(z.string()).min(1, "must name the command"),
    workers: z.number().int().min(1, "must be at least 1").max(64).default(2),
    gpu: z.number().int().min(0).max(16).default(0),
  }),
});

export type TeamStackConfig = z.infer<typeof schema>;

/** Reads and validates the config; a bad value stops the program before anything is registered. */
export function loadTeamStackConfig(): TeamStackConfig {
  const project = pulumi.getProject();
  const config = new pulumi.Config(project);
  // Structured keys arrive as JSON text, plain ones as strings.
  const read = (key: string): unknown => {
    const text = config.get(key);
    return text !== undefined && /^\s*[[{]/.test(text) ? config.getObject(key) : text;
  };
  const raw = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, read(key)]));
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new pulumi.RunError(`Invalid stack config:\n${result.error.issues.map((issue) => `  - ${project}:${issue.path.join(".")}: ${issue.message}`).join("\n")}`);
  }
  return result.data;
}
