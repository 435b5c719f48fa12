package dev.edge.proxy;

import dev.edge.proxy.WorkerResponseParser.MalformedResponse;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A worker's response head as {@link WorkerResponseParser} reads it: the head's bytes are copied
 * once into an array, and header names and values are {@link AsciiString} views of it.
 *
 * <p>Lenient where Netty's decoder is and framing does not suffer (CR/LF before a status line,
 * whitespace before a field's colon, folded values); strict where framing would be guessed. Lines
 * end with CRLF, as Netty requires.
 */
final class ResponseHead {

  /** Longest status line, without its line end. */
  static final int MAX_INITIAL_LINE = 8192;

  /** Most bytes of header (or trailer) fields, without their line ends. */
  static final int MAX_HEAD_BYTES = 32 * 1024;

  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final Charset ISO = StandardCharsets.ISO_8859_1;
  private static final byte[] HTTP_1_1 = "HTTP/1.1".getBytes(ISO);
  private static final byte[] HTTP_1_0 = "HTTP/1.0".getBytes(ISO);

  private final byte[] bytes;
  private HttpVersion version;
  private HttpResponseStatus status;
  private final HttpHeaders headers;
  private long contentLength = -1;
  private boolean transferEncoding;
  private boolean chunked;
  private boolean close;
  private boolean keepAliveToken;

  private ResponseHead(byte[] bytes, HttpHeaders headers) {
    this.bytes = bytes;
    this.headers = headers;
  }

  /** Reads the head {@code scan} found at the start of {@code in} (consumed). */
  static ResponseHead parse(ByteBuf in, HeadScan scan) {
    byte[] h = new byte[scan.end];
    in.readBytes(h);
    ResponseHead head = new ResponseHead(h, HEADERS.newHeaders());
    int lf = indexOf(h, 0, LF);
    head.statusLine(lf - 1); // the scan saw a CR before every LF
    head.fields(lf + 1, false);
    if (head.contentLength >= 0 && head.transferEncoding) {
      throw new MalformedResponse("Content-Length and Transfer-Encoding together");
    }
    return head;
  }

  /** Reads the trailer section {@code scan} found at the start of {@code in} (consumed). */
  static HttpHeaders trailers(ByteBuf in, HeadScan scan) {
    if (scan.end <= 2) {
      in.skipBytes(scan.end);
      return EmptyHttpHeaders.INSTANCE;
    }
    byte[] h = new byte[scan.end];
    in.readBytes(h);
    ResponseHead trailers = new ResponseHead(h, HEADERS.newHeaders());
    trailers.fields(0, true);
    return trailers.headers;
  }

  boolean informational() {
    return status.code() < 200 && status.code() != 101;
  }

  HttpResponseStatus status() {
    return status;
  }

  boolean chunked() {
    return chunked;
  }

  /** Whether the body runs to the end of the connection. */
  boolean untilClose() {
    return !chunked && contentLength < 0;
  }

  long contentLength() {
    return contentLength;
  }

  /** Whether the worker keeps the connection open after this response. */
  boolean keepAlive() {
    return !close && (version == HttpVersion.HTTP_1_1 || keepAliveToken);
  }

  HttpResponse toResponse() {
    return new DefaultHttpResponse(version, status, headers);
  }

  private void statusLine(int end) {
    int sp = 0;
    while (sp < end && !space(bytes[sp])) {
      sp++;
    }
    if (matches(HTTP_1_1, 0, sp)) {
      version = HttpVersion.HTTP_1_1;
    } else if (matches(HTTP_1_0, 0, sp)) {
      version = HttpVersion.HTTP_1_0;
    } else {
      throw new MalformedResponse("not an HTTP/1.x status line");
    }
    int c = skipSpace(sp, end);
    if (c == sp || c + 3 > end || (c + 3 < end && !space(bytes[c + 3]))) {
      throw new MalformedResponse("no three-digit status code");
    }
    int code = digit(bytes[c]) * 100 + digit(bytes[c + 1]) * 10 + digit(bytes[c + 2]);
    if (code < 100) {
      throw new MalformedResponse("no three-digit status code");
    }
    int reason = skipSpace(c + 3, end);
    int reasonEnd = trimEnd(reason, end);
    HttpResponseStatus known = HttpResponseStatus.valueOf(code);
    if (known.code() == code && matches(known.reasonPhrase(), reason, reasonEnd)) {
      status = known;
    } else {
      noBareCr(reason, reasonEnd);
      status = new HttpResponseStatus(code, new String(bytes, reason, reasonEnd - reason, ISO));
    }
  }

