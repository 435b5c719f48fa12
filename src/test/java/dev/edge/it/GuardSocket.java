package dev.edge.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/** A raw client connection for the guard's ITs: exact bytes out, responses (HEAD-aware) in. */
final class GuardSocket implements AutoCloseable {

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
  RawHttp.Response read(boolean head) throws IOException {
    return RawHttp.read(in, head);
  }

  RawHttp.Response read() throws IOException {
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

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
