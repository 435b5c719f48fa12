/**
 * The running configuration: the active snapshot (route table and app pools) that every request
 * reads once, the apps' runtimes, and the reload pipeline that swaps snapshots atomically.
 */
package dev.edge.runtime;
