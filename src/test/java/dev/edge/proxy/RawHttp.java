package dev.edge.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP/1.1 over plain sockets, both ends: a client for headers java.net.http will not send
 * (Connection, Host, TE, ...) and an upstream that answers with canned bytes, or drops the
 * connection after reading the request head.
 */
final class RawHttp {

  private RawHttp() {}

  /** A response as read off the wire; header names lower case, in order, duplicates kept. */
  record Response(int status, List<String[]> headers, String body) {

    List<String> all(String name) {
      List<String> values = new ArrayList<>();
      for (String[] header : headers) {
        if (header[0].equals(name.toLowerCase(Locale.ROOT))) {
          values.add(header[1]);
        }
      }
      return values;
    }

    String first(String name) {
      List<String> values = all(name);
      return values.isEmpty() ? null : values.get(0);
    }
  }

  /** Sends {@code request} as is and reads one response until the connection closes. */
  static Response exchange(int port, String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return parse(socket.getInputStream().readAllBytes());
    }
  }

  private static Response parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.add(
          new String[] {
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim()
          });
    }
    String body = text.substring(end + 4);
    boolean chunked =
        headers.stream()
            .anyMatch(h -> h[0].equals("transfer-encoding") && h[1].equalsIgnoreCase("chunked"));
    return new Response(status, headers, chunked ? dechunk(body) : body);
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = body.indexOf("\r\n", at);
      int size = Integer.parseInt(body.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(body, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }

  /**
   * An upstream on a plain server socket: reads each request head, then writes {@code response} (or
   * nothing, when it is null) and closes the connection.
   */
  static final class Upstream implements AutoCloseable {

    final AtomicInteger connections = new AtomicInteger();
    private final ServerSocket socket;

    Upstream(String response) throws IOException {
      this(response, false);
    }

    static Upstream hanging() throws IOException {
      return new Upstream(null, true);
    }

    private Upstream(String response, boolean hang) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try (Socket client = socket.accept()) {
                    connections.incrementAndGet();
                    readHead(client.getInputStream());
                    if (hang) {
                      client.getInputStream().read();
                    } else if (response != null) {
                      client.getOutputStream().write(response.getBytes(StandardCharsets.UTF_8));
                      client.getOutputStream().flush();
                    }
                  } catch (IOException e) {
                    // closed: the test is over, or the peer went away
                  }
                }
              },
              "raw-upstream");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    private static void readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        head.write(b);
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
