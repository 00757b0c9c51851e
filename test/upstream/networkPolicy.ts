import type { NetworkPolicy } from "./stackInstall";

type Labels = Record<string, string>;
type Selector = { matchLabels?: Labels; matchExpressions?: unknown[] } | undefined;

/** A connection a pod opens: to an address, or to a pod of a namespace, on a TCP port. */
export type Destination = { ip: string; port: number } | { namespaceLabels: Labels; podLabels?: Labels; port: number };

function matches(selector: Selector, labels: Labels): boolean {
  if (selector?.matchExpressions?.length) throw new Error("matchExpressions are not modelled here");
  return Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

const ipNumber = (ip: string) => ip.split(".").reduce((total, octet) => total * 256 + Number(octet), 0);
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipNumber(ip) / size) === Math.floor(ipNumber(base) / size);
}

function peerMatches(peer: Record<string, any>, to: Destination): boolean {
  if (peer.ipBlock) return "ip" in to && inCidr(to.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((except: string) => inCidr(to.ip, except));
  if ("ip" in to) return false;
  // A peer with only a podSelector means pods of the policy's own namespace; callers here name namespaces explicitly.
  return peer.namespaceSelector !== undefined && matches(peer.namespaceSelector, to.namespaceLabels) && matches(peer.podSelector, to.podLabels ?? {});
}

/**
 * Whether the NetworkPolicies of `namespace` let a pod with `podLabels` open a TCP connection to
 * `to`. FACT (kubernetes.io/docs/concepts/services-networking/network-policies): a pod selected by
 * an Egress policy may only open what some selecting policy's rule allows (rules are additive); a
 * rule with no `to` allows every destination, one with no `ports` every port.
 */
export function allowsEgress(policies: NetworkPolicy[], namespace: string, podLabels: Labels, to: Destination): boolean {
  const selecting = policies.filter((policy) => policy.namespace === namespace && (policy.spec.policyTypes as string[] | undefined)?.includes("Egress") && matches(policy.spec.podSelector as Selector, podLabels));
  if (selecting.length === 0) return true;
  return selecting.some((policy) => ((policy.spec.egress ?? []) as Record<string, any>[]).some((rule) =>
    (rule.to === undefined || rule.to.length === 0 || rule.to.some((peer: Record<string, any>) => peerMatches(peer, to)))
    && (rule.ports === undefined || rule.ports.length === 0 || rule.ports.some((port: Record<string, any>) => (port.protocol ?? "TCP") === "TCP" && port.port === to.port))));
}

/** A connection a pod of `from.namespaceLabels` (with `from.podLabels`) opens to a pod of `namespace`, on a TCP port. */
export interface Source { namespaceLabels: Labels; podLabels?: Labels; port: number }

/** Whether the NetworkPolicies of `namespace` let its pod with `podLabels` accept the connection (the same additive rules as egress). */
export function allowsIngress(policies: NetworkPolicy[], namespace: string, podLabels: Labels, from: Source): boolean {
  const selecting = policies.filter((policy) => policy.namespace === namespace && (policy.spec.policyTypes as string[] | undefined)?.includes("Ingress") && matches(policy.spec.podSelector as Selector, podLabels));
  if (selecting.length === 0) return true;
  return selecting.some((policy) => ((policy.spec.ingress ?? []) as Record<string, any>[]).some((rule) =>
    (rule.from === undefined || rule.from.length === 0 || rule.from.some((peer: Record<string, any>) => peer.namespaceSelector !== undefined && matches(peer.namespaceSelector, from.namespaceLabels) && matches(peer.podSelector, from.podLabels ?? {})))
    && (rule.ports === undefined || rule.ports.length === 0 || rule.ports.some((port: Record<string, any>) => (port.protocol ?? "TCP") === "TCP" && port.port === from.port))));
}
