package dev.edge.sdk;

import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import reactor.netty.http.server.HttpServerRequest;

/**
 * A realtime event as the edge sends it to the app: {@code POST /v1/realtime} (plus the WebSocket
 * upgrade's query string) with the frame type and the client's id in two headers.
 *
 * @param frame what happened on the client's WebSocket
 * @param clientId the client's id: 32 lower-case hex digits
 */
public record RealtimeEvent(Frame frame, String clientId) {

  /** The path of every realtime event. */
  public static final String PATH = "/v1/realtime";

  /** Header naming the frame type: {@code open}, {@code text}, {@code binary} or {@code close}. */
  public static final String FRAME_HEADER = "Sec-WebSocket-Frame";

  /** Header carrying the client's id. */
  public static final String CLIENT_ID_HEADER = "X-Edge-Client-Id";

  /** What happened on a client's WebSocket. */
  public enum Frame {
    /** The client connected; the body is empty. */
    OPEN,
    /** A text frame; the body is its payload, {@code text/plain; charset=utf-8}. */
    TEXT,
    /** A binary frame; the body is its payload, {@code application/octet-stream}. */
    BINARY,
    /** The client's connection ended; the body is empty. */
    CLOSE;

    /** The header value, lower case. */
    public String headerValue() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The frame a header value names (ignoring case), or empty if it names none. */
    public static Optional<Frame> parse(String value) {
      for (Frame frame : values()) {
        if (frame.headerValue().equalsIgnoreCase(value)) {
          return Optional.of(frame);
        }
      }
      return Optional.empty();
    }
  }

  /** Validates the fields; use {@link #read} to read them from a request. */
  public RealtimeEvent {
    if (frame == null) {
      throw new IllegalArgumentException("frame: expected one of open, text, binary, close");
    }
    if (!isClientId(clientId)) {
      throw new IllegalArgumentException(
          "client id: " + clientId + " (expected 32 lower-case hex digits)");
    }
  }

  /**
   * Reads the event from the request's headers, or empty if they do not describe one (a missing or
   * unknown frame type, a missing or malformed client id).
   */
  public static Optional<RealtimeEvent> read(HttpServerRequest request) {
    return read(name -> request.requestHeaders().get(name));
  }

  /**
   * Reads the event from headers looked up by name (for other servers, e.g. {@code name ->
   * request.headers().firstHeader(name)} in Spring WebFlux), or empty if they do not describe one.
   */
  public static Optional<RealtimeEvent> read(UnaryOperator<String> header) {
    String id = header.apply(CLIENT_ID_HEADER);
    if (!isClientId(id)) {
      return Optional.empty();
    }
    return Frame.parse(header.apply(FRAME_HEADER)).map(frame -> new RealtimeEvent(frame, id));
  }

  /** True for a well-formed client id: 32 lower-case hex digits. */
  public static boolean isClientId(String value) {
    if (value == null || value.length() != 32) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
