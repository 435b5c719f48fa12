package dev.edge.route;

import dev.edge.edgefile.EdgeConfig.Route;

/**
 * The route that takes a request.
 *
 * @param site the site's name
 * @param route the route
 * @param remainder the request path below the route's prefix ({@code /assets/a.js} under {@code
 *     /assets/*} is {@code /a.js}); the whole path for an exact route
 */
public record RouteMatch(String site, Route route, String remainder) {}
