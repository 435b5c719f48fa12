package dev.edge.it;

import static dev.edge.it.BodyClients.assertSameBytes;
import static dev.edge.it.BodyClients.closedByServer;
import static dev.edge.it.BodyClients.connect;
import static dev.edge.it.BodyClients.head;
import static dev.edge.it.BodyClients.randomBytes;
import static dev.edge.it.BodyClients.stream;
import static dev.edge.it.BodyClients.writeChunked;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Request and response buffering against the real edge and real demo workers, over raw sockets: a
 * client's speed (half-duplex, slow upload, slow download) never decides how long a worker is busy;
 * event streams and {@code X-Accel-Buffering: no} still stream; {@code Expect: 100-continue}, an
 * over-limit chunked body and a client leaving mid-body are answered as before; and no temp file
 * outlives its exchange however it ends. Each test has its own {@code --buffer-dir}, so the temp
 * files asserted on are that edge's alone. Assertions are on order (what had happened when), never
 * on durations.
 */
class BufferingIT {

  private static final String HELLO = "hello from edge\n";
  private static final int MIB = 1024 * 1024;

  @TempDir Path bufferDir;

  @Test
  void aHalfDuplexClientSendsItsWholeBodyBeforeReadingAndGetsItBack() throws Exception {
    try (EdgeProcess edge = start("--max-body-mb=64")) {
      byte[] body = randomBytes(20_000_000, 1);
      try (Socket socket = connect(edge)) {
        OutputStream out = socket.getOutputStream();
        out.write(head("POST /echo", "Content-Length: " + body.length));
        out.write(body);
        out.flush();
        RawHttp.Message echo = RawHttp.readMessage(socket.getInputStream(), false);
        assertThat(echo.statusLine()).startsWith("HTTP/1.1 200");
        assertSameBytes(echo.body(), body);
      }

      byte[] chunkedBody = randomBytes(20_000_000, 2);
      try (Socket socket = connect(edge)) {
        OutputStream out = socket.getOutputStream();
        out.write(head("POST /echo", "Transfer-Encoding: chunked"));
        writeChunked(out, chunkedBody, 0, chunkedBody.length, 61_440);
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        RawHttp.Message echo = RawHttp.readMessage(socket.getInputStream(), false);
        assertThat(echo.statusLine()).startsWith("HTTP/1.1 200");
        // the demo echo copies the request's Content-Length: the worker got one
        assertThat(echo.field("content-length")).isEqualTo(Integer.toString(chunkedBody.length));
        assertThat(echo.field("transfer-encoding")).isNull();
        assertSameBytes(echo.body(), chunkedBody);
      }
      awaitNoTempFiles();
    }
  }

  @Test
  void aSlowUploaderDoesNotHoldTheWorker() throws Exception {
    try (EdgeProcess edge = start("--max-inflight=1")) {
      byte[] body = randomBytes(2 * MIB, 3);
      AtomicLong sent = new AtomicLong();
      try (Socket socket = connect(edge)) {
        OutputStream out = socket.getOutputStream();
        CompletableFuture<Void> upload =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    out.write(head("POST /echo", "Content-Length: " + body.length));
                    out.flush();
                    for (int at = 0; at < body.length; at += 16 * 1024) {
                      int n = Math.min(16 * 1024, body.length - at);
                      out.write(body, at, n);
                      out.flush();
                      sent.addAndGet(n);
                      Thread.sleep(62); // about 256 KB/s
                    }
                  } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                });
        awaitAtLeast(sent, 128 * 1024, upload);
        for (int i = 0; i < 10; i++) {
          HttpResponse<String> hello = edge.get("/hello");
          assertThat(hello.statusCode()).isEqualTo(200);
          assertThat(hello.body()).isEqualTo(HELLO);
        }
        long sentWhenServed = sent.get();
        assertThat(sentWhenServed)
            .as("bytes of the upload sent when the tenth /hello was answered")
            .isLessThan(MIB);

