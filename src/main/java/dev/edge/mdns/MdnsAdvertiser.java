package dev.edge.mdns;

import dev.edge.config.Mdns;
import dev.edge.edgefile.EdgeConfig;
import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.worker.DaemonThreads;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;

/**
 * Advertises the active config's {@link Advertisements} over mDNS while {@code --mdns} or the
 * Edgefile's {@code edge: {mdns: true}} asks for it. Each host gets its own jmdns instance (jmdns
 * publishes one A record per instance, its own host name), bound to the {@link AdvertisedAddress},
 * with one service registered on it.
 *
 * <p>All jmdns work (binding, probing, goodbyes, which block for seconds) runs on the {@code
 * edge-mdns} thread, never on an event loop; the state below is touched only there. Every change is
 * one {@code mdns_advertised} event (hosts added and removed, the URLs advertised now) and one
 * {@code edge: mDNS <url>} line per new URL; a failure to start is one {@code mdns_failed} event
 * and the edge serves on without mDNS (the next config reload tries again). On shutdown every host
 * is withdrawn with goodbye packets (TTL 0), instances in parallel.
 */
public final class MdnsAdvertiser {

  /** How long shutdown waits for the goodbyes (jmdns sends three, a second apart). */
  public static final Duration WITHDRAW_LIMIT = Duration.ofSeconds(8);

  private final Mdns options;
  private final EdgeEvents events;
  private final PrintStream console;
  private final ScheduledExecutorService thread = DaemonThreads.single("edge-mdns");
  private final Map<String, Published> published = new LinkedHashMap<>();
  private volatile CompletableFuture<Void> withdrawn;
  private volatile boolean asked;
  private InetAddress address;
  private int httpPort = -1;
  private int httpsPort = -1;
  private boolean started;

  /** A host being advertised: its jmdns instance and the service registered on it. */
  private record Published(JmDNS dns, ServiceInfo service, Advertisement advertisement) {}

  /**
   * @param options {@code --mdns} and {@code --mdns-interface}
   * @param events where {@code mdns_*} events go
   * @param console where the advertised URLs are printed
   */
  public MdnsAdvertiser(Mdns options, EdgeEvents events, PrintStream console) {
    this.options = options;
    this.events = events;
    this.console = console;
  }

  /** Starts advertising {@code config} once the listeners are bound (ports -1 when off). */
  public void start(EdgeConfig config, int httpPort, int httpsPort) {
    submit(
        config,
        () -> {
          this.httpPort = httpPort;
          this.httpsPort = httpsPort;
          started = true;
          apply(config, "start");
        });
  }

  /**
   * Advertises what a config reload asks for: hosts added, removed, or mDNS turned off; after a
   * failure to start, tries again.
   */
  public void update(EdgeConfig config) {
    submit(
        config,
        () -> {
          if (started && withdrawn == null) {
            apply(config, "config_reload");
          }
        });
  }

  /**
   * Runs {@code work} on the {@code edge-mdns} thread, which exists only once mDNS has been asked
   * for; after shutdown has begun, nothing more runs.
   */
  private void submit(EdgeConfig config, Runnable work) {
    if (!options.enabled() && !config.mdns() && !asked) {
      return;
    }
    asked = true;
    try {
      thread.execute(work);
    } catch (RejectedExecutionException e) {
      // shutting down: the hosts are being withdrawn
    }
  }

  /** Begins withdrawing every host (shutdown); nothing is advertised afterwards. */
  public void withdraw() {
    if (withdrawn == null && asked) {
      withdrawn = CompletableFuture.runAsync(() -> withdrawAll("shutdown"), thread);
      thread.shutdown();
    }
  }

  /** Waits until the goodbyes {@link #withdraw()} started have been sent, at most {@code limit}. */
  public void awaitWithdrawn(Duration limit) {
    CompletableFuture<Void> done = withdrawn;
    if (done == null) {
      return;
    }
    try {
      done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the edge stops anyway; the records expire with their TTL
    }
  }

