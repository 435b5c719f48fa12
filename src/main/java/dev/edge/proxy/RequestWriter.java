package dev.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes requests to a worker connection as HTTP/1.1 bytes, in place of Netty's request encoder on
 * the worker hop: the head goes into one pooled buffer sized for it (the constant pieces
 * pre-encoded), the body follows as it comes, framed by {@code Content-Length} (as is) or in chunks
 * when the head says {@code Transfer-Encoding: chunked}.
 *
 * <p>Bytes are written as Netty's encoder writes them: the request target as UTF-8, header names
 * and values one byte per character.
 */
final class RequestWriter {

  private static final byte[] HTTP_1_1_CRLF = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HTTP_1_0_CRLF = " HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final short COLON_SP = (short) (':' << 8 | ' ');
  private static final short CRLF = (short) ('\r' << 8 | '\n');
  private static final ByteBuf CRLF_BYTES =
      Unpooled.unreleasableBuffer(
          Unpooled.directBuffer(2).writeShort(CRLF).asReadOnly()); // shared, never freed
  private static final ByteBuf LAST_CHUNK =
      Unpooled.unreleasableBuffer(
          Unpooled.directBuffer(5)
              .writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
              .asReadOnly());

  private RequestWriter() {}

  /** Whether a request with this head sends its body in chunks. */
  static boolean chunked(HttpRequest head) {
    return HttpUtil.isTransferEncodingChunked(head);
  }

  /**
   * Writes {@code request}'s head, flushed when {@code flush}; for a {@link FullHttpRequest}, its
   * body and end too (the request is released). Another request's body follows with {@link
   * #writeBody}.
   */
  static void writeHead(Channel channel, HttpRequest request, boolean flush) {
    channel.write(head(channel.alloc(), request), channel.voidPromise());
    if (request instanceof FullHttpRequest full) {
      try {
        boolean chunked = chunked(request);
        writeBody(channel, full.content().retain(), chunked);
        if (chunked) {
          channel.write(LAST_CHUNK.duplicate(), channel.voidPromise());
        }
      } finally {
        full.release();
      }
    }
    if (flush) {
      channel.flush();
    }
  }

  /** Writes a part of the body (not flushed); ownership of {@code part} passes here. */
  static void writeBody(Channel channel, ByteBuf part, boolean chunked) {
    int size = part.readableBytes();
    if (size == 0) {
      part.release(); // an empty chunk would end a chunked body
      return;
    }
    if (chunked) {
      ByteBuf line = channel.alloc().buffer(10);
      ByteBufUtil.writeAscii(line, Integer.toHexString(size));
      line.writeShort(CRLF);
      channel.write(line, channel.voidPromise());
      channel.write(part, channel.voidPromise());
      channel.write(CRLF_BYTES.duplicate(), channel.voidPromise());
    } else {
      channel.write(part, channel.voidPromise());
    }
  }

  /** Writes the end of the body and flushes. */
  static void writeEnd(Channel channel, boolean chunked) {
    if (chunked) {
      channel.writeAndFlush(LAST_CHUNK.duplicate(), channel.voidPromise());
    } else {
      channel.flush();
    }
  }

  /** The request line and headers of {@code request}, in one buffer. */
  static ByteBuf head(ByteBufAllocator alloc, HttpRequest request) {
    HttpHeaders headers = request.headers();
    AsciiString method = request.method().asciiName();
    String uri = request.uri().isEmpty() ? "/" : request.uri();
    int size = method.length() + uri.length() + HTTP_1_1_CRLF.length + 2;
    Iterator<Map.Entry<CharSequence, CharSequence>> sizing = headers.iteratorCharSequence();
    while (sizing.hasNext()) {
      Map.Entry<CharSequence, CharSequence> header = sizing.next();
      size += header.getKey().length() + header.getValue().length() + 4;
    }
    ByteBuf buf = alloc.buffer(size);
    ByteBufUtil.copy(method, buf);
    buf.writeByte(' ');
    ByteBufUtil.writeUtf8(buf, uri);
    buf.writeBytes(request.protocolVersion().minorVersion() == 0 ? HTTP_1_0_CRLF : HTTP_1_1_CRLF);
    Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
    while (entries.hasNext()) {
      Map.Entry<CharSequence, CharSequence> header = entries.next();
      writeAscii(buf, header.getKey());
      buf.writeShort(COLON_SP);
      writeAscii(buf, header.getValue());
      buf.writeShort(CRLF);
    }
    buf.writeShort(CRLF);
    return buf;
  }

  private static void writeAscii(ByteBuf buf, CharSequence text) {
    if (text instanceof AsciiString ascii) {
      ByteBufUtil.copy(ascii, buf);
    } else {
      ByteBufUtil.writeAscii(buf, text);
    }
  }
}
