/**
 * The network contract of distributed training, shared by the team NetworkPolicy (TeamNamespace) and
 * the training pods (TrainingJob) so the two cannot drift apart.
 *
 * torch.distributed rendezvous uses one known port (MASTER_PORT, kept in the mesh: mTLS and the
 * training-peers AuthorizationPolicy). NCCL and Gloo then open further listening sockets on port 0,
 * so the kernel picks them from net.ipv4.ip_local_port_range. Training pods narrow that range to
 * COLLECTIVE_PORTS, the NetworkPolicy opens exactly it between one team's training pods, and the
 * sidecar does not intercept it: outbound, the mesh would send a connection to a pod IP on a port no
 * Service declares to the BlackHole cluster (outboundTrafficPolicy REGISTRY_ONLY); and every byte of
 * collective traffic would pass through two Envoys. Inside the range, the NetworkPolicy alone decides.
 */

export interface PortRange {
  first: number;
  last: number;
}

/** Ports NCCL/Gloo listen on in training pods: 1024 ports, room for many ranks per pod and channels. */
export const COLLECTIVE_PORTS: PortRange = { first: 40000, last: 41023 };

/** The pod sysctl that makes the kernel pick every automatically bound port inside the range (a safe, per-pod sysctl). */
export const COLLECTIVE_PORT_SYSCTL = { name: "net.ipv4.ip_local_port_range", value: `${COLLECTIVE_PORTS.first} ${COLLECTIVE_PORTS.last}` };

/** Istio reads these port lists one port at a time (no ranges), so the range is spelled out. */
const collectivePortList = Array.from({ length: COLLECTIVE_PORTS.last - COLLECTIVE_PORTS.first + 1 }, (_, index) => COLLECTIVE_PORTS.first + index).join(",");
export const COLLECTIVE_SIDECAR_ANNOTATIONS: Record<string, string> = {
  "traffic.sidecar.istio.io/excludeInboundPorts": collectivePortList,
  "traffic.sidecar.istio.io/excludeOutboundPorts": collectivePortList,
};
