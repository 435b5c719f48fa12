package dev.edge.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts failed TLS handshakes by reason, for {@code /diagnostics} ({@code tls.handshakeFailures})
 * and {@code edge_tls_handshake_failures_total{reason}}: {@code timeout}, {@code not_tls} (plain
 * HTTP or garbage on the HTTPS port), {@code protocol_version}, {@code no_shared_cipher}, {@code
 * no_certificate} (nothing to serve for the name asked), {@code certificate_rejected} (the client
 * refused ours), {@code closed} (the client left mid-handshake) and {@code other}.
 */
public final class HandshakeFailures {

  /** Every reason, in the order they are reported. */
  public static final List<String> REASONS =
      List.of(
          "timeout",
          "not_tls",
          "protocol_version",
          "no_shared_cipher",
          "no_certificate",
          "certificate_rejected",
          "closed",
          "other");

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final ChannelHandler handler = new Watcher();

  /**
   * @param registry where the counter is registered, or null (metrics off)
   */
  public HandshakeFailures(MeterRegistry registry) {
    for (String reason : REASONS) {
      counts.put(reason, new LongAdder());
      if (registry != null) {
        counters.put(
            reason,
            Counter.builder("edge.tls.handshake.failures")
                .description("TLS handshakes that failed, by reason")
                .tag("reason", reason)
                .register(registry));
      }
    }
  }

  /** The handler that watches one connection's handshake (shared; it keeps no state). */
  ChannelHandler handler() {
    return handler;
  }

  /** Counts by reason, every reason present. */
  public Map<String, Long> counts() {
    Map<String, Long> result = new LinkedHashMap<>();
    REASONS.forEach(reason -> result.put(reason, counts.get(reason).sum()));
    return result;
  }

  void record(Throwable cause) {
    String reason = reason(cause);
    counts.get(reason).increment();
    Counter counter = counters.get(reason);
    if (counter != null) {
      counter.increment();
    }
  }

  /** The reason a handshake failed with {@code cause}. */
  static String reason(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SslHandshakeTimeoutException) {
        return "timeout";
      }
      if (t instanceof NotSslRecordException) {
        return "not_tls";
      }
      if (t instanceof ClosedChannelException) {
        return "closed";
      }
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("cipher suites in common")) {
        return "no_shared_cipher";
      }
      if (message.contains("protocol") && !message.contains("application protocol")) {
        return "protocol_version";
      }
      if (message.contains("authentication scheme") || message.contains("no certificate")) {
        return "no_certificate";
      }
      if (message.contains("certificate_unknown")
          || message.contains("bad_certificate")
          || message.contains("unknown_ca")) {
        return "certificate_rejected";
      }
    }
    return "other";
  }

  @ChannelHandler.Sharable
  private final class Watcher extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent handshake) {
        if (!handshake.isSuccess()) {
          record(handshake.cause());
        }
        ctx.pipeline().remove(this);
      }
      ctx.fireUserEventTriggered(evt);
    }
  }
}
