/**
 * Booleans and numbers of Terraform-bridged resources (aws, vault) read the way their provider's
 * Check reads them, so a rule gives the same verdict on the program's inputs (the offline plan) and
 * on the checked inputs (what the engine hands the pack).
 *
 * FACT: pulumi-terraform-bridge Check round-trips inputs through Terraform config: a string given
 * for a TF bool comes back as the bool Go's strconv.ParseBool reads ("1", "t", "T", "true", "TRUE",
 * "True" / "0", "f", "F", "false", "FALSE", "False"), else it stays a string; a string of digits
 * given for a TF int comes back as the number (strconv.ParseInt). pulumi/pulumi-terraform-bridge
 * pkg/tfbridge/schema.go makeTerraformInput and CoerceTerraformString (59de6c66).
 */
const TRUE = new Set(["1", "t", "T", "true", "TRUE", "True"]);
const FALSE = new Set(["0", "f", "F", "false", "FALSE", "False"]);

/** The bool the provider reads, or undefined when the value is not one (absent, unknown, other text). */
export function bridgedBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") return TRUE.has(value) ? true : FALSE.has(value) ? false : undefined;
  return undefined;
}

/** The integer the provider reads from a number or a string of digits, or undefined. */
export function bridgedInteger(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  return typeof value === "string" && /^[-+]?[0-9]+$/.test(value) ? Number(value) : undefined;
}
