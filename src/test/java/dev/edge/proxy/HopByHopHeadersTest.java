package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

  @Test
  void dropsTheFixedSetAndEveryHeaderNamedInConnection() {
    HttpHeaders in = new DefaultHttpHeaders();
    in.add("Connection", "keep-alive, X-Secret , Upgrade");
    in.add("Keep-Alive", "timeout=5");
    in.add("Transfer-Encoding", "chunked");
    in.add("TE", "trailers");
    in.add("Trailer", "Expires");
    in.add("Upgrade", "h2c");
    in.add("Proxy-Authorization", "Basic x");
    in.add("Proxy-Connection", "keep-alive");
    in.add("x-secret", "1");
    in.add("Content-Type", "text/plain");
    in.add("Set-Cookie", "a=1");
    in.add("Set-Cookie", "b=2");

    HttpHeaders out = HopByHopHeaders.copyEndToEnd(in);

    assertThat(out.names()).containsExactlyInAnyOrder("Content-Type", "Set-Cookie");
    assertThat(out.getAll("Set-Cookie")).containsExactly("a=1", "b=2");
  }

  @Test
  void connectionTokensMatchWholeNamesOnly() {
    assertThat(HopByHopHeaders.namedIn("x-a, x-b", "x-b")).isTrue();
    assertThat(HopByHopHeaders.namedIn("x-ab", "x-a")).isFalse();
    assertThat(HopByHopHeaders.namedIn("close", "Close")).isTrue();
  }
}
