/**
 * The edge server. Starting points: {@link dev.edge.EdgePipeline} (the request path, top to
 * bottom), {@link dev.edge.EdgeWiring} (how the parts are put together), {@link
 * dev.edge.worker.WorkerSupervisor} (worker processes) and {@link dev.edge.pool.AppPool} (the
 * scheduler and queue).
 */
package dev.edge;
