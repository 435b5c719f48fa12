package dev.edge.config;

import java.nio.file.Path;

/**
 * How the edge buffers bodies between clients and workers, so that a client's speed never decides
 * how long a worker is busy (see {@code docs/edge/ARCHITECTURE.md}, "Buffering"). Routes may turn
 * either direction off or on in the Edgefile ({@code buffering: {request, response}}).
 *
 * @param requestMemoryBytes how much of one request body is kept in memory before the rest goes to
 *     a temp file
 * @param responseMemoryBytes how much of one response body is kept in memory before the rest goes
 *     to a temp file
 * @param responseMaxBytes the most of one response body the edge holds (memory and file); past it,
 *     reading from the worker pauses until the client catches up
 * @param directory the parent of the edge's private 0700 buffer directory
 */
public record Buffering(
    int requestMemoryBytes, int responseMemoryBytes, long responseMaxBytes, Path directory) {}
