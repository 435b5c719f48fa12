/**
 * Per-client rate limiting and the client address it is keyed by.
 *
 * <p>{@link dev.edge.ratelimit.ClientAddresses} decides who the client is: the socket peer, or the
 * right-most untrusted {@code X-Forwarded-For} hop when the peer is one of the configured trusted
 * proxies ({@link dev.edge.ratelimit.Cidr}). {@link dev.edge.ratelimit.RateLimiter} then takes one
 * request from that client's token bucket (GCRA: one {@code long} per client) in a bounded,
 * LRU-evicting table, and its {@link dev.edge.ratelimit.RateLimiter.Decision} becomes either the
 * {@code 429 rate_limited} problem response or the {@code RateLimit-*} headers of an allowed one.
 * Everything here runs on the event loop: no I/O, no DNS, no blocking beyond one short segment
 * lock.
 */
package dev.edge.ratelimit;
