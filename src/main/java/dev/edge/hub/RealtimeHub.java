package dev.edge.hub;

import dev.edge.ExchangeRecorder;
import dev.edge.config.Realtime;
import dev.edge.control.AdminAccess;
import dev.edge.edgefile.EdgeConfig;
import dev.edge.edgefile.SiteRealtime;
import dev.edge.observe.EdgeEvents;
import dev.edge.proxy.WorkerForwarder;
import dev.edge.runtime.ActiveConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** The realtime hub as the rest of the edge sees it: its endpoints, statistics and meters. */
public final class RealtimeHub {

  private final Realtime settings;
  private final Hub hub;
  private final RealtimeEndpoint endpoint;
  private final PublishEndpoint publish;
  private final PresenceEndpoint presence;

  /** A hub whose clients' events go to the apps of {@code config} through {@code forwarder}. */
  public RealtimeHub(
      Realtime settings,
      HubState state,
      Supplier<ActiveConfig> config,
      WorkerForwarder forwarder,
      ExchangeRecorder recorder,
      AdminAccess access,
      EdgeEvents events) {
    this.settings = settings;
    this.hub = new Hub(state, events);
    this.endpoint =
        new RealtimeEndpoint(
            hub, new HubEvents(hub, config, forwarder, recorder, events), settings);
    this.publish = new PublishEndpoint(hub, settings.publishSecret());
    this.presence = new PresenceEndpoint(hub, access, settings.publishSecret());
  }

  /** The presence endpoint's path: the realtime path plus {@code /presence}. */
  public String presencePath() {
    return settings.path() + "/presence";
  }

  /** Answers {@code GET <realtime-path>/presence}. */
  public Mono<Void> presence(HttpServerRequest req, HttpServerResponse res) {
    return presence.serve(req, res);
  }

  /**
   * Takes the history settings from {@code config}: channels are edge-wide, so they keep the most
   * messages, for the longest time, any site asks for ({@code realtime: {history, historyTtl}}).
   */
  public void configure(EdgeConfig config) {
    int most = 0;
    java.time.Duration longest = null;
    boolean forever = false;
    for (EdgeConfig.Site site : config.sites().values()) {
      SiteRealtime realtime = site.realtime();
      if (realtime.history() > 0) {
        most = Math.max(most, realtime.history());
        if (realtime.historyTtl() == null) {
          forever = true;
        } else if (longest == null || realtime.historyTtl().compareTo(longest) > 0) {
          longest = realtime.historyTtl();
        }
      }
    }
    hub.keepHistory(most, forever ? null : longest);
  }

  /** Where clients connect ({@code --realtime-path}). */
  public String path() {
    return settings.path();
  }

  /** Accepts WebSocket clients. */
  public RealtimeEndpoint endpoint() {
    return endpoint;
  }

  /** {@code POST /publish}. */
  public PublishEndpoint publish() {
    return publish;
  }

  /** The hub itself. */
  public Hub hub() {
    return hub;
  }

  /** Registers the hub's gauges and counters ({@code edge_realtime_*}). */
  public void register(MeterRegistry registry) {
    Gauge.builder("edge.realtime.clients", hub, Hub::clients)
        .description("WebSocket clients the hub holds now")
        .register(registry);
    Gauge.builder("edge.realtime.channels", hub, Hub::channels)
        .description("Channels with at least one client now")
        .register(registry);
    counter(registry, "connections", "WebSocket clients accepted");
    counter(registry, "messages", "Messages received from clients");
    counter(registry, "deliveries", "Frames delivered to clients");
    counter(registry, "dropped", "Deliveries not made: the client was gone or too slow");
    counter(registry, "slow_consumers", "Clients closed because their send queue was full");
    counter(registry, "event_failures", "Client events the app did not answer with instructions");
    counter(registry, "published", "POST /publish requests applied");
  }

  private void counter(MeterRegistry registry, String name, String description) {
    FunctionCounter.builder("edge.realtime." + name, hub, h -> h.count(name))
        .description(description)
        .register(registry);
  }
}