        upload.get(120, TimeUnit.SECONDS);
        RawHttp.Message echo = RawHttp.readMessage(socket.getInputStream(), false);
        assertThat(echo.statusLine()).startsWith("HTTP/1.1 200");
        assertSameBytes(echo.body(), body);
      }
      awaitNoTempFiles();
    }
  }

  @Test
  void aSlowReaderDoesNotHoldTheWorker() throws Exception {
    try (EdgeProcess edge = start("--max-inflight=1")) {
      BodyClients.SlowReader reader = new BodyClients.SlowReader(edge, "/bytes?n=16777216");
      try {
        assertThat(reader.head.get(30, TimeUnit.SECONDS))
            .startsWith("HTTP/1.1 200")
            .containsIgnoringCase("content-length: 16777216");
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> hello = edge.get("/hello");
          assertThat(hello.statusCode()).isEqualTo(200);
          assertThat(hello.body()).isEqualTo(HELLO);
        }
        awaitWorkerIdle(edge);
        List<Path> files = tempFiles();
        assertThat(files).as("the response spilled to a temp file").hasSize(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))))
            .isEqualTo("rw-------");
        assertThat(reader.read.get())
            .as("bytes read by the slow reader so far")
            .isLessThan(16L * MIB);
        assertThat(reader.done.isDone()).isFalse();
      } finally {
        reader.close();
      }
      awaitNoTempFiles();
      assertThat(edge.get("/hello").body()).isEqualTo(HELLO);
    }
  }

  @Test
  void eventStreamsAndAccelBufferingNoStillStream() throws Exception {
    try (EdgeProcess edge = start()) {
      String expected = ": stream\n\ndata: event 1\n\ndata: event 2\n\ndata: event 3\n\n";

      BodyClients.Streamed events = stream(edge, "/events?n=3&ms=700");
      assertThat(events.head())
          .startsWith("HTTP/1.1 200")
          .containsIgnoringCase("text/event-stream");
      assertThat(events.beforeEventOne())
          .doesNotContain("data: event 3")
          .doesNotContain("\r\n0\r\n");
      assertThat(events.body()).isEqualTo(expected);

      BodyClients.Streamed plain = stream(edge, "/events?n=3&ms=700&accel=no");
      assertThat(plain.head()).startsWith("HTTP/1.1 200").containsIgnoringCase("text/plain");
      assertThat(plain.head().toLowerCase(java.util.Locale.ROOT))
          .doesNotContain("x-accel-buffering");
      assertThat(plain.beforeEventOne())
          .doesNotContain("data: event 3")
          .doesNotContain("\r\n0\r\n");
      assertThat(plain.body()).isEqualTo(expected);
      awaitNoTempFiles();
    }
  }

  @Test
  void expectContinueOnABufferedRoute() throws Exception {
    try (EdgeProcess edge = start()) {
      byte[] body = randomBytes(100_000, 4);
      try (Socket socket = connect(edge)) {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(head("POST /echo", "Content-Length: " + body.length, "Expect: 100-continue"));
        out.flush();
        RawHttp.Message interim = RawHttp.readMessage(in, false);
        assertThat(interim.statusLine()).isEqualTo("HTTP/1.1 100 Continue");
        out.write(body);
        out.flush();
        RawHttp.Message echo = RawHttp.readMessage(in, false);
        assertThat(echo.statusLine()).startsWith("HTTP/1.1 200");
        assertSameBytes(echo.body(), body);
      }
      awaitNoTempFiles();
    }
  }

  @Test
  void anOverLimitChunkedBodyIsRefusedBeforeAnyWorkerSeesIt() throws Exception {
    try (EdgeProcess edge = start()) {
      long before = workerRequests(edge);
      byte[] body = randomBytes(11 * MIB, 5);
      RawHttp.Response refused;
      CompletableFuture<Void> upload;
      try (Socket socket = connect(edge)) {
        OutputStream out = socket.getOutputStream();
        upload =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    out.write(head("POST /echo", "Transfer-Encoding: chunked"));
                    writeChunked(out, body, 0, body.length, 65_536);
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                  } catch (IOException e) {
                    // the edge stopped reading after its 413: expected
                  }
                });
        refused = RawHttp.read(socket.getInputStream());
      } // closing it ends the upload if the edge is still draining
      upload.get(60, TimeUnit.SECONDS);
      assertThat(refused.status()).isEqualTo(413);
      assertThat(refused.reason()).isEqualTo("body_too_large");
      long after = workerRequests(edge);
      assertThat(after - before).as("requests the worker handled: only the probe").isEqualTo(1);
      awaitNoTempFiles();
    }
  }

  @Test
  void aClientThatLeavesMidBodyIsLoggedAs499AndNotAsAWorkerFailure() throws Exception {
    try (EdgeProcess edge = start()) {
      try (Socket socket = connect(edge)) {
        socket.getOutputStream().write(head("POST /echo", "Content-Length: 10"));
        socket.getOutputStream().write("abc".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        Thread.sleep(300); // lets the edge take the request before the client leaves
      }
      awaitLog(edge, Pattern.compile("ms 499 .*POST /echo$"));
      JsonNode metrics = diagnostics(edge).get("metrics");
      assertThat(metrics.get("responses").get("5xx").asLong()).isZero();
      assertThat(metrics.get("rejected").has("worker_failed"))
          .as("rejections %s", metrics.get("rejected"))
          .isFalse();
      assertThat(edge.get("/hello").body()).isEqualTo(HELLO);
      awaitNoTempFiles();
    }
  }

  @Test
  void noTempFileOutlivesAnUploadThatCompletesIsAbandonedOrGoesSilent() throws Exception {
    try (EdgeProcess edge = start("--body-idle-timeout-ms=1000")) {
      // completes: a 2 MB upload spills, is echoed, and its files go
      byte[] body = randomBytes(2 * MIB, 6);
      try (Socket socket = connect(edge)) {
        socket.getOutputStream().write(head("POST /echo", "Content-Length: " + body.length));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
        RawHttp.Message echo = RawHttp.readMessage(socket.getInputStream(), false);
        assertThat(echo.statusLine()).startsWith("HTTP/1.1 200");
        assertSameBytes(echo.body(), body);
      }
      awaitNoTempFiles();

      // abandoned: 1 MB of a 4 MB body, then the client closes
      try (Socket socket = connect(edge)) {
        socket.getOutputStream().write(head("POST /echo", "Content-Length: " + 4 * MIB));
        socket.getOutputStream().write(randomBytes(MIB, 7));
        socket.getOutputStream().flush();
        awaitTempFiles(1);
      }
      awaitNoTempFiles();

      // silent: 256 KB of a 1 MB body, then nothing for longer than the body idle timeout
      try (Socket socket = connect(edge)) {
        socket.getOutputStream().write(head("POST /echo", "Content-Length: " + MIB));
        socket.getOutputStream().write(randomBytes(256 * 1024, 8));
        socket.getOutputStream().flush();
        awaitTempFiles(1);
        assertThat(closedByServer(socket.getInputStream())).as("connection cut").isTrue();
      }
      awaitNoTempFiles();
      assertThat(edge.get("/hello").body()).isEqualTo(HELLO);
    }
  }

  @Test
  void aWorkerKilledMidResponseLeavesNoTempFile() throws Exception {
    // At most 1 MiB held unread: the edge stops reading the worker, which stays mid-response.
    try (EdgeProcess edge = start("--response-buffer-max-mb=1")) {
      BodyClients.SlowReader reader = new BodyClients.SlowReader(edge, "/bytes?n=67108864");
      try {
        assertThat(reader.head.get(30, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
        awaitTempFiles(1);
        assertThat(status(edge).get("inflight").asInt()).as("worker still answering").isEqualTo(1);
        edge.get("/crash");
        awaitHello(edge);
        reader.fast.set(true);
        long read = reader.done.get(60, TimeUnit.SECONDS);
        assertThat(read).as("a cut response is never complete").isLessThan(64L * MIB);
        assertThat(reader.corrupt.get()).as("a byte other than x").isFalse();
      } finally {
        reader.close();
      }
      awaitNoTempFiles();
    }
  }

  @Test
  void aWorkerKilledAfterItsBufferedResponseLeavesTheClientItsWholeBody() throws Exception {
    try (EdgeProcess edge = start()) {
      BodyClients.SlowReader reader = new BodyClients.SlowReader(edge, "/bytes?n=16777216");
      try {
        assertThat(reader.head.get(30, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
        awaitWorkerIdle(edge); // the worker's response is complete: all of it is in the buffer
        assertThat(tempFiles()).hasSize(1);
        edge.get("/crash");
        awaitHello(edge);
        reader.fast.set(true);
        assertThat(reader.done.get(60, TimeUnit.SECONDS)).isEqualTo(16L * MIB);
        assertThat(reader.corrupt.get()).as("a byte other than x").isFalse();
      } finally {
        reader.close();
      }
      awaitNoTempFiles();
    }
  }

  // ---- helpers ----

  /** An edge with one demo worker and this test's buffer directory. */
  private EdgeProcess start(String... options) throws Exception {
    String[] all = new String[options.length + 2];
    all[0] = "--workers=1";
    all[1] = "--buffer-dir=" + bufferDir;
    System.arraycopy(options, 0, all, 2, options.length);
    return EdgeProcess.startReady(1, all);
  }

  /** Regular files anywhere under this test's buffer directory. */
  private List<Path> tempFiles() throws IOException {
    try (Stream<Path> paths = Files.walk(bufferDir)) {
      return paths.filter(Files::isRegularFile).toList();
    }
  }

  private void awaitTempFiles(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (tempFiles().size() != count) {
      assertThat(System.nanoTime())
          .as("%d temp files: %s", count, tempFiles())
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private void awaitNoTempFiles() throws Exception {
    awaitTempFiles(0);
  }

  private static void awaitAtLeast(AtomicLong value, long atLeast, CompletableFuture<?> worker)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (value.get() < atLeast) {
      if (worker.isDone()) {
        worker.get(); // throws what failed it
      }
      assertThat(System.nanoTime()).as("%d bytes sent", atLeast).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static JsonNode diagnostics(EdgeProcess edge) throws Exception {
    HttpResponse<String> response = edge.get("/diagnostics");
    assertThat(response.statusCode()).isEqualTo(200);
    return EdgeProcess.JSON.readTree(response.body());
  }

  private static JsonNode status(EdgeProcess edge) throws Exception {
    return edge.status().get("apps").get(0);
  }

  /** Waits until /diagnostics shows the app, and its one worker, with nothing in flight. */
  private static void awaitWorkerIdle(EdgeProcess edge) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      JsonNode app = diagnostics(edge).get("apps").get(0);
      JsonNode worker = app.get("workerTable").get(0);
      if (app.get("inflight").asInt() == 0 && worker.get("inflight").asInt() == 0) {
        return;
      }
      assertThat(System.nanoTime()).as("worker idle: %s", app).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Polls /hello until a worker answers it (after a crash, the replacement). */
  private static void awaitHello(EdgeProcess edge) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      HttpResponse<String> hello = edge.get("/hello");
      if (hello.statusCode() == 200) {
        assertThat(hello.body()).isEqualTo(HELLO);
        return;
      }
      assertThat(System.nanoTime()).as("/hello answered again").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static long workerRequests(EdgeProcess edge) throws Exception {
    HttpResponse<String> worker = edge.get("/worker");
    assertThat(worker.statusCode()).isEqualTo(200);
    return EdgeProcess.JSON.readTree(worker.body()).get("requests").asLong();
  }

  private static String awaitLog(EdgeProcess edge, Pattern pattern) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      for (String line : edge.output) {
        if (pattern.matcher(line).find()) {
          return line;
        }
      }
      assertThat(System.nanoTime())
          .as("a line matching %s; output: %s", pattern, edge.output)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
