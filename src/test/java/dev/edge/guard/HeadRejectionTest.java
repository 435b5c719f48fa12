package dev.edge.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A refused {@code HEAD} gets the problem response's headers ({@code Content-Length} the body's
 * length) and no body; so does a request cut before its method was complete, if what arrived of it
 * is the start of {@code HEAD}. Every other refused request gets the body.
 */
class HeadRejectionTest {

  /** The problem response alone: its head, and the body only if {@code withBody}. */
  private static void refusedWith(String request, String reason, boolean withBody) {
    GuardedChannel ch = new GuardedChannel(GuardLimits.defaults()).send(request);
    String out = ch.output();
    int headEnd = out.indexOf("\r\n\r\n") + 4;
    assertThat(headEnd).as("a response head in %s", out).isGreaterThan(3);
    String head = out.substring(0, headEnd);
    int length =
        Integer.parseInt(head.replaceAll("(?is).*\r\ncontent-length: *(\\d+)\r\n.*", "$1"));
    assertThat(length).isGreaterThan(100);
    assertThat(head).startsWith("HTTP/1.1 400 ").containsIgnoringCase("connection: close");
    String rest = out.substring(headEnd);
    if (withBody) {
      assertThat(rest).hasSize(length).contains("\"reason\":\"" + reason + "\"");
    } else {
      assertThat(rest).as("bytes after the head").isEmpty();
    }
    assertThat(ch.seen).isEmpty();
    assertThat(ch.channel.isOpen()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HEAD / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
        "HEAD  / HTTP/1.1\r\nHost: x\r\n\r\n",
        "HEAD /\u0001 HTTP/1.1\r\nHost: x\r\n\r\n",
        "HEAD / HTTP/1.1\r\nHost: x\r\nX: a\nB: c\r\n\r\n",
        "\r\nHEAD / HTTP/1.1\r\nHost: x\r\nX:\u0000\r\n\r\n"
      })
  void aRefusedHeadHasNoBody(String request) {
    refusedWith(request, "bad_header", false);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
        "head / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
        "HEADER / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
        "HEA\u0001D / HTTP/1.1\r\n\r\n",
        "HE D / HTTP/1.1\r\n\r\n",
        " HEAD / HTTP/1.1\r\n\r\n",
        "\nHEAD / HTTP/1.1\r\n\r\n"
      })
  void anyOtherRefusedRequestHasItsBody(String request) {
    refusedWith(request, "bad_header", true);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HEAD / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HEAD / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZ\r\n\r\n"
      })
  void aHeadRefusedForItsFramingHasNoBody(String request) {
    refusedWith(request, "bad_framing", false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HEAD / HTTP/1.1\r\nHost: [::1\r\n\r\n", "HEAD / HTTP/1.1\r\n\r\n"})
  void aHeadWithABadHostHasNoBody(String request) {
    refusedWith(request, "bad_host", false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET / HTTP/1.1\r\nHost: [::1\r\n\r\n"})
  void aGetWithABadHostHasItsBody(String request) {
    refusedWith(request, "bad_host", true);
  }
}
