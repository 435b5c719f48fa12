/**
 * Per-app worker pools: the least-inflight scheduler, the bounded FIFO queue with its timeout, and
 * the leases that tie a request to a worker. No I/O happens here.
 */
package dev.edge.pool;
