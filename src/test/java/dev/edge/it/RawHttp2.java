package dev.edge.it;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A raw HTTP/2 client over TLS for tests: it sends frames exactly as built, header fields as HPACK
 * literals in the order given (upper-case names, duplicated or misplaced pseudo-headers), and reads
 * back the frames the server sends. The socket is the JDK's.
 */
final class RawHttp2 implements AutoCloseable {

  static final int DATA = 0;
  static final int HEADERS = 1;
  static final int RST_STREAM = 3;
  static final int SETTINGS = 4;
  static final int GOAWAY = 7;

  /** One frame received: type, flags, stream and payload. */
  record Frame(int type, int flags, int stream, byte[] payload) {
    /** The error code of a RST_STREAM or GOAWAY frame. */
    long errorCode() {
      int at = type == GOAWAY ? 4 : 0;
      return ((payload[at] & 0xffL) << 24)
          | ((payload[at + 1] & 0xff) << 16)
          | ((payload[at + 2] & 0xff) << 8)
          | (payload[at + 3] & 0xff);
    }
  }

  private final SSLSocket socket;
  private final OutputStream out;
  private final DataInputStream in;

  /** Connects to {@code port} on loopback with ALPN {@code h2} and sends the preface. */
  RawHttp2(int port) throws Exception {
    this(port, null);
  }

  /** The same, asking for the certificate of {@code sni} (null: no SNI). */
  RawHttp2(int port, String sni) throws Exception {
    socket = (SSLSocket) TrustAll.context().getSocketFactory().createSocket("127.0.0.1", port);
    SSLParameters parameters = socket.getSSLParameters();
    if (sni != null) {
      parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(sni)));
    }
    parameters.setApplicationProtocols(new String[] {"h2"});
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    if (!"h2".equals(socket.getApplicationProtocol())) {
      throw new IOException("ALPN chose " + socket.getApplicationProtocol() + ", not h2");
    }
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    frame(SETTINGS, 0, 0, new byte[0]);
  }

  /** A HEADERS frame (END_HEADERS; END_STREAM when {@code end}), HPACK literals in this order. */
  RawHttp2 headers(int stream, List<String> namesAndValues, boolean end) throws IOException {
    java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < namesAndValues.size(); i += 2) {
      block.write(0);
      literal(block, namesAndValues.get(i));
      literal(block, namesAndValues.get(i + 1));
    }
    return frame(HEADERS, 0x4 | (end ? 0x1 : 0), stream, block.toByteArray());
  }

  private static void literal(java.io.ByteArrayOutputStream block, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length > 126) {
      throw new IllegalArgumentException("test strings stay under 127 bytes");
    }
    block.write(bytes.length);
    block.writeBytes(bytes);
  }

  /** A DATA frame. */
  RawHttp2 data(int stream, String text, boolean end) throws IOException {
    return frame(DATA, end ? 0x1 : 0, stream, text.getBytes(StandardCharsets.US_ASCII));
  }

  /** A RST_STREAM frame with CANCEL. */
  RawHttp2 reset(int stream) throws IOException {
    return frame(RST_STREAM, 0, stream, new byte[] {0, 0, 0, 8});
  }

  private RawHttp2 frame(int type, int flags, int stream, byte[] payload) throws IOException {
    byte[] head = {
      (byte) (payload.length >>> 16),
      (byte) (payload.length >>> 8),
      (byte) payload.length,
      (byte) type,
      (byte) flags,
      (byte) (stream >>> 24),
      (byte) (stream >>> 16),
      (byte) (stream >>> 8),
      (byte) stream
    };
    out.write(head);
    out.write(payload);
    out.flush();
    return this;
  }

  /** The next frame, or null when the server closed the connection. */
  Frame read() throws IOException {
    byte[] head = new byte[9];
    try {
      in.readFully(head);
    } catch (java.io.EOFException | javax.net.ssl.SSLException e) {
      return null;
    }
    int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
    byte[] payload = new byte[length];
    in.readFully(payload);
    int stream =
        ((head[5] & 0x7f) << 24)
            | ((head[6] & 0xff) << 16)
            | ((head[7] & 0xff) << 8)
            | (head[8] & 0xff);
    return new Frame(head[3] & 0xff, head[4] & 0xff, stream, payload);
  }

  /**
   * Frames until one on {@code stream} of type HEADERS or RST_STREAM, or a GOAWAY, or the end of
   * the connection (then the list ends without one).
   */
  List<Frame> untilAnswer(int stream) throws IOException {
    List<Frame> frames = new ArrayList<>();
    try {
      for (Frame frame = read(); frame != null; frame = read()) {
        frames.add(frame);
        if (frame.type() == GOAWAY
            || (frame.stream() == stream
                && (frame.type() == HEADERS || frame.type() == RST_STREAM))) {
          break;
        }
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("no answer on stream " + stream + " within 10 s; frames " + frames, e);
    }
    return frames;
  }

  /** The serial number (hex) of the certificate the server sent on this connection. */
  String peerSerial() throws IOException {
    return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
        .getSerialNumber()
        .toString(16);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
