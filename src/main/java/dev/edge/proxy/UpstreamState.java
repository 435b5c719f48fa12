package dev.edge.proxy;

import java.time.Instant;

/**
 * One external upstream as {@code /status} shows it.
 *
 * @param upstream the normalized upstream URL, {@code scheme://host:port}
 * @param inflight requests (and WebSocket sessions) being served by it right now, over all routes
 * @param consecutiveFailures failures since its last answer: connect failures, timeouts and
 *     connections that broke before response headers
 * @param downUntil until when it is skipped after a connect failure or a timeout, or null when it
 *     is up
 */
public record UpstreamState(
    String upstream, int inflight, int consecutiveFailures, Instant downUntil) {}
