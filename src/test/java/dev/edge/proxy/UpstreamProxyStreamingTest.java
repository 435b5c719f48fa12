package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.edgefile.HeaderRules.Edits;
import dev.edge.edgefile.Timeouts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** 20 MB each way, byte-exact, streamed (chunked and with a known length). */
class UpstreamProxyStreamingTest {

  static final int SIZE = 20 * 1024 * 1024;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestUpstream upstream;
  private TestEdge edge;

  @BeforeEach
  void start() {
    upstream = TestUpstream.start("a");
    edge = new TestEdge().to(upstream.uri());
  }

  @AfterEach
  void stop() {
    edge.close();
    upstream.close();
  }

  @Test
  void uploadsTwentyMegabytesChunkedByteExact() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(edge.uri("/upload"))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(UpstreamProxyStreamingTest::generated))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(SIZE + " " + TestUpstream.expectedSha256(SIZE));
  }

  @Test
  void uploadsTwentyMegabytesOfKnownLengthByteExact() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(edge.uri("/upload"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(generated().readAllBytes()))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(SIZE + " " + TestUpstream.expectedSha256(SIZE));
  }

  @Test
  void downloadsTwentyMegabytesChunkedByteExact() throws Exception {
    assertThat(download("/download?bytes=" + SIZE, null))
        .isEqualTo(TestUpstream.expectedSha256(SIZE));
  }

  @Test
  void downloadsTwentyMegabytesOfKnownLengthByteExact() throws Exception {
    assertThat(download("/download?length=true&bytes=" + SIZE, Integer.toString(SIZE)))
        .isEqualTo(TestUpstream.expectedSha256(SIZE));
  }

  @Test
  void aSmallBodyOfKnownLengthArrivesWhole() throws Exception {
    assertThat(download("/download?length=true&bytes=10000", "10000"))
        .isEqualTo(TestUpstream.expectedSha256(10000));
  }

  @Test
  void aClientThatGoesAwayMidDownloadFreesTheUpstream() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port())) {
      socket
          .getOutputStream()
          .write(
              ("GET /download?bytes=" + SIZE + " HTTP/1.1\r\nHost: e\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getInputStream().readNBytes(256 * 1024);
      assertThat(edge.state(upstream.uri()).inflight()).isEqualTo(1);
    }
    awaitIdle();
  }

  @Test
  void aBodyThatStallsLongerThanTheReadTimeoutCutsTheClientsConnection() throws Exception {
    edge.route(
        List.of(upstream.uri()),
        null,
        new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(30)),
        Edits.NONE,
        Edits.NONE);

    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(edge.uri("/stall")).build(),
            HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.statusCode()).as("headers went out before the stall").isEqualTo(200);
    try (InputStream body = response.body()) {
      assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
    }
    awaitIdle();
  }

  private void awaitIdle() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (edge.state(upstream.uri()).inflight() != 0) {
      assertThat(System.nanoTime()).as("the upstream was released").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private String download(String path, String expectedLength) throws Exception {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(edge.uri(path)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-length").orElse(null))
        .isEqualTo(expectedLength);
    MessageDigest digest = TestUpstream.sha256();
    long total = 0;
    try (InputStream body = response.body()) {
      byte[] buffer = new byte[16 * 1024];
      for (int n; (n = body.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        total += n;
      }
    }
    assertThat(total).isEqualTo(expectedLength == null ? SIZE : Long.parseLong(expectedLength));
    return HexFormat.of().formatHex(digest.digest());
  }

  private static InputStream generated() {
    int chunks = SIZE / TestUpstream.CHUNK;
    return new SequenceInputStream(
        Collections.enumeration(
            IntStream.range(0, chunks)
                .mapToObj(i -> new ByteArrayInputStream(TestUpstream.chunk(i, TestUpstream.CHUNK)))
                .toList()));
  }
}
