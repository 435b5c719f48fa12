/**
 * What the edge tells about itself: request ids, {@code /server}, {@code /status} and the dashboard
 * page under {@code /_edge/}.
 */
package dev.edge.observe;
