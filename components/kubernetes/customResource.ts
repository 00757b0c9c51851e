import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * A custom resource typed by its published CRD schema (the @kubernetes-models types), with Pulumi
 * inputs allowed in its metadata and as its whole spec (when the spec is computed from outputs).
 */
export type TypedObject<T extends { apiVersion: string; kind: string; spec?: unknown }> = Omit<T, "metadata" | "spec"> & {
  metadata: k8s.types.input.meta.v1.ObjectMeta;
  spec?: pulumi.Input<NonNullable<T["spec"]>>;
};

export function customResource<T extends { apiVersion: string; kind: string; spec?: unknown }>(
  name: string,
  object: TypedObject<T>,
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(name, object, opts);
}
