/**
 * Kubernetes: the sidecar injection that turns a pod annotated {@code dapr.io/enabled: "true"} into one with an
 * h2splice {@code daprd} container, with two front ends over one mutation ({@link io.h2splice.cli.kube.PodPatcher}):
 * {@code h2splice injector}, a mutating admission webhook ({@link io.h2splice.cli.kube.InjectorCommand}), and
 * {@code h2splice inject}, which rewrites YAML files ({@link io.h2splice.cli.kube.InjectCommand}). Both also give the
 * headless {@code <app-id>-dapr} Service ({@link io.h2splice.cli.kube.DaprService}). Kubernetes types never leave
 * this package; the data plane knows nothing of it.
 */
package io.h2splice.cli.kube;
