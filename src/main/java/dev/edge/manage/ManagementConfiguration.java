package dev.edge.manage;

import dev.edge.EdgeParts;
import dev.edge.config.EdgeOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintStream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.info.InfoContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.info.InfoEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.logging.LoggersEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.management.ThreadDumpEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementContextAutoConfiguration;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.info.ProjectInfoAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsEndpointAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.actuate.endpoint.web.WebFluxHealthEndpointExtensionAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.error.ErrorWebFluxAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.server.WebFilter;
import reactor.netty.resources.LoopResources;

/**
 * The management listener's beans, added as a source only with {@code --management-port} (see
 * {@link ManagementMode}): the Actuator, health, WebFlux and Reactor Netty auto-configuration it
 * needs, named one by one like the rest of the edge's, and the edge's own contributors and
 * endpoints, each a thin adapter over a part the edge already has ({@link EdgeParts}).
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({
  ApplicationAvailabilityAutoConfiguration.class,
  ProjectInfoAutoConfiguration.class,
  JacksonAutoConfiguration.class,
  CodecsAutoConfiguration.class,
  NettyReactiveWebServerAutoConfiguration.class,
  HttpHandlerAutoConfiguration.class,
  WebFluxAutoConfiguration.class,
  ErrorWebFluxAutoConfiguration.class,
  EndpointAutoConfiguration.class,
  JacksonEndpointAutoConfiguration.class,
  WebEndpointAutoConfiguration.class,
  ManagementContextAutoConfiguration.class,
  HealthContributorAutoConfiguration.class,
  HealthContributorRegistryAutoConfiguration.class,
  HealthEndpointAutoConfiguration.class,
  AvailabilityHealthContributorAutoConfiguration.class,
  AvailabilityProbesAutoConfiguration.class,
  WebFluxHealthEndpointExtensionAutoConfiguration.class,
  InfoContributorAutoConfiguration.class,
  InfoEndpointAutoConfiguration.class,
  MetricsEndpointAutoConfiguration.class,
  LoggersEndpointAutoConfiguration.class,
  ThreadDumpEndpointAutoConfiguration.class
})
public class ManagementConfiguration {

  /**
   * The management server's own event loop (one thread, {@code edge-manage-*}), so a scrape or a
   * thread dump never waits behind client traffic on the data plane's loops, and closing the
   * management server never touches Reactor Netty's global resources the data plane runs on.
   */
  @Bean
  ReactorResourceFactory managementResources() {
    ReactorResourceFactory resources = new ReactorResourceFactory();
    resources.setUseGlobalResources(false);
    resources.setLoopResourcesSupplier(() -> LoopResources.create("edge-manage", 1, true));
    return resources;
  }

  /** Readiness: the config is active and the edge serving it. */
  @Bean
  HealthContributor config(EdgeParts edge) {
    return new ConfigHealth(edge.server(), edge.reloader());
  }

  /** Readiness: one contributor per app of the active config, UP with a READY worker. */
  @Bean
  HealthContributor apps(EdgeParts edge) {
    return new AppsHealth(edge.reloader());
  }

  /** Readiness: one contributor per certificate served (only with HTTPS on). */
  @Bean
  HealthContributor certificates(EdgeParts edge) {
    return edge.certificates() == null
        ? new CertificatesHealth(java.util.List::of)
        : new CertificatesHealth(edge.certificates()::describe);
  }

  /** {@code info.edge}: the edge's version and the active config's version. */
  @Bean
  InfoContributor edgeInfo(EdgeParts edge, @Value("${edge.version:dev}") String version) {
    return builder -> builder.withDetail("edge", EdgeActuator.info(version, edge.reloader()));
  }

  @Bean
  DiagnosticsActuator diagnosticsActuator(EdgeParts edge) {
    return new DiagnosticsActuator(edge.diagnostics());
  }

  @Bean
  EdgeActuator edgeActuator(EdgeParts edge) {
    return new EdgeActuator(edge.server(), edge.control());
  }

  /**
   * {@code /actuator/prometheus}: Actuator's scrape of the registry {@code /metrics} serves, after
   * the same refresh of the scrape-time meters.
   */
  @Bean
  PrometheusScrapeEndpoint prometheusEndpoint(
      PrometheusRegistry registry, PrometheusConfig config, EdgeParts edge) {
    return new PrometheusScrape(registry, config.prometheusProperties(), edge.beforeScrape());
  }

  /** Health for anyone (probes); everything else for loopback clients or the admin token. */
  @Bean
  WebFilter managementAccess(EdgeOptions options) {
    return new ManagementAccess(options.adminToken());
  }

  /** Prints the management URL once the listener is bound, as the edge prints its own. */
  @Bean
  ApplicationListener<WebServerInitializedEvent> managementUrl(EdgeOptions options) {
    PrintStream console = System.out;
    String address = options.management().address();
    String host = address.contains(":") ? "[" + address + "]" : address;
    return event -> {
      console.println(
          "edge: management http://" + host + ":" + event.getWebServer().getPort() + "/actuator");
      console.flush();
    };
  }
}
