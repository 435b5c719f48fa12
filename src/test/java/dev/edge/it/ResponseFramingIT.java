package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PushbackInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the real edge writes on a client connection, read off a raw socket: an answer to {@code
 * HEAD} never has a body, the edge's own error answers included (from the guard, from {@code
 * ErrorResponder} through Reactor Netty, and from the fast path); and after a connection's last
 * request (it said {@code Connection: close}, it was HTTP/1.0 without keep-alive, or the edge
 * refused it) exactly one response goes out, then the connection ends, whatever bytes followed.
 */
class ResponseFramingIT {

  private static final String HOST = "Host: localhost\r\n";
  private static EdgeProcess edge;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeProcess.startReady(1, "--workers=1", "--read-timeout-ms=1000");
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  // ---- the last request: nothing after it is answered ----

  /** Last requests, each answered 200: the fast path, the general path, HTTP/1.0. */
  private static final Map<String, String> LAST =
      Map.of(
          "GET with Connection: close (fast path)",
          "GET /hello HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\n",
          "the misspelt Transfer-Encoding repro (general path)",
          "POST /echo HTTP/1.1\r\n"
              + HOST
              + "Transfer-Encodilg: chunked\r\nConnection: close\r\n\r\n",
          "HTTP/1.0 without keep-alive",
          "GET /hello HTTP/1.0\r\n" + HOST + "\r\n");

  /** What a client sends after its last request. */
  private static List<String> leftovers(int n) {
    return List.of(
        "A\r\n0123456789\r\n0\r\n\r\n",
        "garbage line\r\n",
        "GET /leftover-" + n + " HTTP/1.1\r\n" + HOST + "\r\n",
        "GET /leftover-" + n + " HTTP/1.1\r\nHo",
        "5\r\nhello\r\n0\r\n\r\nGET /leftover-" + n + " HTTP/1.1\r\n" + HOST + "\r\n");
  }

  @Test
  void afterTheLastRequestExactlyOneResponseThenTheEnd() throws Exception {
    List<String> failures = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, String> last : LAST.entrySet()) {
      for (String leftover : leftovers(n++)) {
        try (GuardSocket socket = new GuardSocket(edge.port(), 15_000)) {
          socket.send(last.getValue() + leftover);
          RawHttp.Response response = socket.read();
          if (response.status() != 200) {
            failures.add(last.getKey() + " + " + leftover + ": got " + response);
          } else if (!socket.closedByServer()) {
            failures.add(last.getKey() + " + " + leftover + ": more than one response");
          }
        }
      }
    }
    assertThat(failures).as("edge log: target/it-logs/").isEmpty();
    assertNoLeftoverWasRouted();
  }

  @Test
  void afterARefusalExactlyOneResponseThenTheEnd() throws Exception {
    String next = "GET /leftover-refused HTTP/1.1\r\n" + HOST + "\r\n";
    for (String refused :
        List.of(
            "GET /hello HTTP/1.1\r\n" + HOST + "Bad Header: x\r\n\r\n", // by the scanner
            "GET /%2e%2e/x HTTP/1.1\r\n" + HOST + "\r\n")) { // by check(), through Reactor Netty
      try (GuardSocket socket = new GuardSocket(edge.port(), 15_000)) {
        socket.send(refused + next);
        assertThat(socket.read().status()).as(refused).isEqualTo(400);
        assertThat(socket.closedByServer()).as(refused).isTrue();
      }
    }
    assertNoLeftoverWasRouted();
  }

  /** No request after a last one reached routing: none is in the access log. */
  private static void assertNoLeftoverWasRouted() throws Exception {
    String marker = "/marker-" + System.nanoTime();
    edge.get(marker);
    edge.awaitLine(marker, Duration.ofSeconds(10));
    assertThat(edge.lines("/leftover-")).isEmpty();
  }

  // ---- HEAD: headers, never a body ----

  /** Sends {@code request} and reads the response head; the connection stays open. */
  private static RawHttp.Response head(GuardSocket socket, String request) throws IOException {
    socket.send(request);
    return socket.read(true);
  }

  @Test
  void aHeadRefusedByTheGuardHasNoBody() throws Exception {
    try (GuardSocket socket = new GuardSocket(edge.port(), 15_000)) {
      RawHttp.Response response =
          head(socket, "HEAD /hello HTTP/1.1\r\n" + HOST + "Bad Header: x\r\n\r\n");
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.headers()).containsEntry("content-type", "application/problem+json");
      assertThat(Integer.parseInt(response.headers().get("content-length"))).isPositive();
      assertThat(socket.closedByServer()).as("EOF right after the head").isTrue();
    }
  }

  @Test
  void aHeadRefusedThroughReactorNettyHasNoBody() throws Exception {
    try (GuardSocket socket = new GuardSocket(edge.port(), 15_000)) {
      RawHttp.Response response = head(socket, "HEAD /%2e%2e/x HTTP/1.1\r\n" + HOST + "\r\n");
      assertThat(response.status()).isEqualTo(400);
      assertThat(Integer.parseInt(response.headers().get("content-length"))).isPositive();
      assertThat(socket.closedByServer()).as("EOF right after the head").isTrue();
    }
  }

  @Test
  void aHeadErrorOnAKeptAliveConnectionIsFollowedByTheNextResponseNotABody() throws Exception {
    // 405 from a built-in (ErrorResponder.respond), 504 from the fast path (ErrorResponder.problem)
    for (String target : List.of("/control/reload", "/sleep?ms=3000")) {
      RawHttp.Response get;
      try (GuardSocket socket = new GuardSocket(edge.port(), 15_000)) {
        socket.send("GET " + target + " HTTP/1.1\r\n" + HOST + "X-Request-Id: same\r\n\r\n");
        get = socket.read();
      }
      assertThat(get.body()).as(target).startsWith("{\"type\":\"about:blank\"");
      try (GuardSocket socket = new GuardSocket(edge.port(), 15_000)) {
        RawHttp.Response head =
            head(
                socket,
                "HEAD "
                    + target
                    + " HTTP/1.1\r\n"
                    + HOST
                    + "X-Request-Id: same\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\n"
                    + HOST
                    + "\r\n");
        assertThat(head.status()).as(target).isEqualTo(get.status()).isIn(405, 504);
        assertThat(head.headers()).as(target).isEqualTo(get.headers());
        assertThat(head.headers().get("content-length"))
            .as("the length of the GET's body")
            .isEqualTo(Integer.toString(get.body().length()));
        PushbackInputStream in = new PushbackInputStream(socket.in, 1);
        int first = in.read();
        assertThat((char) first).as("the next byte after the HEAD's head").isEqualTo('H');
        in.unread(first);
        RawHttp.Response next = RawHttp.read(in);
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("hello from edge\n");
      }
    }
  }
}
