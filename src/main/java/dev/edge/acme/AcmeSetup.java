package dev.edge.acme;

import dev.edge.config.Acme;
import dev.edge.config.EdgeOptions;
import dev.edge.config.OptionException;
import dev.edge.edgefile.EdgeConfig;
import dev.edge.edgefile.EdgeTls;
import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.tls.TlsCertificates;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/** Starts ACME from the edge's options and exposes its counts; called once by the wiring. */
public final class AcmeSetup {

  private AcmeSetup() {}

  /**
   * Starts keeping ACME certificates (null when ACME is off) for the names {@code --acme-domain}
   * gives and the hosts of every Edgefile site with {@code tls: {acme: true}}; a config reload
   * changes the names. The CA and account come from the {@code --acme-*} options, else the
   * Edgefile's edge-wide {@code tls:} section as it was at start. Stored certificates are served at
   * once; orders run on the ACME threads once the listeners are up.
   *
   * @param certificates the HTTPS certificates, or null when HTTPS is off
   */
  public static AcmeRenewals start(
      EdgeOptions options,
      TlsCertificates certificates,
      Supplier<EdgeConfig> config,
      EdgeEvents events) {
    Acme acme = options.https().acme();
    EdgeConfig initial = config.get();
    Set<String> names = names(acme, initial);
    if (!acme.enabled() && names.isEmpty()) {
      return null;
    }
    if (certificates == null) {
      throw new OptionException(
          "--no-https: the Edgefile asks for ACME certificates (tls: {acme: true}), which need"
              + " HTTPS (expected: HTTPS on)");
    }
    if (names.isEmpty()) {
      throw new OptionException(
          "--acme: no name to obtain a certificate for (expected: --acme-domain=a.com,b.com, or"
              + " an Edgefile site with tls: {acme: true})");
    }
    EdgeTls edgeWide = initial.tls();
    Boolean staging = acme.staging() != null ? acme.staging() : edgeWide.staging();
    URI directory =
        acme.directory() != null
            ? acme.directory()
            : edgeWide.directory() != null
                ? edgeWide.directory()
                : Boolean.TRUE.equals(staging) ? Acme.LETS_ENCRYPT_STAGING : Acme.LETS_ENCRYPT;
    Path trust = acme.trust() != null ? acme.trust() : edgeWide.trust();
    if (trust != null && !"https".equals(directory.getScheme())) {
      throw new OptionException(
          "--acme-trust: applies to an https:// --acme-directory, not " + directory);
    }
    String email = acme.email() != null ? acme.email() : edgeWide.email();
    List<String> challenges =
        acme.challenges().stream()
            .filter(type -> options.httpEnabled() || !type.equals(Acme.HTTP_01))
            .toList();
    CertificateStore store = new FileCertificateStore(options.https().certDir());
    AcmeRenewals renewals =
        new AcmeRenewals(
            new AcmeClient(
                new AcmeClient.Settings(directory, email, trust, challenges),
                store,
                certificates.challenges()),
            store,
            certificates,
            events,
            Clock.systemUTC());
    certificates.renewals(() -> renewalView(renewals));
    renewals.manage(names, "start");
    events.subscribe(
        (event, fields) -> {
          if (event == Event.SERVER_START) {
            renewals.begin();
          } else if (event == Event.CONFIG_APPLIED) {
            renewals.manage(names(acme, config.get()), "config_reload");
          }
        });
    return renewals;
  }

  /** The names to keep certificates for: {@code --acme-domain} and the ACME sites' hosts. */
  static Set<String> names(Acme acme, EdgeConfig config) {
    Set<String> names = new TreeSet<>(acme.domains());
    for (EdgeConfig.Site site : config.sites().values()) {
      if (site.tls().acme()) {
        site.hosts().stream().filter(host -> !host.startsWith("*")).forEach(names::add);
      }
    }
    return names;
  }

  private static Map<String, TlsCertificates.Renewal> renewalView(AcmeRenewals renewals) {
    Map<String, TlsCertificates.Renewal> view = new LinkedHashMap<>();
    renewals
        .states()
        .forEach(
            (domain, state) ->
                view.put(
                    domain, new TlsCertificates.Renewal(state.nextAttempt(), state.lastError())));
    return view;
  }

  /** rip's {@code metrics.acme} in {@code /diagnostics}: counted, and zero when ACME is off. */
  public static Map<String, Object> totals(AcmeRenewals renewals) {
    AcmeRenewals.Totals totals =
        renewals == null ? new AcmeRenewals.Totals(0, 0, 0) : renewals.totals();
    Map<String, Object> acme = new LinkedHashMap<>();
    acme.put("obtained", totals.obtained());
    acme.put("renewals", totals.renewals());
    acme.put("failures", totals.failures());
    return acme;
  }

  /** {@code edge_acme_orders_total{result=obtained|renewed|failed}}, from the ACME events. */
  public static void countOrders(MeterRegistry registry, EdgeEvents events) {
    Map<Event, Counter> counters = new EnumMap<>(Event.class);
    counters.put(Event.CERT_OBTAINED, acmeOrders(registry, "obtained"));
    counters.put(Event.CERT_RENEWED, acmeOrders(registry, "renewed"));
    Counter failed = acmeOrders(registry, "failed");
    events.subscribe(
        (event, fields) -> {
          Counter counter = counters.get(event);
          if (counter != null) {
            counter.increment();
          } else if (event == Event.CERT_FAILED
              && "acme".equals(EdgeEvents.field(fields, "source"))
              && EdgeEvents.field(fields, "failures") != null) {
            failed.increment();
          }
        });
  }

  private static Counter acmeOrders(MeterRegistry registry, String result) {
    return Counter.builder("edge.acme.orders")
        .description("ACME orders placed by the edge, by result")
        .tag("result", result)
        .register(registry);
  }
}
