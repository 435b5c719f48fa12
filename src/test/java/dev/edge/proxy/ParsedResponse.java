package dev.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a response parser made of a worker's bytes, in a form two parsers can be compared by: the
 * status, the header and trailer fields in order, the body, whether the connection is reusable,
 * whether it failed.
 *
 * @param status the status code, or 0 before a head
 * @param reason the reason phrase, or null
 * @param headers the header fields as {@code name: value}
 * @param body the body's bytes as ISO-8859-1 text
 * @param trailers the trailer fields as {@code name: value}
 * @param ended whether the response ended well
 * @param reusable whether the connection could carry another request
 * @param error why it failed, or null
 */
record ParsedResponse(
    int status,
    String reason,
    List<String> headers,
    String body,
    List<String> trailers,
    boolean ended,
    boolean reusable,
    String error) {

  /** The same response without its connection-level verdict (for a decoder that has none). */
  ParsedResponse framingOnly() {
    if (error != null) {
      return new ParsedResponse(status, null, List.of(), "", List.of(), false, false, "error");
    }
    return new ParsedResponse(status, reason, headers, body, trailers, ended, false, null);
  }

  static List<String> fields(HttpHeaders headers) {
    List<String> fields = new ArrayList<>();
    for (Map.Entry<CharSequence, CharSequence> field :
        (Iterable<Map.Entry<CharSequence, CharSequence>>) headers::iteratorCharSequence) {
      fields.add(field.getKey() + ": " + field.getValue());
    }
    return fields;
  }

  /**
   * Runs {@link WorkerResponseParser} on {@code parts}, one read each, then the connection's end
   * when {@code close}; every buffer it was given must be released by then.
   */
  static ParsedResponse parse(List<byte[]> parts, boolean headRequest, boolean close) {
    Recorder to = new Recorder();
    WorkerResponseParser parser = new WorkerResponseParser();
    parser.expect(headRequest);
    List<ByteBuf> given = new ArrayList<>();
    for (byte[] part : parts) {
      ByteBuf in = Unpooled.buffer(part.length).writeBytes(part);
      given.add(in);
      parser.read(in, to);
      if (to.ended) {
        parser.stop(); // as the handler does once the call ends
      }
    }
    if (close && !parser.closed(to) && to.error == null && !to.ended) {
      to.error = "closed before the response ended";
    }
    parser.stop();
    for (ByteBuf in : given) {
      if (in.refCnt() != 0) {
        throw new AssertionError("the parser kept a buffer it was given");
      }
    }
    return to.result();
  }

  /** Splits {@code bytes} at {@code at}. */
  static List<byte[]> split(byte[] bytes, int at) {
    byte[] first = new byte[at];
    byte[] second = new byte[bytes.length - at];
    System.arraycopy(bytes, 0, first, 0, at);
    System.arraycopy(bytes, at, second, 0, second.length);
    return List.of(first, second);
  }

  /** {@code bytes} one byte at a time. */
  static List<byte[]> bytewise(byte[] bytes) {
    List<byte[]> parts = new ArrayList<>();
    for (byte b : bytes) {
      parts.add(new byte[] {b});
    }
    return parts;
  }

  /** Records what a parser hands over, copying and releasing each body part. */
  static final class Recorder implements WorkerResponseParser.Receiver {
    private HttpResponse head;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private List<String> trailers = List.of();
    private boolean ended;
    private boolean reusable;
    private String error;

    @Override
    public void head(HttpResponse response) {
      if (head != null || ended || error != null) {
        throw new AssertionError("a second head");
      }
      head = response;
    }

    @Override
    public void body(ByteBuf part) {
      try {
        if (head == null || ended || error != null || !part.isReadable()) {
          throw new AssertionError("a body part out of place");
        }
        byte[] bytes = new byte[part.readableBytes()];
        part.readBytes(bytes);
        body.writeBytes(bytes);
      } finally {
        part.release();
      }
    }

    @Override
    public void last(HttpHeaders trailerFields, boolean connectionReusable) {
      if (head == null || ended || error != null) {
        throw new AssertionError("an end out of place");
      }
      ended = true;
      trailers = fields(trailerFields);
      reusable = connectionReusable;
    }

    @Override
    public void malformed(String reason) {
      if (ended || error != null) {
        throw new AssertionError("an error after the end");
      }
      error = reason;
    }

    ParsedResponse result() {
      return new ParsedResponse(
          head == null ? 0 : head.status().code(),
          head == null ? null : head.status().reasonPhrase(),
          head == null ? List.of() : fields(head.headers()),
          body.toString(StandardCharsets.ISO_8859_1),
          trailers,
          ended,
          reusable,
          error);
    }
  }
}
