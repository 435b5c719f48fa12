package dev.edge.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The keep-alive read stall {@link EdgeWorker#keepReading} works around (reactor-netty#4361): two
 * bodyless requests in one write, the first answered late and the second at once, then a third
 * request on the same connection. Reactor Netty 1.3.7 never reads the third one; with the
 * workaround, or on the 1.3.8 the edge runs on (which is why its listener goes without it), all
 * three are answered.
 */
class KeepReadingTest {

  private DisposableServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.disposeNow(Duration.ofSeconds(5));
    }
  }

  @Test
  void aConnectionKeepsReadingAfterABufferedRequestCompletesAtOnce() throws Exception {
    assertAnswersAllThree(EdgeWorker.keepReading(HttpServer.create()));
  }

  @Test
  void theEdgesOwnReactorNettyKeepsReadingWithoutTheWorkaround() throws Exception {
    assertAnswersAllThree(HttpServer.create());
  }

  private void assertAnswersAllThree(HttpServer http) throws Exception {
    server =
        http.host("127.0.0.1")
            .port(0)
            .handle(
                (req, res) ->
                    res.sendString(
                        req.uri().equals("/late")
                            ? Mono.delay(Duration.ofMillis(50)).thenReturn("late")
                            : Mono.just("now")))
            .bindNow();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout(3000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          ("GET /late HTTP/1.1\r\nHost: x\r\n\r\nGET /now HTTP/1.1\r\nHost: x\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(in)).endsWith("late");
      assertThat(readResponse(in)).endsWith("now");

      out.write("GET /third HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200 ").endsWith("now");
    }
  }

  /** One response with a {@code content-length} body; fails on a read timeout. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int next = in.read();
      assertThat(next).as("the connection closed mid-head").isNotEqualTo(-1);
      head.write(next);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = Integer.parseInt(text.replaceAll("(?is).*\r\ncontent-length: *(\\d+).*", "$1"));
    return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }
}
