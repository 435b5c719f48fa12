package dev.edge.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AdminAccessTest {

  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress LOOPBACK6 = new InetSocketAddress("::1", 40000);
  private static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.7", 40000);

  @Test
  void loopbackClientsAreAlwaysAllowed() {
    AdminAccess noToken = new AdminAccess(null);
    assertThat(noToken.allows(LOOPBACK, null)).isTrue();
    assertThat(noToken.allows(LOOPBACK6, null)).isTrue();
  }

  @Test
  void aBrowserRequestNeedsTheTokenEvenFromLoopback() {
    AdminAccess noToken = new AdminAccess(null);
    AdminAccess withToken = new AdminAccess("s3cret-token-0123456789");
    assertThat(noToken.allowsChange(LOOPBACK, null, null)).isTrue();
    assertThat(noToken.allowsChange(LOOPBACK, null, "https://evil.example")).isFalse();
    assertThat(withToken.allowsChange(LOOPBACK, null, "http://localhost:8080")).isFalse();
    assertThat(
            withToken.allowsChange(
                LOOPBACK, "Bearer s3cret-token-0123456789", "http://localhost:8080"))
        .isTrue();
    assertThat(withToken.allowsChange(REMOTE, "Bearer s3cret-token-0123456789", null)).isTrue();
    assertThat(withToken.allowsChange(REMOTE, null, null)).isFalse();
  }

  @Test
  void remoteClientsNeedTheExactBearerToken() {
    AdminAccess noToken = new AdminAccess(null);
    assertThat(noToken.allows(REMOTE, null)).isFalse();
    assertThat(noToken.allows(REMOTE, "Bearer anything-at-all-123")).isFalse();
    AdminAccess withToken = new AdminAccess("s3cret-token-0123456789");
    assertThat(withToken.allows(REMOTE, "Bearer s3cret-token-0123456789")).isTrue();
    assertThat(withToken.allows(REMOTE, "bearer s3cret-token-0123456789")).isTrue();
    assertThat(withToken.allows(REMOTE, "Bearer s3cret-token-012345678")).isFalse();
    assertThat(withToken.allows(REMOTE, "Bearer s3cret-token-0123456789x")).isFalse();
    assertThat(withToken.allows(REMOTE, "Basic s3cret-token-0123456789")).isFalse();
    assertThat(withToken.allows(REMOTE, "s3cret-token-0123456789")).isFalse();
    assertThat(withToken.allows(REMOTE, null)).isFalse();
    assertThat(withToken.allows(REMOTE, "")).isFalse();
  }
}
