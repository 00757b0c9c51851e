import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * A custom resource typed by its published CRD schema (the @kubernetes-models types), with Pulumi
 * inputs allowed in its metadata. Tests validate the same objects against the schema at runtime.
 */
export type TypedObject<T extends { apiVersion: string; kind: string }> = Omit<T, "metadata"> & {
  metadata: k8s.types.input.meta.v1.ObjectMeta;
};

export function customResource<T extends { apiVersion: string; kind: string }>(
  name: string,
  object: TypedObject<T>,
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(name, object, opts);
}
