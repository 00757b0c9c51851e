import Ajv from "ajv";

/*
 * Structural rules of a SARIF 2.1.0 log, written from the OASIS standard (SARIF v2.1.0, OASIS Standard,
 * 27 March 2020), not the published JSON schema: no installed package ships that schema, and it must not
 * be committed or downloaded. FACTs relied on:
 * - §3.13.2 sarifLog.version is "2.1.0"; §3.13.4 runs is an array.
 * - §3.14.6 run.tool is required; §3.18.2 toolComponent.name is required (the driver's).
 * - §3.49.3 reportingDescriptor.id is required (the rule's id).
 * - §3.27.10 result.level is one of none, note, warning, error; §3.27.11 result.message is required,
 *   a message has text (§3.11.8).
 * - §3.30.5 region.startLine is an integer >= 1.
 * - §3.35.3 suppression.kind is inSource or external; §3.35.4 status is accepted, underReview or rejected.
 */
const text = { type: "object", required: ["text"], properties: { text: { type: "string", minLength: 1 } } };
const schema = {
  type: "object",
  required: ["version", "runs"],
  properties: {
    version: { const: "2.1.0" },
    runs: {
      type: "array",
      items: {
        type: "object",
        required: ["tool"],
        properties: {
          tool: {
            type: "object",
            required: ["driver"],
            properties: {
              driver: {
                type: "object",
                required: ["name"],
                properties: { name: { type: "string" }, rules: { type: "array", items: { type: "object", required: ["id"], properties: { id: { type: "string" }, shortDescription: text, fullDescription: text, help: text } } } },
              },
            },
          },
          results: {
            type: "array",
            items: {
              type: "object",
              required: ["message"],
              properties: {
                ruleId: { type: "string" },
                ruleIndex: { type: "integer", minimum: 0 },
                level: { enum: ["none", "note", "warning", "error"] },
                message: text,
                locations: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: {
                      physicalLocation: {
                        type: "object",
                        properties: {
                          artifactLocation: { type: "object", properties: { uri: { type: "string" } } },
                          region: { type: "object", properties: { startLine: { type: "integer", minimum: 1 } } },
                        },
                      },
                      logicalLocations: { type: "array", items: { type: "object", properties: { fullyQualifiedName: { type: "string" } } } },
                    },
                  },
                },
                suppressions: {
                  type: "array",
                  items: { type: "object", required: ["kind"], properties: { kind: { enum: ["inSource", "external"] }, status: { enum: ["accepted", "underReview", "rejected"] }, justification: { type: "string" } } },
                },
              },
            },
          },
        },
      },
    },
  },
};

const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Throws with every structural problem of a SARIF log. */
export function assertSarifStructure(log: unknown): void {
  if (!validate(log)) throw new Error(`not a SARIF 2.1.0 log: ${JSON.stringify(validate.errors)}`);
}
