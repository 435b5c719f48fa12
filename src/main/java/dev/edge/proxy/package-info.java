/**
 * Forwarding: step 4 of the request path for app routes ({@link dev.edge.proxy.WorkerForwarder}, to
 * a worker over its socket) and the {@code proxy} route action ({@link
 * dev.edge.proxy.UpstreamProxy}, to external HTTP(S) upstreams chosen least-inflight with passive
 * health, {@link dev.edge.proxy.UpstreamHealth}, WebSockets included). Both run a request's tries
 * in one {@link dev.edge.proxy.AttemptLoop} (reroute, resend once, timeout, give up), with what
 * differs plugged in as a {@link dev.edge.proxy.ForwardingStrategy} ({@link
 * dev.edge.proxy.WorkerRequest}, {@link dev.edge.proxy.ProxyRequest}). Both stream bodies both
 * ways, strip hop-by-hop headers ({@link dev.edge.proxy.HopByHopHeaders}) and set {@code
 * X-Forwarded-*} and {@code X-Request-Id}. The worker hop speaks HTTP/1.1 through the edge's own
 * writer and parser ({@link dev.edge.proxy.RequestWriter}, {@link
 * dev.edge.proxy.WorkerResponseParser}) rather than an HTTP codec.
 */
package dev.edge.proxy;
