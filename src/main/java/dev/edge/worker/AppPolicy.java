package dev.edge.worker;

import dev.edge.config.Supervision;
import dev.edge.edgefile.AppDef;

/** How one app's workers are supervised: the edge's settings, overridden by the app's own. */
final class AppPolicy {

  private AppPolicy() {}

  /** The edge-wide policy with the app's own health check, restart budget and watch list. */
  static Supervision supervision(Supervision edge, AppDef app) {
    return new Supervision(
        app.healthCheck().interval(),
        app.healthCheck().timeout(),
        app.healthCheck().unhealthyThreshold(),
        app.restartPolicy().maxRestarts(),
        app.restartPolicy().window(),
        edge.maxRequests(),
        edge.maxAge(),
        edge.drainTimeout(),
        edge.rollParallelism(),
        app.watch(),
        edge.watchDebounce(),
        edge.shutdownGrace());
  }
}
