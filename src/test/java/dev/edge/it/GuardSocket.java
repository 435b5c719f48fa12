package dev.edge.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A raw client connection for the guard's ITs: exact bytes out, responses (HEAD-aware) in. */
final class GuardSocket implements AutoCloseable {

  record Response(int status, Map<String, String> headers, String body) {
    String reason() {
      int at = body.indexOf("\"reason\":\"");
      return at < 0 ? null : body.substring(at + 10, body.indexOf('"', at + 10));
    }
  }

  final Socket socket;
  final InputStream in;
  final OutputStream out;

  GuardSocket(int port, int timeoutMillis) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(timeoutMillis);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  GuardSocket send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  GuardSocket send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads one response; a HEAD response (or 1xx/204/304) has no body whatever its headers say. */
  Response read(boolean head) throws IOException {
    String[] lines = RawHttp.readHead(in).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    if (head || status < 200 || status == 204 || status == 304) {
      return new Response(status, headers, "");
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String length = headers.get("content-length");
    if (length != null) {
      body.write(in.readNBytes(Integer.parseInt(length)));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int size = chunkSize(); size > 0; size = chunkSize()) {
        body.write(in.readNBytes(size));
        line();
      }
      line();
    } else {
      in.transferTo(body);
    }
    return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
  }

  Response read() throws IOException {
    return read(false);
  }

  /** True if the server closed the connection (EOF or reset) before sending anything more. */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketException e) {
      return true;
    }
  }

  private int chunkSize() throws IOException {
    return Integer.parseInt(line().split(";", 2)[0].trim(), 16);
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    throw new IOException("connection closed in a chunked body");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
