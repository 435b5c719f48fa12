package dev.edge.cli;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A minimal HTTP/1.1 client for the control socket: one request per connection ({@code Connection:
 * close}), over a plain JDK {@link SocketChannel} on a {@link UnixDomainSocketAddress} (the JDK's
 * HTTP client cannot reach a Unix socket), so the command-line client starts without Netty. Reads
 * bodies framed by {@code Content-Length}, chunked, or by the end of the connection.
 */
final class ControlClient {

  /** The edge could not be reached at the socket (nothing listens, or no such file). */
  static final class Unreachable extends IOException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A response.
   *
   * @param status its status code
   * @param body its body as text
   */
  record Response(int status, String body) {}

  private final Path socket;

  ControlClient(Path socket) {
    this.socket = socket;
  }

  /** Sends {@code method path} and reads the whole response. */
  Response call(String method, String path) throws IOException {
    try (SocketChannel channel = connect()) {
      InputStream in = send(channel, method, path);
      int status = readStatus(in);
      Map<String, String> headers = readHeaders(in);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body(in, headers).transferTo(body);
      return new Response(status, body.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * Sends {@code method path}; on {@code 200} hands each line of the body to {@code line} until the
   * stream ends or {@code line} returns false, and returns 200 with an empty body; any other status
   * is returned with its whole body.
   */
  Response stream(String method, String path, Predicate<String> line) throws IOException {
    try (SocketChannel channel = connect()) {
      InputStream in = send(channel, method, path);
      int status = readStatus(in);
      Map<String, String> headers = readHeaders(in);
      InputStream body = body(in, headers);
      if (status != 200) {
        return new Response(status, new String(body.readAllBytes(), StandardCharsets.UTF_8));
      }
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      for (String next = reader.readLine(); next != null; next = reader.readLine()) {
        if (!line.test(next)) {
          break;
        }
      }
      return new Response(200, "");
    }
  }

  private SocketChannel connect() throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      channel.close();
      throw new Unreachable(socket + ": " + e.getMessage(), e);
    }
    return channel;
  }

  private static InputStream send(SocketChannel channel, String method, String path)
      throws IOException {
    OutputStream out = Channels.newOutputStream(channel);
    String head =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: edge\r\nAccept: application/json\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return new BufferedInputStream(Channels.newInputStream(channel));
  }

  private static int readStatus(InputStream in) throws IOException {
    String line = readLine(in);
    String[] parts = line == null ? new String[0] : line.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response from the control socket: " + line);
    }
    return Integer.parseInt(parts[1]);
  }

  private static Map<String, String> readHeaders(InputStream in) throws IOException {
    Map<String, String> headers = new HashMap<>();
    for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
    }
    return headers;
  }

  private static InputStream body(InputStream in, Map<String, String> headers) {
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      return new Chunked(in);
    }
    String length = headers.get("content-length");
    if (length != null) {
      return new Limited(in, Long.parseLong(length));
    }
    return in;
  }

  /** One line ending in CRLF (or LF), without it; null at the end of the stream. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        break;
      }
      line.write(b);
    }
    if (b < 0 && line.size() == 0) {
      return null;
    }
    String text = line.toString(StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /** The first {@code left} bytes of a stream. */
  private static final class Limited extends InputStream {
    private final InputStream in;
    private long left;

    Limited(InputStream in, long left) {
      this.in = in;
      this.left = left;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(buffer, offset, (int) Math.min(length, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }

  /** A chunked body, de-chunked; chunk extensions and trailers are skipped. */
  private static final class Chunked extends InputStream {
    private final InputStream in;
    private long left;
    private boolean done;

    Chunked(InputStream in) {
      this.in = in;
    }

    private boolean nextChunk() throws IOException {
      if (done) {
        return false;
      }
      if (left == 0) {
        String size = readLine(in);
        if (size != null && size.isEmpty()) {
          size = readLine(in); // the CRLF after the previous chunk's data
        }
        if (size == null) {
          done = true;
          return false;
        }
        int semicolon = size.indexOf(';');
        left = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
        if (left == 0) {
          for (String trailer = readLine(in);
              trailer != null && !trailer.isEmpty();
              trailer = readLine(in)) {
            // trailers are not used
          }
          done = true;
          return false;
        }
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (!nextChunk()) {
        return -1;
      }
      int n = in.read(buffer, offset, (int) Math.min(length, left));
      if (n < 0) {
        done = true;
        return -1;
      }
      left -= n;
      return n;
    }
  }
}
