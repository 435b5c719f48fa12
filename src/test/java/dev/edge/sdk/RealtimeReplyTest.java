package dev.edge.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The reply builder's exact JSON, its escaping, and the event header reader. */
class RealtimeReplyTest {

  private static final String ID = "0123456789abcdef0123456789abcdef";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void oneItemIsAnObjectWithInstructionsFirstInAFixedOrder() {
    String json =
        RealtimeReply.create()
            .put("text", "hi")
            .close("bye")
            .exclude(ID)
            .unsubscribe("/old")
            .subscribe("/a", "/b")
            .to("/lobby", ID)
            .put("from", ID)
            .toJson();
    assertThat(json)
        .isEqualTo(
            "{\"@\":[\"/lobby\",\""
                + ID
                + "\"],\"+\":[\"/a\",\"/b\"],\"-\":[\"/old\"],\">\":[\""
                + ID
                + "\"],\"*\":\"bye\",\"text\":\"hi\",\"from\":\""
                + ID
                + "\"}");
  }

  @Test
  void severalItemsAreAnArrayInOrderAndEmptyOnesAreSkipped() {
    RealtimeReply reply =
        RealtimeReply.create().and().subscribe("/lobby").and().and().to("/lobby").put("joined", ID);
    assertThat(reply.toJson())
        .isEqualTo("[{\"+\":[\"/lobby\"]},{\"@\":[\"/lobby\"],\"joined\":\"" + ID + "\"}]");
    assertThat(reply.isEmpty()).isFalse();
  }

  @Test
  void anEmptyReplyIsEmptyAndWritesAnEmptyObject() {
    RealtimeReply reply = RealtimeReply.create().and().and();
    assertThat(reply.isEmpty()).isTrue();
    assertThat(reply.toJson()).isEqualTo("{}");
  }

  @Test
  void putAgainReplacesTheValueInPlace() {
    assertThat(RealtimeReply.create().put("a", 1).put("b", 2).put("a", 3).toJson())
        .isEqualTo("{\"a\":3,\"b\":2}");
  }

  @Test
  void stringsEscapeQuotesBackslashesAndControlCharacters() {
    String nasty = "say \"hi\" \\ back/slash\n\r\t\b\f\u0000\u0001\u001f\u007f end";
    String json = RealtimeReply.create().put("text", nasty).toJson();
    assertThat(json)
        .isEqualTo(
            "{\"text\":\"say \\\"hi\\\" \\\\ back/slash\\n\\r\\t\\b\\f"
                + "\\u0000\\u0001\\u001f\u007f end\"}");
    assertThat(JSON.readTree(json).get("text").asString()).isEqualTo(nasty);
  }

  @Test
  void unicodeIsWrittenAsIsAndOnlyUnpairedSurrogatesAreEscaped() {
    String text = "héllo ☺ 日本 😀 \u2028";
    assertThat(RealtimeReply.create().put("text", text).toJson())
        .isEqualTo("{\"text\":\"héllo ☺ 日本 😀 \u2028\"}");
    String broken = "a\ud83d b\ude00";
    String json = RealtimeReply.create().put("text", broken).toJson();
    assertThat(json).isEqualTo("{\"text\":\"a\\ud83d b\\ude00\"}");
    assertThat(JSON.readTree(json).get("text").asString()).isEqualTo(broken);
  }

  @Test
  void keysAndTargetsAreEscapedToo() {
    assertThat(
            RealtimeReply.create()
                .to("/room \"1\"")
                .close("line\nbreak")
                .put("k\"ey", "v")
                .toJson())
        .isEqualTo("{\"@\":[\"/room \\\"1\\\"\"],\"*\":\"line\\nbreak\",\"k\\\"ey\":\"v\"}");
  }

  @Test
  void payloadValuesNestMapsAndLists() {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("name", "ann");
    user.put("tags", List.of("a", "b"));
    user.put("none", null);
    Map<Object, Object> numbers = new LinkedHashMap<>();
    numbers.put(1, 2.5);
    numbers.put("big", new BigDecimal("12345678901234567890.5"));
    String json =
        RealtimeReply.create()
            .put("user", user)
            .put("n", 42)
            .put("long", Long.MAX_VALUE)
            .put("ok", true)
            .put("nil", null)
            .put("list", Arrays.asList(1, "two", null, List.of(), Map.of()))
            .put("numbers", numbers)
            .toJson();
    assertThat(json)
        .isEqualTo(
            "{\"user\":{\"name\":\"ann\",\"tags\":[\"a\",\"b\"],\"none\":null},\"n\":42,"
                + "\"long\":9223372036854775807,\"ok\":true,\"nil\":null,"
                + "\"list\":[1,\"two\",null,[],{}],"
                + "\"numbers\":{\"1\":2.5,\"big\":12345678901234567890.5}}");
    JsonNode tree = JSON.readTree(json);
    assertThat(tree.get("user").get("tags").get(1).asString()).isEqualTo("b");
  }

  @Test
  void invalidInputIsRefusedWhenItIsGivenNotWhenWritten() {
    RealtimeReply reply = RealtimeReply.create();
    assertThatThrownBy(() -> reply.put("@", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> reply.put("*", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> reply.put("x", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> reply.put("x", List.of(new Object())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
    assertThatThrownBy(() -> reply.subscribe("lobby"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("channel: lobby (expected a name starting with /)");
    assertThatThrownBy(() -> reply.unsubscribe("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> reply.to((String) null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> reply.close(null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(reply.isEmpty()).isTrue();
  }

  @Test
  void anEventIsReadFromItsTwoHeaders() {
    Map<String, String> headers =
        Map.of(RealtimeEvent.FRAME_HEADER, "text", RealtimeEvent.CLIENT_ID_HEADER, ID);
    assertThat(RealtimeEvent.read(headers::get))
        .contains(new RealtimeEvent(RealtimeEvent.Frame.TEXT, ID));
    assertThat(RealtimeEvent.Frame.parse("open")).contains(RealtimeEvent.Frame.OPEN);
    assertThat(RealtimeEvent.Frame.parse("CLOSE")).contains(RealtimeEvent.Frame.CLOSE);
    assertThat(RealtimeEvent.Frame.BINARY.headerValue()).isEqualTo("binary");
  }

  @Test
  void aMissingFrameOrAMalformedClientIdIsNoEvent() {
    assertThat(read("ping", ID)).isEmpty();
    assertThat(read(null, ID)).isEmpty();
    assertThat(read("open", null)).isEmpty();
    assertThat(read("open", ID.toUpperCase(java.util.Locale.ROOT))).isEmpty();
    assertThat(read("open", ID.substring(1))).isEmpty();
    assertThat(read("open", ID.substring(1) + "g")).isEmpty();
    assertThatThrownBy(() -> new RealtimeEvent(RealtimeEvent.Frame.OPEN, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Optional<RealtimeEvent> read(String frame, String id) {
    return RealtimeEvent.read(
        name ->
            name.equals(RealtimeEvent.FRAME_HEADER)
                ? frame
                : name.equals(RealtimeEvent.CLIENT_ID_HEADER) ? id : null);
  }
}
