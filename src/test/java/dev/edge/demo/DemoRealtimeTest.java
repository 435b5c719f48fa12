package dev.edge.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.sdk.EdgeWorker;
import dev.edge.sdk.RealtimeEvent;
import dev.edge.sdk.RealtimeEvent.Frame;
import dev.edge.sdk.WorkerEnvironment;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's realtime replies: directly ({@link DemoRealtime#reply}, the channels parser) and over
 * HTTP against a demo app served in-process by the SDK, as the edge would send the events.
 */
class DemoRealtimeTest {

  private static final String ID = "00112233445566778899aabbccddeeff";
  private static EdgeWorker worker;
  private static int port;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    WorkerEnvironment env = new WorkerEnvironment(null, port, 1, "demo", 1, "/ready");
    worker = EdgeWorker.start(env, new DemoApp(env)::handle);
  }

  @AfterAll
  static void stop() {
    worker.stop();
  }

  @Test
  void openSubscribesToTheQueryChannelsAndTextIsRelayedToThemWithoutTheSender() {
    List<String> channels = List.of("/lobby", "/news");
    assertThat(reply(Frame.OPEN, channels, "")).isEqualTo("{\"+\":[\"/lobby\",\"/news\"]}");
    assertThat(reply(Frame.TEXT, channels, "say \"hi\"\n"))
        .isEqualTo(
            "{\"@\":[\"/lobby\",\"/news\"],\">\":[\""
                + ID
                + "\"],\"from\":\""
                + ID
                + "\",\"text\":\"say \\\"hi\\\"\\n\"}");
    assertThat(reply(Frame.BINARY, channels, "")).isNull();
    assertThat(reply(Frame.CLOSE, channels, "")).isNull();
  }

  @Test
  void withoutChannelsEveryEventIsAnsweredWithNothing() {
    for (Frame frame : Frame.values()) {
      assertThat(reply(frame, List.of(), "hi")).as(frame.name()).isNull();
    }
  }

  @Test
  void channelsAreCommaSeparatedTrimmedSlashPrefixedAndDeduplicated() {
    assertThat(channels("/v1/realtime?channels=/lobby,/news")).containsExactly("/lobby", "/news");
    assertThat(channels("/v1/realtime?channels=%2Flobby,%20/news%20,lobby,,/,/lobby&channels=/x"))
        .containsExactly("/lobby", "/news", "/x");
    assertThat(channels("/v1/realtime?room=/lobby")).isEmpty();
    assertThat(channels("/v1/realtime")).isEmpty();
  }

  @Test
  void openOverHttpAnswersJsonWithTheQueryChannels() throws Exception {
    HttpResponse<String> open = post("?channels=/lobby,nope,/news", "open", ID, "");
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(open.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(open.body()).isEqualTo("{\"+\":[\"/lobby\",\"/news\"]}");
  }

  @Test
  void textOverHttpIsRelayedWithItsUnicodeIntact() throws Exception {
    HttpResponse<String> text = post("?channels=/lobby", "text", ID, "héllo ☺ \"q\" \\");
    assertThat(text.statusCode()).isEqualTo(200);
    assertThat(text.body())
        .isEqualTo(
            "{\"@\":[\"/lobby\"],\">\":[\""
                + ID
                + "\"],\"from\":\""
                + ID
                + "\",\"text\":\"héllo ☺ \\\"q\\\" \\\\\"}");
    HttpResponse<String> empty = post("?channels=/lobby", "text", ID, "");
    assertThat(empty.body()).endsWith(",\"text\":\"\"}");
  }

  @Test
  void closeBinaryAndChannellessEventsOverHttpAre204() throws Exception {
    assertThat(post("?channels=/lobby", "close", ID, "").statusCode()).isEqualTo(204);
    assertThat(post("?channels=/lobby", "binary", ID, "\u0000\u0001").statusCode()).isEqualTo(204);
    assertThat(post("", "open", ID, "").statusCode()).isEqualTo(204);
    HttpResponse<String> text = post("", "text", ID, "hi");
    assertThat(text.statusCode()).isEqualTo(204);
    assertThat(text.body()).isEmpty();
  }

  @Test
  void aRequestWithoutTheEventHeadersIs400() throws Exception {
    HttpResponse<String> noFrame = post("?channels=/lobby", null, ID, "hi");
    assertThat(noFrame.statusCode()).isEqualTo(400);
    assertThat(noFrame.body()).isEqualTo("expected Sec-WebSocket-Frame and X-Edge-Client-Id\n");
    assertThat(post("?channels=/lobby", "text", "not-an-id", "hi").statusCode()).isEqualTo(400);
  }

  @Test
  void chatIsASelfContainedPageThatConnectsToTheRealtimePathOnItsOwnHost() throws Exception {
    HttpResponse<String> page =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/chat")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body())
        .startsWith("<!doctype html>")
        .contains("location.protocol === 'https:' ? 'wss://' : 'ws://'")
        .contains("scheme + location.host + '/realtime?channels=/' + encodeURIComponent(room)")
        .contains("connect('lobby')")
        .contains("textContent")
        .doesNotContain("innerHTML")
        .doesNotContain("src=")
        .doesNotContain("href=")
        .doesNotContain("http://")
        .doesNotContain("https://");
  }

  private static String reply(Frame frame, List<String> channels, String text) {
    var reply = DemoRealtime.reply(new RealtimeEvent(frame, ID), channels, text);
    return reply.isEmpty() ? null : reply.toJson();
  }

  private static List<String> channels(String uri) {
    return DemoRealtime.channels(new QueryStringDecoder(uri));
  }

  private static HttpResponse<String> post(String query, String frame, String id, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/realtime" + query))
            .header("Content-Type", "text/plain; charset=utf-8")
            .header(RealtimeEvent.CLIENT_ID_HEADER, id)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (frame != null) {
      request.header(RealtimeEvent.FRAME_HEADER, frame);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
