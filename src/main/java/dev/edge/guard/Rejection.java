package dev.edge.guard;

import dev.edge.EdgeException.Reason;

/**
 * Why the byte-level scanner refused a request: the reason (status and code) and a short detail in
 * the edge's own words (never the client's bytes). Most are constants, so a rejection allocates
 * nothing.
 */
record Rejection(Reason reason, String detail) {

  static Rejection badHeader(String detail) {
    return new Rejection(Reason.BAD_HEADER, detail);
  }

  static Rejection badFraming(String detail) {
    return new Rejection(Reason.BAD_FRAMING, detail);
  }
}
