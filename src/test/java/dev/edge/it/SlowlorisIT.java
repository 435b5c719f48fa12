package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client sending its request head one byte at a time is cut at the header timeout (2 s here) with
 * a 408, however steadily the bytes come, while other clients are served throughout; clients
 * dribbling their bodies on more connections than there are worker slots hold none of them (the
 * body is buffered before a worker is leased) and get a 408 at the request deadline.
 */
class SlowlorisIT {

  private static final long HEADER_TIMEOUT_MS = 2000;
  private static EdgeProcess edge;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeProcess.startReady(1, "--workers=1", "--header-timeout-ms=" + HEADER_TIMEOUT_MS);
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @Test
  void aSlowHeadIsCutAtTheHeaderTimeoutWhileOthersAreServed() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    List<Integer> statuses = new CopyOnWriteArrayList<>();
    Thread others =
        new Thread(
            () -> {
              while (running.get()) {
                try {
                  HttpResponse<String> r = edge.get("/hello");
                  statuses.add(r.statusCode());
                  Thread.sleep(100);
                } catch (Exception e) {
                  statuses.add(-1);
                }
              }
            });
    others.start();
    byte[] head = "GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes();
    long started;
    long cutAfter;
    RawHttp.Response response;
    try (GuardSocket slow = new GuardSocket(edge.port(), 20_000)) {
      started = System.nanoTime();
      Thread feeder =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 1000; i++) {
                    slow.send(new byte[] {i < head.length ? head[i] : (byte) 'x'});
                    Thread.sleep(250);
                  }
                } catch (Exception e) {
                  // the edge closed the connection: expected
                }
              });
      feeder.setDaemon(true);
      feeder.start();
      response = slow.read();
      cutAfter = (System.nanoTime() - started) / 1_000_000;
      assertThat(slow.closedByServer()).isTrue();
    }
    running.set(false);
    others.join(10_000);
    assertThat(response.status()).isEqualTo(408);
    assertThat(response.reason()).isEqualTo("request_timeout");
    assertThat(cutAfter).isBetween(HEADER_TIMEOUT_MS - 100, HEADER_TIMEOUT_MS + 1500);
    assertThat(statuses).hasSizeGreaterThan(5).containsOnly(200);
    assertThat(edge.lines("rejected request ")).anyMatch(l -> l.contains("request_timeout"));
  }

  @Test
  void aConnectionThatSendsNothingIsClosedWithoutAnAnswer() throws Exception {
    try (GuardSocket idle = new GuardSocket(edge.port(), 20_000)) {
      long started = System.nanoTime();
      assertThat(idle.closedByServer()).isTrue();
      long after = (System.nanoTime() - started) / 1_000_000;
      assertThat(after).isBetween(HEADER_TIMEOUT_MS - 100, HEADER_TIMEOUT_MS + 1500);
    }
    HttpResponse<String> still = edge.get("/hello");
    assertThat(still.statusCode()).isEqualTo(200);
  }

  @Test
  void dribbledBodiesOnEverySlotLeaveOthersServedThenGet408AtTheDeadline() throws Exception {
    int slots = 2 * 4;
    try (EdgeProcess small =
        EdgeProcess.startReady(2, "--workers=2", "--max-inflight=4", "--request-timeout-ms=4000")) {
      List<GuardSocket> dribblers = new java.util.ArrayList<>();
      for (int i = 0; i < slots; i++) {
        dribblers.add(
            new GuardSocket(small.port(), 20_000)
                .send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n"));
      }
      AtomicBoolean dribbling = new AtomicBoolean(true);
      Thread feeder =
          new Thread(
              () -> {
                while (dribbling.get()) {
                  for (GuardSocket socket : dribblers) {
                    try {
                      socket.send(new byte[] {'x'});
                    } catch (Exception e) {
                      // cut at the deadline: expected
                    }
                  }
                  try {
                    Thread.sleep(300);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      feeder.setDaemon(true);
      feeder.start();
      try {
        for (int i = 0; i < 5; i++) {
          HttpResponse<String> hello = small.get("/hello");
          assertThat(hello.statusCode()).isEqualTo(200);
          assertThat(hello.body()).isEqualTo("hello from edge\n");
        }
        assertThat(small.status().get("apps").get(0).get("inflight").asInt())
            .as("no worker slot held by a dribbled body")
            .isZero();
        for (GuardSocket socket : dribblers) {
          RawHttp.Response response = socket.read();
          assertThat(response.status()).isEqualTo(408);
          assertThat(response.reason()).isEqualTo("request_timeout");
          assertThat(socket.closedByServer()).isTrue();
        }
      } finally {
        dribbling.set(false);
        for (GuardSocket socket : dribblers) {
          socket.close();
        }
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (small.lines(" 408 - - POST /echo").size() < slots && System.nanoTime() < deadline) {
        Thread.sleep(50); // the access log is written by a background thread
      }
      assertThat(small.lines(" 408 - - POST /echo")).hasSize(slots);
      assertThat(small.lines(" 499 ")).isEmpty();
    }
  }
}
