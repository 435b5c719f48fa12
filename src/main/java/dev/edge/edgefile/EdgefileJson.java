package dev.edge.edgefile;

import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The normalized configuration as deterministic, pretty-printed JSON: keys in a fixed order, maps
 * in declaration order, durations as their shortest exact text ({@code 30s}), and paths under the
 * Edgefile's directory written as {@code ${EDGEFILE_DIR}/...}, so the output does not depend on
 * where the file lives. Used for golden files and {@code /status}. A site's {@code tls} and {@code
 * realtime} and the top-level {@code tls} appear only when they are set (unset values as null);
 * {@code mdns} only when {@code edge: {mdns: true}}.
 */
public final class EdgefileJson {

  /** What paths under the Edgefile's directory start with. */
  public static final String DIR_VARIABLE = "${EDGEFILE_DIR}";

  private final String base;

  private EdgefileJson(Path baseDir) {
    this.base = baseDir.toAbsolutePath().normalize().toString();
  }

  /** {@code config} as JSON, two-space indented, ending with a newline. */
  public static String write(EdgeConfig config, Path baseDir) {
    EdgefileJson json = new EdgefileJson(baseDir);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", config.version());
    Map<String, Object> apps = new LinkedHashMap<>();
    config.apps().forEach((id, app) -> apps.put(id, json.app(app)));
    root.put("apps", apps);
    Map<String, Object> sites = new LinkedHashMap<>();
    config.sites().forEach((name, site) -> sites.put(name, json.site(site)));
    root.put("sites", sites);
    if (!config.tls().equals(EdgeTls.NONE)) {
      root.put("tls", json.tls(config.tls()));
    }
    if (config.mdns()) {
      root.put("mdns", true);
    }
    StringBuilder out = new StringBuilder();
    JsonText.write(root, "", out);
    return out.append('\n').toString();
  }

