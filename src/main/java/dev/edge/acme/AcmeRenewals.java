package dev.edge.acme;

import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.tls.ServedCertificate;
import dev.edge.tls.TlsCertificates;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps one ACME certificate per managed name: loads the stored one at start (no order while it is
 * valid and not due), orders one when there is none, renews it when {@link RenewalPolicy} says,
 * retries failures with back-off while the current certificate keeps serving, and swaps every new
 * certificate into {@link TlsCertificates} at once. Each name has at most one order in flight.
 *
 * <p>All ACME and store I/O runs on its own two daemon threads ({@code edge-acme-N}); a CA that is
 * down delays nothing but its own certificates.
 */
public final class AcmeRenewals implements AutoCloseable {

  /**
   * One managed name, for {@code /diagnostics} and the live page.
   *
   * @param domain the name
   * @param certificate the certificate served for it now, or null (none obtained yet)
   * @param nextAttempt when the edge next looks at it or retries, or null while an order runs
   * @param lastError why the last attempt failed, or null
   * @param failures failed attempts in a row
   */
  public record State(
      String domain,
      ServedCertificate certificate,
      Instant nextAttempt,
      String lastError,
      int failures) {}

  /**
   * Counts since start.
   *
   * @param obtained first certificates for a name
   * @param renewals certificates that replaced one
   * @param failures failed orders
   */
  public record Totals(long obtained, long renewals, long failures) {}

  private final AcmeClient client;
  private final CertificateStore store;
  private final TlsCertificates certificates;
  private final EdgeEvents events;
  private final Clock clock;
  private final ScheduledThreadPoolExecutor threads;
  private final Map<String, Managed> managed = new ConcurrentHashMap<>();
  private final AtomicLong obtained = new AtomicLong();
  private final AtomicLong renewals = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean begun;

