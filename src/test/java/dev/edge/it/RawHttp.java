package dev.edge.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for headers that java.net.http will not send (Connection, Host).
 */
final class RawHttp {

  private RawHttp() {}

  record Response(int status, Map<String, String> headers, String body) {
    /** The {@code reason} of a problem+json body, or null. */
    String reason() {
      int at = body.indexOf("\"reason\":\"");
      return at < 0 ? null : body.substring(at + 10, body.indexOf('"', at + 10));
    }
  }

  /**
   * A response as it went out: the status line, every header field in the order sent (names as
   * sent, duplicates kept), and the body (a chunked body decoded).
   */
  record Message(String statusLine, List<Map.Entry<String, String>> fields, byte[] body) {
    /** The first value of the field {@code name} (any case), or null. */
    String field(String name) {
      return fields.stream()
          .filter(f -> f.getKey().equalsIgnoreCase(name))
          .map(Map.Entry::getValue)
          .findFirst()
          .orElse(null);
    }
  }

  /**
   * Reads one response exactly as sent; a response to HEAD ({@code head}), and a 1xx, 204 or 304,
   * has no body whatever its headers say.
   */
  static Message readMessage(InputStream in, boolean head) throws IOException {
    String[] lines = readHead(in).split("\r\n");
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      fields.add(Map.entry(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()));
    }
    Message bodyless = new Message(lines[0], List.copyOf(fields), new byte[0]);
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    if (head || status < 200 || status == 204 || status == 304) {
      return bodyless;
    }
    byte[] body =
        readBody(in, bodyless.field("content-length"), bodyless.field("transfer-encoding"));
    return new Message(lines[0], bodyless.fields(), body);
  }

  /** Sends {@code request} as is and reads one response until the connection closes. */
  static Response exchange(int port, String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    }
  }

  static Response read(InputStream in) throws IOException {
    return read(in, false);
  }

  /**
   * Reads one response; a response to HEAD ({@code head}), and a 1xx, 204 or 304, has no body
   * whatever its headers say.
   */
  static Response read(InputStream in, boolean head) throws IOException {
    Response response = readResponseHead(in);
    int status = response.status();
    if (head || status < 200 || status == 204 || status == 304) {
      return response;
    }
    Map<String, String> headers = response.headers();
    byte[] body = readBody(in, headers.get("content-length"), headers.get("transfer-encoding"));
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** Reads a body framed by {@code length}, else by {@code transferEncoding}, else by the close. */
  private static byte[] readBody(InputStream in, String length, String transferEncoding)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (length != null) {
      body.write(in.readNBytes(Integer.parseInt(length)));
    } else if ("chunked".equalsIgnoreCase(transferEncoding)) {
      while (true) {
        String size = readLine(in);
        int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
        if (n == 0) {
          readLine(in);
          break;
        }
        body.write(in.readNBytes(n));
        readLine(in);
      }
    } else {
      in.transferTo(body);
    }
    return body.toByteArray();
  }

  /**
   * Reads the status line and headers of a response that has no body (to HEAD, or 204/304), and
   * returns it with an empty body; header names are lower-cased.
   */
  private static Response readResponseHead(InputStream in) throws IOException {
    String[] lines = readHead(in).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    return new Response(status, headers, "");
  }

  /** Reads one CRLF-terminated line, without the CRLF. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
      previous = b;
    }
    throw new IOException("connection closed inside a chunked body");
  }

  /** Reads the status line and headers, up to and excluding the blank line. */
  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in the response head: " + head);
      }
      head.write(b);
      matched =
          (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b
              ? matched + 1
              : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    return text.substring(0, text.length() - 4);
  }
}
