package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fast path (bodyless GET and HEAD requests to an app, answered below Reactor Netty) against
 * the real edge and demo workers: it keeps pipelined requests in order with the general path on the
 * same connection, gives a worker slot back when the client leaves mid-request, and neither cuts a
 * request that outlasts the idle timeout nor keeps an idle connection past it.
 */
class FastPathIT {

  @Test
  void pipelinedRequestsOnBothPathsAreAnsweredInOrder() throws Exception {
    try (EdgeProcess edge = EdgeProcess.startReady(2, "--workers=2");
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port())) {
      socket.setSoTimeout(30_000);
      String[] requests = {
        "GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: p1\r\n\r\n",
        "GET /status HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: p2\r\n\r\n",
        "GET /sleep?ms=300 HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: p3\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: p4\r\nContent-Length: 5\r\n\r\n"
            + "abcde",
        "GET /bytes?n=70000 HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: p5\r\n\r\n",
        "GET /worker HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: p6\r\n\r\n",
        "HEAD /hello HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: p7\r\n\r\n",
        "GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: p8\r\nConnection: close\r\n\r\n"
      };
      OutputStream out = socket.getOutputStream();
      out.write(String.join("", requests).getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      List<RawHttp.Response> responses = new ArrayList<>();
      for (int i = 0; i < requests.length; i++) {
        responses.add(RawHttp.read(in, i == 6));
      }

      assertThat(responses).extracting(RawHttp.Response::status).containsOnly(200);
      assertThat(responses)
          .extracting(r -> r.headers().get("x-request-id"))
          .containsExactly("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8");
      assertThat(responses.get(0).body()).isEqualTo("hello from edge\n");
      assertThat(EdgeProcess.JSON.readTree(responses.get(1).body()).get("status").asString())
          .isEqualTo("healthy");
      assertThat(responses.get(3).body()).isEqualTo("abcde");
      assertThat(responses.get(4).body()).hasSize(70_000);
      assertThat(EdgeProcess.JSON.readTree(responses.get(5).body()).has("workerId")).isTrue();
      assertThat(responses.get(6).body()).isEmpty();
      assertThat(responses.get(7).body()).isEqualTo("hello from edge\n");
      assertThat(responses.get(7).headers()).containsEntry("connection", "close");
      assertThat(in.read()).as("closed after Connection: close").isEqualTo(-1);
    }
  }

  @Test
  void aClientThatLeavesMidRequestGivesItsWorkerSlotBack() throws Exception {
    try (EdgeProcess edge =
        EdgeProcess.startReady(1, "--workers=1", "--max-inflight=1", "--max-queue=0")) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port())) {
        socket
            .getOutputStream()
            .write(
                "GET /sleep?ms=5000 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
        edge.awaitApp("inflight", 1, Duration.ofSeconds(10));
      }
      edge.awaitApp("inflight", 0, Duration.ofSeconds(10));

      HttpResponse<String> next = edge.get("/hello");
      assertThat(next.statusCode()).isEqualTo(200);
      assertThat(next.body()).isEqualTo("hello from edge\n");
    }
  }

  @Test
  void theIdleTimeoutSparesARequestInFlightAndClosesTheIdleConnectionAfterIt() throws Exception {
    try (EdgeProcess edge = EdgeProcess.startReady(1, "--workers=1", "--idle-timeout-ms=500");
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "GET /sleep?ms=1500 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      RawHttp.Response slow = RawHttp.read(in);
      assertThat(slow.status()).isEqualTo(200);

      long idleFrom = System.nanoTime();
      int next;
      try {
        next = in.read();
      } catch (SocketTimeoutException e) {
        next = -2;
      }
      long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleFrom);
      assertThat(next).as("connection closed when idle").isEqualTo(-1);
      assertThat(idleMillis).isBetween(300L, 5_000L);
    }
  }
}
