package dev.edge.observe;

import java.io.PrintStream;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lifecycle events: every event name the edge emits is in {@link Event}. Each event gets the next
 * sequence number of the event log ({@link #log()}, the last {@link #LOG_CAPACITY} events, read by
 * {@code /control/events}) and a timestamp. With {@code --json-logging} each event is one JSON
 * object on one line of stdout ({@code {"seq":42,"t":"<ISO-8601>","event":"worker_start",
 * "app":"demo",...}}); otherwise a human line {@code seq=42 worker_start app=demo worker=3 ...} in
 * the log, leaving out fields whose value is null (JSON keeps them).
 *
 * <p>Thread-safety: {@link #emit} may be called from any thread; JSON lines are written whole.
 */
public final class EdgeEvents {

  /** Every lifecycle event, by the name users see. */
  public enum Event {
    SERVER_START("server_start"),
    SERVER_STOP("server_stop"),
    SHUTDOWN_START("shutdown_start"),
    WORKER_START("worker_start"),
    WORKER_READY("worker_ready"),
    WORKER_EXIT("worker_exit"),
    WORKER_RESTART("worker_restart"),
    WORKER_RECYCLE("worker_recycle"),
    WORKER_ABANDON("worker_abandon"),
    WORKER_UNHEALTHY("worker_unhealthy"),
    WORKER_UNREACHABLE("worker_unreachable"),
    WORKER_START_TIMEOUT("worker_start_timeout"),
    WORKER_KILL("worker_kill"),
    ROLL_START("roll_start"),
    ROLL_COMPLETE("roll_complete"),
    ROLL_ABORT("roll_abort"),
    STALE_CLEANUP("stale_cleanup"),
    CONFIG_APPLIED("config_applied"),
    CONFIG_REJECTED("config_rejected"),
    CONFIG_ROLLED_BACK("config_rolled_back"),
    CONFIG_UNCHANGED("config_unchanged"),
    APP_RETIRED("app_retired"),
    APP_STOPPED("app_stopped"),
    APP_STARTED("app_started"),
    CERT_LOADED("cert_loaded"),
    CERT_OBTAINED("cert_obtained"),
    CERT_RENEWED("cert_renewed"),
    CERT_FAILED("cert_failed"),
    MDNS_ADVERTISED("mdns_advertised"),
    MDNS_WITHDRAWN("mdns_withdrawn"),
    MDNS_FAILED("mdns_failed"),
    REALTIME_EVENT_FAILED("realtime_event_failed"),
    REALTIME_SLOW_CONSUMER("realtime_slow_consumer");

    private final String id;

    Event(String id) {
      this.id = id;
    }

    /** The name in logs, e.g. {@code worker_start}. */
    public String id() {
      return id;
    }
  }

  /** How many events the event log keeps. */
  public static final int LOG_CAPACITY = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger("edge.events");

  private final boolean json;
  private final PrintStream out;
  private final JsonMapper mapper = JsonMapper.builder().build();
  private final java.util.List<Listener> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final SequencedRing<LoggedEvent> log = new SequencedRing<>(LOG_CAPACITY);

  /** Hears every event after it was written (the metrics count them). */
  @FunctionalInterface
  public interface Listener {
    /** Called on the emitting thread with the event and its alternating names and values. */
    void onEvent(Event event, Object... fields);
  }

  /** Adds a listener. */
  public void subscribe(Listener listener) {
    listeners.add(listener);
  }

  /** The value of field {@code name} among alternating names and values, or null. */
  public static Object field(Object[] fields, String name) {
    for (int i = 0; i + 1 < fields.length; i += 2) {
      if (name.equals(fields[i])) {
        return fields[i + 1];
      }
    }
    return null;
  }

  /**
   * @param json one JSON object per line on {@code out} instead of human log lines
   * @param out where JSON lines go
   */
  public EdgeEvents(boolean json, PrintStream out) {
    this.json = json;
    this.out = out;
  }

  /** The event log: every event emitted, numbered from 1 (see {@link SequencedRing}). */
  public SequencedRing<LoggedEvent> log() {
    return log;
  }

  /** Emits {@code event} with alternating field names and values. */
  public void emit(Event event, Object... fields) {
    LoggedEvent logged = log.append(seq -> LoggedEvent.of(seq, Instant.now(), event.id(), fields));
    write(event, logged, fields);
    for (Listener listener : listeners) {
      listener.onEvent(event, fields);
    }
  }

  private void write(Event event, LoggedEvent logged, Object... fields) {
    if (json) {
      String text = mapper.writeValueAsString(logged.document());
      synchronized (out) {
        out.println(text);
        out.flush();
      }
      return;
    }
    StringBuilder text = new StringBuilder("seq=").append(logged.seq()).append(' ');
    text.append(event.id());
    for (int i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i + 1] != null) {
        text.append(' ').append(fields[i]).append('=').append(fields[i + 1]);
      }
    }
    boolean bad =
        event == Event.WORKER_ABANDON
            || event == Event.ROLL_ABORT
            || event == Event.WORKER_UNHEALTHY
            || event == Event.WORKER_START_TIMEOUT
            || event == Event.WORKER_KILL
            || event == Event.CONFIG_REJECTED
            || event == Event.CONFIG_ROLLED_BACK
            || event == Event.MDNS_FAILED
            || event == Event.REALTIME_EVENT_FAILED
            || event == Event.REALTIME_SLOW_CONSUMER;
    if (bad) {
      LOG.warn("{}", text);
    } else {
      LOG.info("{}", text);
    }
  }
}