  private void apply(EdgeConfig config, String trigger) {
    if (!options.enabled() && !config.mdns()) {
      if (!published.isEmpty()) {
        withdrawAll(trigger);
      }
      return;
    }
    if (address == null) {
      try {
        address = AdvertisedAddress.choose(options.networkInterface());
      } catch (IOException e) {
        fail(e.getMessage());
        return;
      }
    }
    Advertisements wanted = Advertisements.of(config, httpPort, httpsPort);
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<JmDNS> leaving = new ArrayList<>();
    for (Published current : List.copyOf(published.values())) {
      String host = current.advertisement().host();
      Advertisement next = wanted.hosts().get(host);
      if (next == null) {
        published.remove(host);
        leaving.add(current.dns());
        removed.add(host);
      } else if (!next.equals(current.advertisement())) {
        current.dns().unregisterService(current.service());
        ServiceInfo service = service(next);
        try {
          current.dns().registerService(service);
          published.put(host, new Published(current.dns(), service, next));
          changed.add(host);
        } catch (IOException | RuntimeException e) {
          published.remove(host);
          leaving.add(current.dns());
          removed.add(host);
        }
      }
    }
    goodbye(leaving);
    for (Advertisement advertisement : wanted.hosts().values()) {
      if (published.containsKey(advertisement.host())) {
        continue;
      }
      try {
        published.put(advertisement.host(), publish(advertisement));
        added.add(advertisement.host());
      } catch (IOException | RuntimeException e) {
        fail(
            "cannot advertise "
                + advertisement.host()
                + " on "
                + address.getHostAddress()
                + ": "
                + e);
        break;
      }
    }
    if (added.isEmpty() && removed.isEmpty() && changed.isEmpty()) {
      return;
    }
    for (String host : added) {
      console.println("edge: mDNS " + published.get(host).advertisement().url());
    }
    console.flush();
    events.emit(
        Event.MDNS_ADVERTISED,
        "address",
        address.getHostAddress(),
        "trigger",
        trigger,
        "added",
        added,
        "removed",
        removed,
        "changed",
        changed.isEmpty() ? null : changed,
        "urls",
        published.values().stream().map(p -> p.advertisement().url()).toList(),
        "skipped",
        wanted.skipped().isEmpty() ? null : wanted.skipped());
  }

  /** One jmdns instance named after the host's label, with its one service registered. */
  private Published publish(Advertisement advertisement) throws IOException {
    JmDNS dns = JmDNS.create(address, advertisement.label());
    try {
      ServiceInfo service = service(advertisement);
      dns.registerService(service);
      return new Published(dns, service, advertisement);
    } catch (IOException | RuntimeException e) {
      goodbye(List.of(dns));
      throw e;
    }
  }

  /** The host's service: instance name its label, TXT {@code path=}. */
  private static ServiceInfo service(Advertisement advertisement) {
    return ServiceInfo.create(
        advertisement.serviceType(),
        advertisement.label(),
        advertisement.port(),
        0,
        0,
        Map.of("path", advertisement.path()));
  }

  private void withdrawAll(String trigger) {
    List<String> hosts = List.copyOf(published.keySet());
    goodbye(published.values().stream().map(Published::dns).toList());
    published.clear();
    if (!hosts.isEmpty()) {
      events.emit(Event.MDNS_WITHDRAWN, "hosts", hosts, "trigger", trigger);
    }
  }

  /**
   * Closes {@code instances} in parallel: each unregisters its service and sends goodbyes (TTL 0)
   * for it and its A record, which takes jmdns about two seconds.
   */
  private static void goodbye(List<JmDNS> instances) {
    List<Thread> closers = new ArrayList<>();
    for (JmDNS dns : instances) {
      closers.add(DaemonThreads.start("edge-mdns-goodbye", () -> closeQuietly(dns), true));
    }
    for (Thread closer : closers) {
      try {
        closer.join(WITHDRAW_LIMIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void closeQuietly(JmDNS dns) {
    try {
      dns.close();
    } catch (IOException | RuntimeException e) {
      // the records expire with their TTL
    }
  }

  private void fail(String detail) {
    events.emit(
        Event.MDNS_FAILED,
        "interface",
        options.networkInterface(),
        "detail",
        detail + "; the edge serves on without mDNS");
  }
}
