package dev.edge.manage;

import dev.edge.config.EdgeOptions;
import dev.edge.config.Management;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns the management listener on, before the Spring context is created: a reactive web
 * application (Spring's web server is the management listener, on {@code --management-port} and
 * {@code --management-address}), with {@link ManagementConfiguration} as a source. Without the
 * option none of this runs and the context stays a plain one with no web server.
 */
public final class ManagementMode {

  /** The endpoints served, under {@code /actuator}. */
  static final List<String> ENDPOINTS =
      List.of(
          "health",
          "info",
          "metrics",
          "prometheus",
          "loggers",
          "threaddump",
          "diagnostics",
          "edge");

  private ManagementMode() {}

  /** Called once the options are parsed, while the environment is being prepared. */
  public static void enable(
      SpringApplication app, ConfigurableEnvironment env, EdgeOptions options) {
    Management management = options.management();
    app.setWebApplicationType(WebApplicationType.REACTIVE);
    app.addPrimarySources(List.of(ManagementConfiguration.class));
    // The options decide where the listener is: above application.yml and the environment.
    Map<String, Object> listener = new LinkedHashMap<>();
    listener.put("server.port", management.port());
    listener.put("server.address", management.address());
    env.getPropertySources().addFirst(new MapPropertySource("edgeManagementListener", listener));
    // What is served: below application.yml, so an operator may change it there.
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("management.endpoints.web.exposure.include", String.join(",", ENDPOINTS));
    defaults.put("management.endpoint.health.show-details", "always");
    defaults.put("management.endpoint.health.show-components", "always");
    defaults.put("management.endpoint.health.probes.enabled", "true");
    defaults.put("management.endpoint.health.group.liveness.include", "livenessState");
    defaults.put(
        "management.endpoint.health.group.readiness.include",
        options.https().enabled()
            ? "readinessState,config,apps,certificates"
            : "readinessState,config,apps");
    defaults.put("management.info.git.mode", "simple");
    env.getPropertySources().addLast(new MapPropertySource("edgeManagementDefaults", defaults));
  }
}
