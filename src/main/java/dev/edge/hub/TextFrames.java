package dev.edge.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes a server-to-client WebSocket text frame (RFC 6455 §5.2: final, opcode 1, unmasked) once,
 * so that a fan-out writes the same bytes to every recipient without a frame object or an encoder
 * step per client. The encoded buffer passes the pipeline's WebSocket encoder untouched (it only
 * encodes frame objects), and TLS encrypts it like any other bytes.
 */
final class TextFrames {

  private TextFrames() {}

  /** {@code payload} as one complete text frame, header included. */
  static ByteBuf encode(byte[] payload) {
    int length = payload.length;
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    // direct, so a socket write needs no copy per recipient
    ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(header + length);
    frame.writeByte(0x81);
    if (length < 126) {
      frame.writeByte(length);
    } else if (length <= 0xFFFF) {
      frame.writeByte(126);
      frame.writeShort(length);
    } else {
      frame.writeByte(127);
      frame.writeLong(length);
    }
    frame.writeBytes(payload);
    return frame;
  }
}