  /** Reads field lines from {@code from} to the empty line. */
  private void fields(int from, boolean trailer) {
    AsciiString name = null;
    CharSequence value = null;
    int pos = from;
    while (true) {
      int lf = indexOf(bytes, pos, LF);
      int end = lf - 1;
      if (end > pos && space(bytes[pos])) {
        if (name == null) {
          throw new MalformedResponse("a header section starts with whitespace");
        }
        int start = skipSpace(pos, end);
        value = value + " " + new String(bytes, start, trimEnd(start, end) - start, ISO);
        pos = lf + 1;
        continue;
      }
      if (name != null) {
        add(name, value, trailer);
      }
      if (end == pos) {
        return;
      }
      int colon = pos;
      while (colon < end && bytes[colon] != ':') {
        colon++;
      }
      int nameEnd = trimEnd(pos, colon);
      if (colon == end || nameEnd == pos) {
        throw new MalformedResponse("a header line without a name and a colon");
      }
      for (int i = pos; i < nameEnd; i++) {
        if (bytes[i] <= ' ' || bytes[i] == 0x7f) {
          throw new MalformedResponse("a header name with whitespace or a control character");
        }
      }
      int start = skipSpace(colon + 1, end);
      int valueEnd = trimEnd(start, end);
      noBareCr(start, valueEnd);
      name = new AsciiString(bytes, pos, nameEnd - pos, false);
      value = new AsciiString(bytes, start, valueEnd - start, false);
      pos = lf + 1;
    }
  }

  private void add(AsciiString name, CharSequence value, boolean trailer) {
    if (trailer) {
      if (!HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
          && !HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
          && !HttpHeaderNames.TRAILER.contentEqualsIgnoreCase(name)) {
        headers.add(name, value);
      }
      return;
    }
    headers.add(name, value);
    if (name.length() == 14 && HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
      if (contentLength >= 0) {
        throw new MalformedResponse("several Content-Length fields");
      }
      contentLength = contentLength(value);
    } else if (name.length() == 17
        && HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)) {
      transferCodings(value);
    } else if (name.length() == 10 && HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name)) {
      connectionTokens(value);
    }
  }

  private static long contentLength(CharSequence value) {
    int n = value.length();
    if (n == 0 || n > 18) {
      throw new MalformedResponse("Content-Length is not one decimal number");
    }
    long length = 0;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new MalformedResponse("Content-Length is not one decimal number");
      }
      length = length * 10 + (c - '0');
    }
    return length;
  }

  /** A {@code Transfer-Encoding} field: chunked, if present, must be the last coding. */
  private void transferCodings(CharSequence value) {
    if (chunked) {
      throw new MalformedResponse("a transfer coding after chunked");
    }
    if (HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(value)) {
      transferEncoding = true;
      chunked = true;
      return;
    }
    String list = value.toString();
    for (String part : list.split(",", -1)) {
      String coding = part.strip();
      int semicolon = coding.indexOf(';');
      if (semicolon >= 0) {
        coding = coding.substring(0, semicolon).strip();
      }
      if (coding.isEmpty()) {
        continue;
      }
      if (chunked) {
        throw new MalformedResponse("a transfer coding after chunked");
      }
      transferEncoding = true;
      chunked = coding.equalsIgnoreCase("chunked");
    }
    if (!transferEncoding) {
      throw new MalformedResponse("an empty Transfer-Encoding");
    }
  }

  private void connectionTokens(CharSequence value) {
    if (HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(value)) {
      keepAliveToken = true;
      return;
    }
    if (HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(value)) {
      close = true;
      return;
    }
    int n = value.length();
    int start = 0;
    while (start <= n) {
      int comma = start;
      while (comma < n && value.charAt(comma) != ',') {
        comma++;
      }
      CharSequence token = AsciiString.of(value.subSequence(start, comma)).trim();
      if (HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(token)) {
        close = true;
      } else if (HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(token)) {
        keepAliveToken = true;
      }
      start = comma + 1;
    }
  }

  private static int indexOf(byte[] h, int from, byte b) {
    for (int i = from; i < h.length; i++) {
      if (h[i] == b) {
        return i;
      }
    }
    throw new MalformedResponse("a line without its end"); // the scan found every line end
  }

  private void noBareCr(int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == CR) {
        throw new MalformedResponse("a bare CR in the head");
      }
    }
  }

  private boolean matches(byte[] expected, int from, int to) {
    if (to - from != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (bytes[from + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private boolean matches(String expected, int from, int to) {
    if (to - from != expected.length()) {
      return false;
    }
    for (int i = 0; i < expected.length(); i++) {
      if ((bytes[from + i] & 0xff) != expected.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int digit(byte b) {
    if (b < '0' || b > '9') {
      throw new MalformedResponse("no three-digit status code");
    }
    return b - '0';
  }

  private int skipSpace(int from, int end) {
    int i = from;
    while (i < end && space(bytes[i])) {
      i++;
    }
    return i;
  }

  private int trimEnd(int start, int end) {
    int i = end;
    while (i > start && space(bytes[i - 1])) {
      i--;
    }
    return i;
  }

  private static boolean space(byte b) {
    return b == ' ' || b == '\t';
  }
}
