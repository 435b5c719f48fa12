/**
 * The worker SDK, shipped as {@code edge-worker.jar}: what an app needs to run as an edge worker
 * (bind the socket from the environment, answer readiness, stop when the edge says so), and helpers
 * to answer the realtime hub's events ({@link dev.edge.sdk.RealtimeEvent}, {@link
 * dev.edge.sdk.RealtimeReply}). It depends on Reactor Netty only, never on Spring or on the rest of
 * the edge.
 */
package dev.edge.sdk;
