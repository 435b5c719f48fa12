package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Raw-socket clients for {@link BufferingIT}: exact bodies out, slow or streamed reads in. */
final class BodyClients {

  private BodyClients() {}

  /** A connection to the edge; reads time out after 60 s. */
  static Socket connect(EdgeProcess edge) throws Exception {
    return connect(edge, 0);
  }

  /** A connection with a receive buffer of {@code receiveBuffer} bytes (0: the default). */
  static Socket connect(EdgeProcess edge, int receiveBuffer) throws Exception {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.setSoTimeout(60_000);
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), edge.port()));
    return socket;
  }

  static byte[] head(String requestLine, String... fields) {
    StringBuilder head = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: localhost\r\n");
    for (String field : fields) {
      head.append(field).append("\r\n");
    }
    return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  static void writeChunked(OutputStream out, byte[] body, int from, int to, int chunk)
      throws IOException {
    for (int at = from; at < to; at += chunk) {
      int n = Math.min(chunk, to - at);
      out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, at, n);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] bytes = new byte[n];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static void assertSameBytes(byte[] actual, byte[] expected) {
    assertThat(actual.length).as("body length").isEqualTo(expected.length);
    assertThat(Arrays.mismatch(actual, expected)).as("first differing byte").isEqualTo(-1);
  }

  static boolean closedByServer(InputStream in) throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  /** A streamed response: its head, what had arrived when event 1 was read, the decoded body. */
  record Streamed(String head, String beforeEventOne, String body) {}

  /**
   * GETs {@code path} and reads the chunked response as it comes. When {@code data: event 1} has
   * arrived, everything else already readable is taken too and noted: a response held back until
   * its end would have event 3 and the last chunk in it.
   */
  static Streamed stream(EdgeProcess edge, String path) throws Exception {
    try (Socket socket = connect(edge)) {
      socket.getOutputStream().write(head("GET " + path, "Connection: close"));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      String head = RawHttp.readHead(in);
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      String beforeEventOne = null;
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        raw.write(buffer, 0, n);
        String text = raw.toString(StandardCharsets.UTF_8);
        if (beforeEventOne == null && text.contains("data: event 1")) {
          Thread.sleep(50); // let anything sent with it arrive
          while (in.available() > 0) {
            raw.write(buffer, 0, in.read(buffer, 0, Math.min(buffer.length, in.available())));
          }
          beforeEventOne = raw.toString(StandardCharsets.UTF_8);
        }
      }
      assertThat(beforeEventOne).as("event 1 arrived; head %s raw %s", head, raw).isNotNull();
      assertThat(head).containsIgnoringCase("transfer-encoding: chunked");
      return new Streamed(head, beforeEventOne, dechunk(raw.toByteArray()));
    }
  }

  static String dechunk(byte[] raw) throws IOException {
    InputStream in = new ByteArrayInputStream(raw);
    String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked";
    RawHttp.Message message =
        RawHttp.readMessage(
            new SequenceInputStream(
                new ByteArrayInputStream((head + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)),
                in),
            false);
    return new String(message.body(), StandardCharsets.UTF_8);
  }

  /**
   * A client with a 4 KiB receive buffer that reads 4 KiB every 20 ms on its own thread (or as fast
   * as it can once {@link #fast} is set), until the body ends, the connection does, or it is
   * closed.
   */
  static final class SlowReader implements AutoCloseable {

    final CompletableFuture<String> head = new CompletableFuture<>();
    final CompletableFuture<Long> done = new CompletableFuture<>();
    final AtomicLong read = new AtomicLong();
    final AtomicBoolean fast = new AtomicBoolean();
    final AtomicBoolean corrupt = new AtomicBoolean();
    private final Socket socket;

    SlowReader(EdgeProcess edge, String path) throws Exception {
      socket = connect(edge, 4096);
      socket.getOutputStream().write(head("GET " + path, "Connection: close"));
      socket.getOutputStream().flush();
      Thread thread = new Thread(this::run, "slow-reader");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      try {
        InputStream in = socket.getInputStream();
        head.complete(RawHttp.readHead(in));
        byte[] buffer = new byte[64 * 1024];
        while (true) {
          int n = in.read(buffer, 0, fast.get() ? buffer.length : 4096);
          if (n < 0) {
            break;
          }
          for (int i = 0; i < n; i++) {
            if (buffer[i] != 'x') {
              corrupt.set(true);
            }
          }
          read.addAndGet(n);
          if (!fast.get()) {
            Thread.sleep(20);
          }
        }
      } catch (IOException | InterruptedException e) {
        // cut, or closed by the test
      }
      head.completeExceptionally(new IOException("no response head"));
      done.complete(read.get());
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
