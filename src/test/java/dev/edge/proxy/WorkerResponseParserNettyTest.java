package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link WorkerResponseParser} against Netty's response decoder (as the worker hop configured it
 * before: {@link HttpClientCodec}, 8192-byte initial line, 32 KiB of headers, no validation) on a
 * corpus of responses: the same status, headers, body, trailers, and error or not. Where the parser
 * is stricter on purpose (it refuses what Netty would guess at), the case says so and the parser
 * must refuse it.
 */
class WorkerResponseParserNettyTest {

  private static final String OK = "HTTP/1.1 200 OK\r\n";

  static Stream<Arguments> corpus() {
    return Stream.of(
        same(OK + "Content-Length: 5\r\n\r\nhello"),
        same(OK + "Content-Length: 0\r\n\r\n"),
        same("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nno!"),
        same(
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\nX-A: 1\r\nX-A: 2\r\n\r\n:("),
        same(OK + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        same(OK + "Transfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n1;c\r\n!\r\n0\r\n\r\n"),
        same(OK + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\n"),
        same(OK + "Transfer-Encoding: chunked\r\n\r\nff\r\n" + "x".repeat(255) + "\r\n0\r\n\r\n"),
        same(OK + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nContent-Length: 5\r\n\r\n"),
        same(OK + "transfer-encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n"),
        same("HTTP/1.1 100 Continue\r\n\r\n" + OK + "Content-Length: 2\r\n\r\nok"),
        same("HTTP/1.1 102 Processing\r\nX: y\r\n\r\n" + OK + "Content-Length: 2\r\n\r\nok"),
        same("HTTP/1.1 204 No Content\r\nDate: today\r\n\r\n"),
        same("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 99\r\n\r\n"),
        head(OK + "Content-Length: 1234\r\nContent-Type: text/html\r\n\r\n"),
        head("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n"),
        closed(OK + "Content-Type: text/plain\r\n\r\nuntil the end"),
        closed("HTTP/1.0 200 OK\r\n\r\nold style"),
        closed(OK + "Transfer-Encoding: gzip\r\n\r\nnot chunked"),
        same("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\na"),
        same(OK + "Connection: close\r\nContent-Length: 1\r\n\r\na"),
        same(OK + "X-Fold: a\r\n b\r\n\tc\r\nContent-Length: 0\r\n\r\n"),
        same(OK + "X-Spaces:    padded   \r\nContent-Length: 0\r\n\r\n"),
        same(OK + "X-Empty:\r\nContent-Length: 0\r\n\r\n"),
        same("HTTP/1.1 200 All Good\r\nContent-Length: 0\r\n\r\n"),
        same("HTTP/1.1 299 \r\nContent-Length: 0\r\n\r\n"),
        same("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"),
        same("HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\n\r\n"),
        same("\r\n\r\n" + OK + "Content-Length: 0\r\n\r\n"),
        same("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi"),
        same(OK + "Transfer-Encoding: chunked\r\n\r\n1\r\na\n0\r\n\r\n"),
        same(OK + "Transfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n"),
        stricter(OK + "Content-Length: 2\r\nX: a\rb\r\n\r\nhi"), // Netty drops the CR
        same(OK + "Content-Length: 2\r\nX : a\r\n\r\nhi"),
        same(OK + "Transfer-Encoding: chunked\r\n\r\n1 ; ext\r\na\r\n0\r\n\r\n"),
        same(OK + "X-Latin: caf\u00e9\r\nContent-Length: 0\r\n\r\n"),
        same(OK + "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n"),
        same(OK + "Content-Length: -1\r\n\r\n"),
        same(OK + "Content-Length: abc\r\n\r\n"),
        same(OK + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
        same(OK + "Content-Length: 1,1\r\n\r\na"),
        same(OK + "Content-Length: 1\r\nContent-Length: 1\r\n\r\na"),
        same(OK + "Transfer-Encoding: chunked\r\n\r\nxyz\r\n"),
        same("HTTP/1.1 200 " + "x".repeat(9000) + "\r\n\r\n"),
        same(OK + ("X: " + "y".repeat(1000) + "\r\n").repeat(40) + "\r\n"),
        same("garbage\r\n\r\n"),
        stricter(OK + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        stricter(OK + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
        stricter("HTTP/1.1 200 OK\r\nOops\r\n\r\n"),
        stricter("HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n"));
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void agreesWithNettysDecoder(String wire, boolean headRequest, boolean close, boolean stricter) {
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    ParsedResponse ours = ParsedResponse.parse(List.of(bytes), headRequest, close);
    if (stricter) {
      assertThat(ours.error()).as("refused").isNotNull();
      return;
    }
    ParsedResponse netty = netty(bytes, headRequest, close);
    assertThat(ours.framingOnly()).isEqualTo(netty);
  }

  /** What Netty's client codec, set up as the hop had it, makes of {@code bytes}. */
  private static ParsedResponse netty(byte[] bytes, boolean headRequest, boolean close) {
    HttpDecoderConfig config =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(32 * 1024)
            .setMaxChunkSize(64 * 1024)
            .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(false));
    EmbeddedChannel channel = new EmbeddedChannel(new HttpClientCodec(config, false, false));
    channel.writeOutbound(
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, headRequest ? HttpMethod.HEAD : HttpMethod.GET, "/"));
    for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
      ReferenceCountUtil.release(out);
    }
    channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    if (close) {
      channel.finish();
    }
    HttpResponse head = null;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    List<String> trailers = List.of();
    boolean ended = false;
    String error = null;
    boolean informational = false;
    for (Object in = channel.readInbound(); in != null; in = channel.readInbound()) {
      HttpObject message = (HttpObject) in;
      try {
        if (ended || error != null) {
          continue; // what follows the first response is not this test's
        }
        if (message.decoderResult().isFailure()) {
          error = "error";
          continue;
        }
        if (message instanceof HttpResponse response) {
          informational =
              response.status().codeClass() == HttpStatusClass.INFORMATIONAL
                  && response.status().code() != 101;
          if (!informational) {
            head = response;
          }
        }
        if (message instanceof HttpContent content && !informational) {
          ByteBuf data = content.content();
          byte[] part = new byte[data.readableBytes()];
          data.getBytes(data.readerIndex(), part);
          body.writeBytes(part);
          if (content instanceof LastHttpContent last) {
            ended = true;
            trailers = ParsedResponse.fields(last.trailingHeaders());
          }
        }
      } finally {
        ReferenceCountUtil.release(in);
      }
    }
    channel.finishAndReleaseAll();
    return new ParsedResponse(
            head == null ? 0 : head.status().code(),
            head == null ? null : head.status().reasonPhrase(),
            head == null ? List.of() : ParsedResponse.fields(head.headers()),
            body.toString(StandardCharsets.ISO_8859_1),
            trailers,
            ended && error == null,
            false,
            error)
        .framingOnly();
  }

  private static Arguments same(String wire) {
    return Arguments.of(wire, false, false, false);
  }

  private static Arguments head(String wire) {
    return Arguments.of(wire, true, false, false);
  }

  private static Arguments closed(String wire) {
    return Arguments.of(wire, false, true, false);
  }

  private static Arguments stricter(String wire) {
    return Arguments.of(wire, false, false, true);
  }
}
