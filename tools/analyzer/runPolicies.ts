import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import type { RegisteredResource } from "../plan/runProgram";
import { AnalyzerClient } from "./analyzerClient";
import { describePolicies, enforcementLevelName, enforcementLevelNumber, resolvePolicyConfig, type EnforcementLevel, type PolicyPackConfig } from "./policyConfig";
import { startPolicyPack } from "./policyPackProcess";
import { describeRules, type RuleInfo } from "./ruleInfo";
import { analyzeRequest, providerOf, stackConfigureRequest, stackResource, type StackContext } from "./requests";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import pLimit from "p-limit";

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

function toViolations(response: pb.AnalyzeResponse, fallbackUrn: string): Violation[] {
  return response.getDiagnosticsList().map((diagnostic) => ({
    policy: diagnostic.getPolicyname(),
    urn: diagnostic.getUrn() || fallbackUrn,
    message: diagnostic.getMessage(),
    enforcementLevel: enforcementLevelName(diagnostic.getEnforcementlevel()),
  }));
}

const isRoot = (resource: RegisteredResource) => resource.type === "pulumi:pulumi:Stack";

/**
 * One stack's analysis as the engine runs it: each resource is remediated and analyzed as soon as it
 * is registered (`add`), while the program goes on registering the rest, and the whole stack is
 * analyzed once the program is done (`finish`).
 */
export class StackAnalysis {
  private readonly byUrn = new Map<string, RegisteredResource>();
  private readonly providers = new Map<string, pb.AnalyzerProviderResource | undefined>();
  private readonly limit = pLimit(CONCURRENCY);
  private readonly analyses: Promise<Violation[]>[] = [];
  private readonly remediations: Remediation[] = [];
  private rootAnalyzed?: Promise<unknown>;

  /** `known`: resources already registered (their explicit providers can be looked up before they are added). */
  constructor(private readonly client: AnalyzerClient, private readonly context: StackContext, private readonly info: pb.AnalyzerInfo, known: RegisteredResource[] = []) {
    for (const resource of known) this.byUrn.set(resource.urn, resource);
  }

  /** The provider message of a resource, built once per provider (every resource of a package shares it). */
  private providerOf(resource: RegisteredResource): pb.AnalyzerProviderResource | undefined {
    if (!resource.custom || resource.type.startsWith("pulumi:providers:")) return undefined;
    const key = `${resource.provider ?? ""}|${resource.type.split(":")[0]}`;
    if (!this.providers.has(key)) this.providers.set(key, providerOf(resource, this.byUrn, this.context));
    return this.providers.get(key);
  }

  add(resource: RegisteredResource): void {
    this.byUrn.set(resource.urn, resource);
    const provider = this.providerOf(resource);
    const analyze = () => this.limit(async () => {
      const request = analyzeRequest(resource, resource.inputs, provider);
      let analyzed = request;
      for (const remediation of (await this.client.remediate(request)).getRemediationsList()) {
        const fixed = remediation.getProperties()?.toJavaScript();
        if (fixed) {
          analyzed = analyzeRequest(resource, fixed, provider);
          this.remediations.push({ policy: remediation.getPolicyname(), urn: resource.urn });
        }
      }
      return toViolations(await this.client.analyze(analyzed), resource.urn);
    });
    // FACT: the engine remediates then analyzes each resource before it steps it (step_generator.go), and the
    // root Stack is registered, so analyzed, before any child: the pack's policies that load their config on
    // Analyze (rule selection, waivers) have loaded it before any other resource's Remediate. Kept here.
    if (isRoot(resource)) {
      const analysis = analyze();
      this.rootAnalyzed = analysis;
      this.analyses.push(analysis);
    } else {
      const root = this.rootAnalyzed;
      this.analyses.push(root ? root.then(analyze, analyze) : analyze());
    }
  }

