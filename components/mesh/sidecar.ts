/**
 * Pod annotations that make the Istio sidecar a Kubernetes native sidecar (an init container with
 * restartPolicy Always): it starts, and is ready, before the pod's other init containers and its
 * containers, so a model download (KServe's storage-initializer, a Deployment's model server) or a
 * training job's first S3 call never races a proxy that is not up yet (under REGISTRY_ONLY and Istio
 * CNI, traffic before the proxy is ready goes nowhere), and the sidecar no longer keeps a finished
 * job's pod alive. FACT: the pod annotation `sidecar.istio.io/nativeSidecar` takes precedence over
 * istiod's ENABLE_NATIVE_SIDECARS ("auto" by default), istio/istio 1.30.0 pkg/kube/inject/inject.go
 * and pilot/pkg/features/pilot.go. Native sidecars need Kubernetes 1.29+ (on by default there).
 */
export const NATIVE_SIDECAR_ANNOTATIONS: Record<string, string> = { "sidecar.istio.io/nativeSidecar": "true" };
