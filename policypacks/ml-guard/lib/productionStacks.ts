import type { PolicyConfigSchema } from "@pulumi/policy";
import { globMatches } from "./waivers";

/**
 * Which stacks are production, for the promotion gate. Decided by the stack's name, read from the
 * URN the engine gives every resource (`urn:pulumi:<stack>::<project>::...`), against patterns in the
 * policy config: the program and its stack config cannot change either, whereas a stack tag can be
 * removed by anyone who can write to the stack (`pulumi stack tag rm`), and the stack's own config
 * is written by the team the gate is for. The deploy workflow targets the same name (`--stack prod`).
 * FACT: every URN is urn:pulumi:<Stack>::<Project>::<Qualified$Type$Name>::<Name>, the stack being
 * deployed into first (pulumi/pulumi sdk/go/common/resource/urn, v3.111.0).
 */
export const DEFAULT_PRODUCTION_STACKS = ["prod", "production", "*-prod", "*-production"];

export interface ProductionStacksConfig {
  productionStacks?: string[];
}

export const productionStacksSchema: PolicyConfigSchema["properties"] = {
  productionStacks: {
    type: "array",
    items: { type: "string", minLength: 1 },
    default: DEFAULT_PRODUCTION_STACKS,
    description: "Stack names (glob: * matches any run of characters) whose model endpoints need an approval. Set the same list on every promotion rule.",
  },
};

/** The stack segment of a URN, or undefined for something that is not one. */
export function stackOfUrn(urn: string): string | undefined {
  const match = /^urn:pulumi:([^:]+)::/.exec(urn);
  return match?.[1];
}

export function isProductionStack(urn: string, config: ProductionStacksConfig): boolean {
  const stack = stackOfUrn(urn);
  return stack !== undefined && (config.productionStacks ?? DEFAULT_PRODUCTION_STACKS).some((pattern) => globMatches(pattern, stack));
}