  private Map<String, Object> app(AppDef app) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("launch", launch(app.launch()));
    out.put("transport", app.transport().name().toLowerCase(java.util.Locale.ROOT));
    out.put("scheduling", app.scheduling().name().toLowerCase(java.util.Locale.ROOT));
    out.put("workers", app.workers());
    out.put("maxInflight", app.maxInflight());
    out.put("maxQueue", app.maxQueue());
    out.put("timeouts", timeouts(app.timeouts()));
    out.put("startTimeout", Values.format(app.startTimeout()));
    out.put("javaOptions", app.javaOptions());
    out.put("env", new LinkedHashMap<String, Object>(app.env()));
    Map<String, Object> restart = new LinkedHashMap<>();
    restart.put("maxRestarts", app.restartPolicy().maxRestarts());
    restart.put("window", Values.format(app.restartPolicy().window()));
    out.put("restartPolicy", restart);
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("path", app.healthCheck().path());
    health.put("interval", Values.format(app.healthCheck().interval()));
    health.put("timeout", Values.format(app.healthCheck().timeout()));
    health.put("unhealthyThreshold", app.healthCheck().unhealthyThreshold());
    out.put("healthCheck", health);
    out.put("watch", paths(app.watch()));
    return out;
  }

  private Map<String, Object> launch(AppDef.Launch launch) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (launch instanceof AppDef.Launch.Jar jar) {
      out.put("jar", path(jar.jar().toString()));
    } else if (launch instanceof AppDef.Launch.MainClass main) {
      out.put("main", main.main());
      out.put("classpath", paths(main.classpath()));
    } else if (launch instanceof AppDef.Launch.Command command) {
      out.put("command", paths(command.argv()));
    } else if (launch instanceof AppDef.Launch.Builtin builtin) {
      out.put("builtin", builtin.name());
    }
    return out;
  }

  private Map<String, Object> site(EdgeConfig.Site site) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("hosts", site.hosts());
    List<Object> routes = new ArrayList<>();
    for (EdgeConfig.Route route : site.routes()) {
      routes.add(route(route));
    }
    out.put("routes", routes);
    if (!site.tls().equals(SiteTls.NONE)) {
      Map<String, Object> tls = new LinkedHashMap<>();
      tls.put("acme", site.tls().acme());
      tls.put("cert", site.tls().cert() == null ? null : path(site.tls().cert().toString()));
      tls.put("key", site.tls().key() == null ? null : path(site.tls().key().toString()));
      tls.put("redirectHttp", site.tls().redirectHttp());
      out.put("tls", tls);
    }
    if (!site.realtime().equals(SiteRealtime.NONE)) {
      out.put("realtime", realtime(site.realtime()));
    }
    return out;
  }

  private static Map<String, Object> realtime(SiteRealtime realtime) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("path", realtime.path());
    out.put("app", realtime.app());
    out.put("history", realtime.history());
    out.put(
        "historyTtl", realtime.historyTtl() == null ? null : Values.format(realtime.historyTtl()));
    return out;
  }

  private Map<String, Object> tls(EdgeTls tls) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("email", tls.email());
    out.put("directory", tls.directory() == null ? null : tls.directory().toString());
    out.put("staging", tls.staging());
    out.put("trust", tls.trust() == null ? null : path(tls.trust().toString()));
    return out;
  }

  private Map<String, Object> route(EdgeConfig.Route route) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("field", route.field());
    out.put("line", route.line());
    out.put("path", route.path().toString());
    out.put("methods", route.methods());
    out.put("priority", route.priority());
    out.put("action", action(route.action()));
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("request", edits(route.headers().request()));
    headers.put("response", edits(route.headers().response()));
    out.put("headers", headers);
    out.put("timeouts", timeouts(route.timeouts()));
    if (!route.limits().isNone()) {
      Map<String, Object> limits = new LinkedHashMap<>();
      limits.put("maxBody", route.limits().maxBodyBytes());
      limits.put("rateLimit", route.limits().rateLimit());
      limits.put("rateLimitWindow", Values.format(route.limits().rateLimitWindow()));
      out.put("limits", limits);
    }
    Map<String, Object> buffering = new LinkedHashMap<>();
    buffering.put("request", route.buffering().request());
    buffering.put("response", route.buffering().response());
    out.put("buffering", buffering);
    return out;
  }

  private Map<String, Object> action(RouteAction action) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (action instanceof RouteAction.ToApp app) {
      out.put("app", app.app());
    } else if (action instanceof RouteAction.Proxy proxy) {
      out.put("proxy", proxy.upstreams().stream().map(URI::toString).toList());
      out.put("host", proxy.host());
    } else if (action instanceof RouteAction.Static files) {
      out.put("static", path(files.dir().toString()));
      out.put("index", files.index());
      out.put("spa", files.spa());
    } else if (action instanceof RouteAction.Redirect redirect) {
      out.put("redirect", redirect.to());
      out.put("status", redirect.status());
    }
    return out;
  }

  private static Map<String, Object> edits(HeaderRules.Edits edits) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("set", new LinkedHashMap<String, Object>(edits.set()));
    out.put("remove", edits.remove());
    return out;
  }

  private static Map<String, Object> timeouts(Timeouts timeouts) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("connect", Values.format(timeouts.connect()));
    out.put("read", Values.format(timeouts.read()));
    out.put("queue", Values.format(timeouts.queue()));
    return out;
  }

  private List<Object> paths(List<String> paths) {
    return paths.stream().map(p -> (Object) path(p)).toList();
  }

  /** {@code path} with the Edgefile's directory replaced by {@code ${EDGEFILE_DIR}}. */
  private String path(String path) {
    if (path.equals(base)) {
      return DIR_VARIABLE;
    }
    String prefix = base.endsWith(File.separator) ? base : base + File.separator;
    if (path.startsWith(prefix)) {
      return DIR_VARIABLE + "/" + path.substring(prefix.length()).replace(File.separatorChar, '/');
    }
    return path;
  }
}
