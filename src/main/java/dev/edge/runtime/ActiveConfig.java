package dev.edge.runtime;

import dev.edge.edgefile.EdgeConfig;
import dev.edge.pool.AppPool;
import dev.edge.route.RouteTable;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * One immutable snapshot of what the edge serves: the config, its compiled route table and the
 * runtime of each app. The request path reads the current snapshot once per request, so a request
 * finishes on the snapshot it started with; a reload swaps the whole snapshot in one step.
 *
 * @param version the config's version
 * @param source the Edgefile, or null for the command-line config
 * @param config the normalized config
 * @param routes the compiled route table
 * @param apps the runtime of every app, by id
 * @param activatedAt when this snapshot became active
 */
public record ActiveConfig(
    String version,
    Path source,
    EdgeConfig config,
    RouteTable routes,
    Map<String, AppRuntime> apps,
    Instant activatedAt) {

  /** The pool of app {@code id}; the route table only names apps of this snapshot. */
  public AppPool pool(String id) {
    return apps.get(id).pool();
  }
}
