/**
 * Bodies held by the edge between a fast side and a slow one: a request body read whole before a
 * worker is leased, a worker's response read as fast as the worker writes it and sent at the
 * client's pace. A {@link dev.edge.buffer.BodyBuffer} keeps the first bytes in memory and spills
 * the rest to a private temp file under {@link dev.edge.buffer.BufferDirectory}; file I/O runs on
 * the directory's own threads, never on an event loop.
 *
 * <p>Nothing here depends on the rest of the edge except {@link dev.edge.EdgeException}, so the
 * package can move with the request path (hub, cluster) unchanged.
 */
package dev.edge.buffer;
