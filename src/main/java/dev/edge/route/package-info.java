/**
 * The compiled route table: which route of which site takes a request, by host, path and method,
 * with the Edgefile's deterministic precedence.
 */
package dev.edge.route;
