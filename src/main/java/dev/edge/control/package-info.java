/**
 * Operating the edge: the control API ({@code /control/*} on the edge's listeners, for loopback
 * clients or the admin token, and the same operations on the control socket in the run directory),
 * the run directory's socket and pid files, and the admin endpoints {@code /diagnostics} and {@code
 * /metrics}.
 */
package dev.edge.control;
