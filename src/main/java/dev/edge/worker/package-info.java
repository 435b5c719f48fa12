/**
 * Worker processes: how a worker is launched (command, environment, socket directory), supervised
 * (readiness, exit, replacement with back-off, stop) and how its output is captured.
 */
package dev.edge.worker;