  /** Renewals through {@code client}, kept in {@code store}, served by {@code certificates}. */
  public AcmeRenewals(
      AcmeClient client,
      CertificateStore store,
      TlsCertificates certificates,
      EdgeEvents events,
      Clock clock) {
    this.client = client;
    this.store = store;
    this.certificates = certificates;
    this.events = events;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.threads =
        new ScheduledThreadPoolExecutor(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "edge-acme-" + n.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    threads.setRemoveOnCancelPolicy(true);
  }

  /**
   * Manages exactly {@code names} from now on: a new name's stored certificate is served at once
   * (read on the caller's thread) and its first look is scheduled (once {@link #begin} has run); a
   * name no longer wanted stops being renewed and served.
   *
   * @param trigger what asked ({@code start}, {@code config_reload}), for events
   */
  public synchronized void manage(Set<String> names, String trigger) {
    for (String name : List.copyOf(managed.keySet())) {
      if (!names.contains(name)) {
        managed.remove(name).stop();
        certificates.dropAcme(name);
      }
    }
    for (String name : names) {
      if (!managed.containsKey(name)) {
        Managed domain = new Managed(name);
        managed.put(name, domain);
        domain.loadStored(trigger);
        if (begun) {
          domain.lookAt(clock.instant());
        }
      }
    }
  }

  /**
   * Starts looking at every managed name: orders need the listeners that answer the challenges, so
   * the edge calls this once they are bound. Until then stored certificates are served and nothing
   * is ordered.
   */
  public synchronized void begin() {
    begun = true;
    managed.values().forEach(domain -> domain.lookAt(clock.instant()));
  }

  /**
   * Orders new certificates now for {@code domain}, or for every managed name when it is null.
   *
   * @return the names that will be renewed (empty: {@code domain} is not managed)
   */
  public List<String> renewNow(String domain) {
    List<String> names = new ArrayList<>();
    for (Managed each : managed.values()) {
      if (domain == null || each.name.equals(domain)) {
        each.force = true;
        each.lookAt(clock.instant());
        names.add(each.name);
      }
    }
    return names;
  }

  /** Every managed name's state, by name. */
  public Map<String, State> states() {
    Map<String, State> states = new LinkedHashMap<>();
    managed.values().stream()
        .sorted((a, b) -> a.name.compareTo(b.name))
        .forEach(each -> states.put(each.name, each.state()));
    return states;
  }

  /** Counts since start. */
  public Totals totals() {
    return new Totals(obtained.get(), renewals.get(), failures.get());
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }

  /** One name's certificate and schedule; its looks never overlap. */
  private final class Managed {
    private final String name;
    private volatile ServedCertificate current;
    private volatile Instant next;
    private volatile String lastError;
    private volatile int failedInARow;
    private volatile boolean force;
    private volatile boolean stopped;
    private boolean running;
    private boolean again;
    private ScheduledFuture<?> timer;

    Managed(String name) {
      this.name = name;
    }

    State state() {
      return new State(name, current, next, lastError, failedInARow);
    }

    void loadStored(String trigger) {
      try {
        Optional<CertificateStore.Stored> stored = store.load(name);
        if (stored.isPresent()
            && stored.get().chain().get(0).getNotAfter().toInstant().isAfter(now())) {
          current =
              ServedCertificate.of(
                  ServedCertificate.Source.ACME, stored.get().chain(), stored.get().key());
          certificates.acme(name, current, trigger);
        }
      } catch (IOException e) {
        storeFailed("the stored certificate cannot be read: " + e.getMessage(), "trigger", trigger);
      }
    }

    synchronized void lookAt(Instant at) {
      if (stopped) {
        return;
      }
      if (timer != null) {
        timer.cancel(false);
      }
      next = at;
      long delay = Math.max(0, Duration.between(now(), at).toMillis());
      timer = threads.schedule(this::look, delay, TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
      stopped = true;
      if (timer != null) {
        timer.cancel(false);
      }
    }

    private void look() {
      synchronized (this) {
        if (running) {
          again = true; // the look in progress schedules another when it ends
          return;
        }
        running = true;
        next = null;
      }
      try {
        ServedCertificate serving = current;
        if (serving != null && !force) {
          Instant renewAt =
              RenewalPolicy.renewAt(serving.leaf(), client.suggestedRenewal(serving.leaf()));
          if (renewAt.isAfter(now())) {
            lookAt(RenewalPolicy.nextLook(now(), renewAt));
            return;
          }
        }
        force = false;
        order(serving);
      } catch (RuntimeException e) {
        failed("unexpected " + e);
      } finally {
        boolean repeat;
        synchronized (this) {
          running = false;
          repeat = again;
          again = false;
        }
        if (repeat) {
          lookAt(now());
        }
      }
    }

    private void order(ServedCertificate replacing) {
      CertificateStore.Stored issued;
      try {
        issued = client.order(name, replacing == null ? null : replacing.leaf());
      } catch (AcmeClient.OrderFailed e) {
        failed(e.getMessage());
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      ServedCertificate fresh =
          ServedCertificate.of(ServedCertificate.Source.ACME, issued.chain(), issued.key());
      current = fresh;
      failedInARow = 0;
      lastError = null;
      certificates.acme(name, fresh, null);
      (replacing == null ? obtained : renewals).incrementAndGet();
      events.emit(
          replacing == null ? Event.CERT_OBTAINED : Event.CERT_RENEWED,
          "domain",
          name,
          "serial",
          fresh.serial(),
          "issuer",
          fresh.issuer(),
          "notAfter",
          fresh.notAfter().toString(),
          "replaced",
          replacing == null ? null : replacing.serial());
      try {
        store.save(name, issued);
      } catch (IOException e) {
        lastError = "served, but not stored in " + store.location() + ": " + e.getMessage();
        storeFailed(lastError, "stage", "store");
      }
      Instant renewAt = RenewalPolicy.renewAt(fresh.leaf(), client.suggestedRenewal(fresh.leaf()));
      lookAt(RenewalPolicy.nextLook(now(), renewAt));
    }

    /** {@code cert_failed} for the store (not an order): no retry is scheduled by it. */
    private void storeFailed(String reason, String key, String value) {
      events.emit(
          Event.CERT_FAILED, "source", "acme", "domain", name, "reason", reason, key, value);
    }

    private void failed(String reason) {
      int count = ++failedInARow;
      lastError = reason;
      failures.incrementAndGet();
      Instant retry = now().plus(RenewalPolicy.retryAfter(count));
      events.emit(
          Event.CERT_FAILED,
          "source",
          "acme",
          "domain",
          name,
          "reason",
          reason,
          "failures",
          count,
          "nextAttempt",
          retry.toString(),
          "serving",
          current == null ? null : current.serial());
      lookAt(retry);
    }

    private Instant now() {
      return clock.instant();
    }
  }
}
