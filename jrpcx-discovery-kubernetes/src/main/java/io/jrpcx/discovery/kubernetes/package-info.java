/**
 * Discovery from Kubernetes, without a registry: {@link
 * io.jrpcx.discovery.kubernetes.KubernetesDiscovery} follows the EndpointSlices of a Service and
 * lists its ready pods, with rpcx metadata from {@code rpcx.io/*} annotations.
 *
 * <p>Start with {@link io.jrpcx.discovery.kubernetes.KubernetesDiscovery#create} and pass it to
 * {@code XClient.create}. The module's README shows the annotations read and the RBAC it needs.
 */
package io.jrpcx.discovery.kubernetes;
