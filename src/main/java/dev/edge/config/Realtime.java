package dev.edge.config;

import java.time.Duration;

/**
 * The realtime hub's options (see {@code docs/edge/CONTRACTS.md}, "Realtime hub").
 *
 * @param path where clients open WebSocket connections ({@code --realtime-path})
 * @param sendQueueMessages messages one client may have waiting to be written before it is closed
 *     as a slow consumer
 * @param sendQueueBytes bytes one client may have waiting to be written, likewise
 * @param maxFrameBytes the largest frame (or message) a client may send
 * @param maxClients WebSocket clients the edge holds at once
 * @param maxPerAddress clients one address may hold at once; 0 = no limit
 * @param messageRate messages one client may send per second (a burst of as many is allowed)
 * @param eventQueue events of one client that may wait for the app, behind the one being sent
 * @param pingInterval how often each client is pinged; one silent for two intervals is closed
 * @param publishSecret the bearer token {@code /publish} requires, or null (loopback only)
 */
public record Realtime(
    String path,
    int sendQueueMessages,
    long sendQueueBytes,
    int maxFrameBytes,
    int maxClients,
    int maxPerAddress,
    int messageRate,
    int eventQueue,
    Duration pingInterval,
    String publishSecret) {}
