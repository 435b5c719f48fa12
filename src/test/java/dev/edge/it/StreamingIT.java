package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 200 MB through the edge each way, with the edge's heap capped at 48 MB and direct memory at 32
 * MB: if the edge buffered a body instead of streaming it, it would run out of memory.
 */
class StreamingIT {

  private static final long SIZE = 200_000_000L;
  private static EdgeProcess edge;

  @BeforeAll
  static void start() throws Exception {
    edge =
        EdgeProcess.start(
            List.of("-Xmx48m", "-XX:MaxDirectMemorySize=32m"), "--workers=1", "--max-body-mb=0");
    edge.awaitReady(1);
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @Test
  void downloadsALargeBodyInConstantMemory() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port())) {
      socket
          .getOutputStream()
          .write(
              ("GET /bytes?n=" + SIZE + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String head = RawHttp.readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: " + SIZE);
      assertThat(countX(in)).isEqualTo(SIZE);
    }
    assertThat(edge.process.isAlive()).isTrue();
    assertThat(edge.lines("OutOfMemoryError")).isEmpty();
  }

  @Test
  void uploadsAndEchoesALargeBodyInConstantMemory() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port())) {
      OutputStream out = socket.getOutputStream();
      CompletableFuture<Void> upload =
          CompletableFuture.runAsync(
              () -> {
                try {
                  out.write(
                      ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                              + SIZE
                              + "\r\nConnection: close\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                  byte[] chunk = new byte[64 * 1024];
                  java.util.Arrays.fill(chunk, (byte) 'x');
                  for (long left = SIZE; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, left));
                  }
                  out.flush();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      InputStream in = socket.getInputStream();
      String head = RawHttp.readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200");
      assertThat(countX(in)).isEqualTo(SIZE);
      upload.get(60, TimeUnit.SECONDS);
    }
    assertThat(edge.process.isAlive()).isTrue();
    assertThat(edge.status().get("status").asString()).isEqualTo("healthy");
  }

  /** Counts bytes to EOF, failing on anything but 'x'. */
  private static long countX(InputStream in) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    int read;
    while ((read = in.read(buffer)) >= 0) {
      for (int i = 0; i < read; i++) {
        if (buffer[i] != 'x') {
          throw new AssertionError("unexpected byte " + buffer[i] + " at offset " + (total + i));
        }
      }
      total += read;
    }
    return total;
  }
}
