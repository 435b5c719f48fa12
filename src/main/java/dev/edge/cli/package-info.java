/**
 * The command-line client in the edge's jar ({@code java -jar edge.jar status|list|logs|...}):
 * finds a running edge's control socket in the run directory and drives it over HTTP, without
 * Spring.
 */
package dev.edge.cli;