  /** Waits for every resource's analysis, then runs AnalyzeStack over every resource's outputs with parents and property dependencies. */
  async finish(resources: RegisteredResource[]): Promise<PolicyRun> {
    const violations = (await Promise.all(this.analyses)).flat();
    const stackUrn = resources.find(isRoot)?.urn ?? "";
    const stackRequest = new pb.AnalyzeStackRequest().setResourcesList(resources.map((resource) => stackResource(resource, this.providerOf(resource))));
    const stackViolations = toViolations(await this.client.analyzeStack(stackRequest), stackUrn);
    return { violations: [...violations, ...stackViolations], remediations: this.remediations, policies: describePolicies(this.info).map((policy) => policy.name), rules: describeRules(this.info) };
  }
}

/** A policy pack process with the engine's calls over the Analyzer protocol. Start once, analyze many times. */
export class PolicyPackSession {
  /** `pid`: the pack process's id. */
  private constructor(private readonly client: AnalyzerClient, private readonly stopProcess: () => Promise<void>, readonly pid?: number) {}

  static async start(packDir: string, signal?: AbortSignal): Promise<PolicyPackSession> {
    const pack = await startPolicyPack(packDir, signal);
    return new PolicyPackSession(new AnalyzerClient(pack.address), pack.stop, pack.pid);
  }

  /** ConfigureStack, GetAnalyzerInfo and Configure with the policy config, in the engine's order; then feed the analysis. */
  async begin(context: StackContext, policyConfig?: PolicyPackConfig, known: RegisteredResource[] = []): Promise<StackAnalysis> {
    await this.client.configureStack(stackConfigureRequest(context));
    const info = await this.client.getAnalyzerInfo();
    const configure = new pb.ConfigureAnalyzerRequest();
    for (const [name, resolved] of resolvePolicyConfig(describePolicies(info), policyConfig)) {
      const entry = new pb.PolicyConfig().setEnforcementlevel(enforcementLevelNumber(resolved.enforcementLevel));
      entry.setProperties(Struct.fromJavaScript(resolved.properties as Parameters<typeof Struct.fromJavaScript>[0]));
      configure.getPolicyconfigMap().set(name, entry);
    }
    await this.client.configure(configure);
    return new StackAnalysis(this.client, context, info, known);
  }

  /** Runs the pack over a stack already registered, in the engine's order (see StackAnalysis). */
  async analyze(resources: RegisteredResource[], context: StackContext, policyConfig?: PolicyPackConfig): Promise<PolicyRun> {
    const analysis = await this.begin(context, policyConfig, resources);
    for (const resource of [...resources.filter(isRoot), ...resources.filter((resource) => !isRoot(resource))]) analysis.add(resource);
    return analysis.finish(resources);
  }

  async stop(): Promise<void> {
    this.client.close();
    await this.stopProcess();
  }
}

/**
 * A pack started beside a running program, analyzing each resource as the program registers it, as
 * the engine does: resources registered while the pack is still starting wait for it, in order.
 */
export class AnalysisWhileRegistering {
  private readonly ready: Promise<{ session: PolicyPackSession; analysis: StackAnalysis }>;
  private readonly abort = new AbortController();

  constructor(packDir: string, context: StackContext, policyConfig?: PolicyPackConfig) {
    this.ready = PolicyPackSession.start(packDir, this.abort.signal).then(async (session) => {
      try {
        return { session, analysis: await session.begin(context, policyConfig) };
      } catch (error) {
        await session.stop();
        throw error;
      }
    });
    // A pack that cannot start (or a policy config it refuses) is reported by finish(); until then registrations just stop flowing.
    this.ready.catch(() => undefined);
  }

  add = (resource: RegisteredResource): void => {
    this.ready.then(({ analysis }) => analysis.add(resource), () => undefined);
  };

  /** The verdicts, once every resource is registered; stops the pack. */
  async finish(resources: RegisteredResource[]): Promise<PolicyRun> {
    const { session, analysis } = await this.ready;
    try {
      return await analysis.finish(resources);
    } finally {
      await session.stop();
    }
  }

  /** Stops the pack, started or still starting, when the program failed. */
  async abandon(): Promise<void> {
    this.abort.abort();
    await this.ready.then(({ session }) => session.stop(), () => undefined);
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
