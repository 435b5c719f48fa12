package dev.edge.runtime;

import dev.edge.observe.EdgeEvents;
import dev.edge.worker.SocketDirectory;
import java.nio.file.Path;

/**
 * What every app runtime of this edge shares.
 *
 * @param sockets the edge's socket directory
 * @param cacheDir where derived files (the demo's class-data archive) are kept
 * @param events the lifecycle event log
 */
public record AppServices(SocketDirectory sockets, Path cacheDir, EdgeEvents events) {}
