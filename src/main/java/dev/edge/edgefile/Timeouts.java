package dev.edge.edgefile;

import java.time.Duration;

/**
 * Time limits of one route or app. Inherited edge, then app or site, then route.
 *
 * @param connect longest time to open a connection to an external upstream
 * @param read longest time to the response headers (and between reads of the response), as nginx's
 *     {@code proxy_read_timeout}
 * @param queue longest time a request may wait in an app's queue
 */
public record Timeouts(Duration connect, Duration read, Duration queue) {}
