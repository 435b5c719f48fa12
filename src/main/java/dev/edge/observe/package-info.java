/**
 * What the edge tells about itself: request ids, {@code /server}, {@code /status}, lifecycle events
 * and their numbered event log, metrics, the access log and the dashboard page under {@code
 * /_edge/}.
 */
package dev.edge.observe;
