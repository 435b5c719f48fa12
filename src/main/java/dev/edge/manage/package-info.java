/**
 * The management listener ({@code --management-port}): Spring Boot Actuator's endpoints over Spring
 * WebFlux on a Reactor Netty server and event loop of their own, bound to loopback unless told
 * otherwise. Health with Kubernetes liveness and readiness groups (one contributor per app and per
 * certificate), info, metrics and Prometheus (the registry {@code /metrics} serves), loggers,
 * threaddump, {@code diagnostics} (the {@code /diagnostics} document, from the same producer) and
 * {@code edge} (apps and workers; rolling restart and reload). Nothing here is loaded when the
 * option is not given, and the data plane never goes through it.
 */
package dev.edge.manage;
