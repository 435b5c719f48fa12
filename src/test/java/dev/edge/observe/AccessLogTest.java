package dev.edge.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessLogTest {

  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);

  @Test
  void humanLinesHaveTimeDurationStatusTypeSizeMethodAndPath() {
    long at = Instant.parse("2026-11-22T02:58:10.790Z").toEpochMilli();
    Exchange exchange = new Exchange("req-1");
    assertThat(
            AccessLog.human(
                new AccessLog.Entry(
                    at, exchange, 1_244_999, "GET", "/hello", 200, "text/plain", 16, LOCAL)))
        .isEqualTo("2026-11-22T02:58:10.790Z 1.24ms 200 text/plain 16B GET /hello");
    assertThat(
            AccessLog.human(
                new AccessLog.Entry(at + 5, exchange, 5_000, "POST", "/x", 502, null, -1, null)))
        .isEqualTo("2026-11-22T02:58:10.795Z 0.01ms 502 - - POST /x");
  }

  @Test
  void jsonLinesCarryTheClientsAddressAsText() {
    Exchange exchange = new Exchange("req-2");
    assertThat(
            AccessLog.json(
                new AccessLog.Entry(0, exchange, 1_000, "GET", "/", 200, null, 0, LOCAL)))
        .contains("\"ip\":\"127.0.0.1\"");
    assertThat(
            AccessLog.json(
                new AccessLog.Entry(
                    0, exchange, 1_000, "GET", "/", 200, null, 0, new InetSocketAddress("::1", 9))))
        .contains("\"ip\":\"0:0:0:0:0:0:0:1\"");
    assertThat(
            AccessLog.json(new AccessLog.Entry(0, exchange, 1_000, "GET", "/", 200, null, 0, null)))
        .contains("\"ip\":\"-\"");
  }

  @Test
  void millisecondsRoundHalfUpWithTwoDecimals() {
    StringBuilder out = new StringBuilder();
    AccessLog.appendMillis(out, 0);
    out.append('|');
    AccessLog.appendMillis(out, 1_005_000);
    out.append('|');
    AccessLog.appendMillis(out, 123_456_789_000L);
    assertThat(out).hasToString("0.00|1.01|123456.79");
  }

  @Test
  void timestampsKeepTheirMillisecondsAcrossSeconds() {
    StringBuilder out = new StringBuilder();
    Timestamps.append(out, Instant.parse("2026-11-22T02:58:10.007Z").toEpochMilli());
    out.append('|');
    Timestamps.append(out, Instant.parse("2026-11-22T02:58:11.070Z").toEpochMilli());
    out.append('|');
    Timestamps.append(out, Instant.parse("1969-12-31T23:59:59.999Z").toEpochMilli());
    assertThat(out)
        .hasToString("2026-11-22T02:58:10.007Z|2026-11-22T02:58:11.070Z|1969-12-31T23:59:59.999Z");
  }
}
