import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import type { RegisteredResource } from "../plan/runProgram";

/** What the engine knows about the stack it asks the pack to analyze. */
export interface StackContext {
  project: string;
  stack: string;
  organization: string;
  /** A preview (true) or an update. */
  dryRun: boolean;
  config: Record<string, string>;
  secretKeys: string[];
  tags: Record<string, string>;
}

const struct = (value: Record<string, unknown>) => Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);

export function stackConfigureRequest(context: StackContext): pb.AnalyzerStackConfigureRequest {
  const request = new pb.AnalyzerStackConfigureRequest()
    .setProject(context.project)
    .setStack(context.stack)
    .setOrganization(context.organization)
    .setDryRun(context.dryRun)
    .setConfigSecretKeysList(context.secretKeys);
  for (const [key, value] of Object.entries(context.config)) request.getConfigMap().set(key, value);
  for (const [key, value] of Object.entries(context.tags)) request.getTagsMap().set(key, value);
  return request;
}

function options(resource: RegisteredResource): pb.AnalyzerResourceOptions {
  const { protect, ignoreChanges, deleteBeforeReplace, additionalSecretOutputs, aliases, customTimeouts } = resource.options;
  const result = new pb.AnalyzerResourceOptions()
    .setProtect(protect)
    .setIgnorechangesList(ignoreChanges)
    .setAdditionalsecretoutputsList(additionalSecretOutputs)
    .setAliasesList(aliases)
    .setDeletebeforereplacedefined(deleteBeforeReplace !== undefined)
    .setDeletebeforereplace(deleteBeforeReplace ?? false)
    .setCustomtimeouts(new pb.AnalyzerResourceOptions.CustomTimeouts().setCreate(customTimeouts.create).setUpdate(customTimeouts.update).setDelete(customTimeouts.delete));
  if (resource.parent) result.setParent(resource.parent);
  return result;
}

/**
 * The provider a resource is managed by: its explicit provider when it has one, else the engine's
 * default provider for the package, configured from the stack's `<package>:` keys.
 */
export function providerOf(resource: RegisteredResource, byUrn: Map<string, RegisteredResource>, context: StackContext): pb.AnalyzerProviderResource | undefined {
  if (!resource.custom || resource.type.startsWith("pulumi:providers:")) return undefined;
  const explicit = resource.provider ? byUrn.get(resource.provider.split("::").slice(0, -1).join("::")) : undefined;
  if (explicit) {
    return new pb.AnalyzerProviderResource().setType(explicit.type).setName(explicit.name).setUrn(explicit.urn).setProperties(struct(explicit.inputs));
  }
  const pkg = resource.type.split(":")[0];
  const properties = Object.fromEntries(Object.entries(context.config).filter(([key]) => key.startsWith(`${pkg}:`)).map(([key, value]) => [key.slice(pkg.length + 1), value]));
  return new pb.AnalyzerProviderResource()
    .setType(`pulumi:providers:${pkg}`)
    .setName("default")
    .setUrn(`urn:pulumi:${context.stack}::${context.project}::pulumi:providers:${pkg}::default`)
    .setProperties(struct(properties));
}

/** Analyze and Remediate take the resource's inputs, before it is created or updated. */
export function analyzeRequest(resource: RegisteredResource, properties: Record<string, unknown>, provider: pb.AnalyzerProviderResource | undefined): pb.AnalyzeRequest {
  const request = new pb.AnalyzeRequest()
    .setType(resource.type)
    .setName(resource.name)
    .setUrn(resource.urn)
    .setProperties(struct(properties))
    .setOptions(options(resource));
  if (provider) request.setProvider(provider);
  return request;
}

/** AnalyzeStack takes every resource's outputs, with parents and (property) dependencies. */
export function stackResource(resource: RegisteredResource, provider: pb.AnalyzerProviderResource | undefined): pb.AnalyzerResource {
  const result = new pb.AnalyzerResource()
    .setType(resource.type)
    .setName(resource.name)
    .setUrn(resource.urn)
    .setProperties(struct(resource.custom ? resource.outputs : resource.inputs))
    .setOptions(options(resource))
    .setDependenciesList(resource.dependencies);
  if (resource.parent) result.setParent(resource.parent);
  if (provider) result.setProvider(provider);
  for (const [property, urns] of Object.entries(resource.propertyDependencies)) {
    result.getPropertydependenciesMap().set(property, new pb.AnalyzerPropertyDependencies().setUrnsList(urns));
  }
  return result;
}
