import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import type { RegisteredResource } from "../plan/runProgram";
import { AnalyzerClient } from "./analyzerClient";
import { describePolicies, enforcementLevelName, enforcementLevelNumber, resolvePolicyConfig, type EnforcementLevel, type PolicyPackConfig } from "./policyConfig";
import { startPolicyPack } from "./policyPackProcess";
import { describeRules, type RuleInfo } from "./ruleInfo";
import { analyzeRequest, providerOf, stackConfigureRequest, stackResource, type StackContext } from "./requests";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** One diagnostic of the pack, in the plan report's shape. */
export interface Violation {
  policy: string;
  urn: string;
  message: string;
  enforcementLevel: EnforcementLevel;
}

export interface Remediation {
  policy: string;
  urn: string;
}

export interface PolicyRun {
  violations: Violation[];
  remediations: Remediation[];
  /** Names of the pack's policies. */
  policies: string[];
  /** The pack's rules as GetAnalyzerInfo describes them (for SARIF). */
  rules: RuleInfo[];
}

/** Requests in flight at once: the pack answers one at a time, but this hides the round trips. */
const CONCURRENCY = 32;

async function inBatches<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

function toViolations(response: pb.AnalyzeResponse, fallbackUrn: string): Violation[] {
  return response.getDiagnosticsList().map((diagnostic) => ({
    policy: diagnostic.getPolicyname(),
    urn: diagnostic.getUrn() || fallbackUrn,
    message: diagnostic.getMessage(),
    enforcementLevel: enforcementLevelName(diagnostic.getEnforcementlevel()),
  }));
}

/** A policy pack process with the engine's calls over the Analyzer protocol. Start once, analyze many times. */
export class PolicyPackSession {
  private constructor(private readonly client: AnalyzerClient, private readonly stopProcess: () => Promise<void>) {}

  static async start(packDir: string): Promise<PolicyPackSession> {
    const pack = await startPolicyPack(packDir);
    return new PolicyPackSession(new AnalyzerClient(pack.address), pack.stop);
  }

  /**
   * Runs the pack over a stack in the engine's order: ConfigureStack, GetAnalyzerInfo, Configure
   * with the policy config; per resource Remediate, then Analyze on the remediated inputs; finally
   * AnalyzeStack over every resource's outputs with parents and property dependencies.
   */
  async analyze(resources: RegisteredResource[], context: StackContext, policyConfig?: PolicyPackConfig): Promise<PolicyRun> {
    await this.client.configureStack(stackConfigureRequest(context));
    const info = await this.client.getAnalyzerInfo();
    const policies = describePolicies(info);
    const configure = new pb.ConfigureAnalyzerRequest();
    for (const [name, resolved] of resolvePolicyConfig(policies, policyConfig)) {
      const entry = new pb.PolicyConfig().setEnforcementlevel(enforcementLevelNumber(resolved.enforcementLevel));
      entry.setProperties(Struct.fromJavaScript(resolved.properties as Parameters<typeof Struct.fromJavaScript>[0]));
      configure.getPolicyconfigMap().set(name, entry);
    }
    await this.client.configure(configure);

    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const stackUrn = resources.find((resource) => resource.type === "pulumi:pulumi:Stack")?.urn ?? "";
    const violations: Violation[][] = resources.map(() => []);
    const remediations: Remediation[] = [];
    const analyzeOne = async ({ resource, index }: { resource: RegisteredResource; index: number }) => {
      const provider = providerOf(resource, byUrn, context);
      let properties = resource.inputs;
      const remediated = await this.client.remediate(analyzeRequest(resource, properties, provider));
      for (const remediation of remediated.getRemediationsList()) {
        const fixed = remediation.getProperties()?.toJavaScript();
        if (fixed) {
          properties = fixed;
          remediations.push({ policy: remediation.getPolicyname(), urn: resource.urn });
        }
      }
      violations[index] = toViolations(await this.client.analyze(analyzeRequest(resource, properties, provider)), resource.urn);
    };
    // FACT: the engine remediates then analyzes each resource before it steps it (step_generator.go), and the
    // root Stack is registered, so analyzed, before any child: the pack's policies that load their config on
    // Analyze (rule selection, waivers) have loaded it before any other resource's Remediate. Kept here.
    const indexed = resources.map((resource, index) => ({ resource, index }));
    const isRoot = ({ resource }: { resource: RegisteredResource }) => resource.type === "pulumi:pulumi:Stack";
    await inBatches(indexed.filter(isRoot), analyzeOne);
    await inBatches(indexed.filter((item) => !isRoot(item)), analyzeOne);
    const stackRequest = new pb.AnalyzeStackRequest().setResourcesList(resources.map((resource) => stackResource(resource, providerOf(resource, byUrn, context))));
    const stackViolations = toViolations(await this.client.analyzeStack(stackRequest), stackUrn);
    return { violations: [...violations.flat(), ...stackViolations], remediations, policies: policies.map((policy) => policy.name), rules: describeRules(info) };
  }

  async stop(): Promise<void> {
    this.client.close();
    await this.stopProcess();
  }
}

/** Starts the pack, analyzes one stack, stops the pack. */
export async function runPolicies(packDir: string, resources: RegisteredResource[], context: StackContext, policyConfig?: PolicyPackConfig): Promise<PolicyRun> {
  const session = await PolicyPackSession.start(packDir);
  try {
    return await session.analyze(resources, context, policyConfig);
  } finally {
    await session.stop();
  }
}
