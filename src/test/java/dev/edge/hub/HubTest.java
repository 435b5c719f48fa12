package dev.edge.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubTest {

  private final java.io.ByteArrayOutputStream eventLines = new java.io.ByteArrayOutputStream();
  private final Hub hub =
      new Hub(
          new LocalHubState(),
          new dev.edge.observe.EdgeEvents(true, new java.io.PrintStream(eventLines, true)));

  private HubClient connect(String id, EmbeddedChannel channel) {
    return connect(id, channel, -1);
  }

  private HubClient connect(String id, EmbeddedChannel channel, long since) {
    return connect(id, channel, since, hub.outboxFor(channel.eventLoop()));
  }

  private HubClient connect(String id, EmbeddedChannel channel, long since, Outbox outbox) {
    HubClient client =
        new HubClient(
            id,
            channel,
            outbox,
            "demo",
            null,
            EmptyHttpHeaders.INSTANCE,
            new InetSocketAddress("127.0.0.1", 1),
            3,
            1 << 20,
            10,
            100,
            since);
    hub.added(client, "127.0.0.1");
    return client;
  }

  /** What {@code channel} was sent once its loop ran: text payloads and close frames. */
  private static List<String> texts(EmbeddedChannel channel) {
    channel.runPendingTasks();
    return written(channel);
  }

  /** What was written to {@code channel} so far, without running its loop. */
  private static List<String> written(EmbeddedChannel channel) {
    List<String> texts = new ArrayList<>();
    for (Object frame = channel.readOutbound(); frame != null; frame = channel.readOutbound()) {
      if (frame instanceof ByteBuf encoded) {
        while (encoded.isReadable()) { // one frame, or several written together
          assertThat((int) encoded.readUnsignedByte()).as("final text frame").isEqualTo(0x81);
          int length = encoded.readUnsignedByte();
          assertThat(length).as("unmasked, short").isLessThan(126);
          texts.add(encoded.readCharSequence(length, StandardCharsets.UTF_8).toString());
        }
      } else if (frame instanceof CloseWebSocketFrame close) {
        texts.add("close " + close.statusCode() + " " + close.reasonText());
      }
      ReferenceCountUtil.release(frame);
    }
    return texts;
  }

  @Test
  void channelsClientsExclusionAndTheSenderAsDefaultTarget() {
    EmbeddedChannel a = new EmbeddedChannel();
    EmbeddedChannel b = new EmbeddedChannel();
    EmbeddedChannel c = new EmbeddedChannel();
    connect("a", a);
    connect("b", b);
    connect("c", c);
    hub.apply("a", Instructions.parse("{\"+\":[\"/room\"]}"));
    hub.apply("b", Instructions.parse("{\"+\":[\"/room\",\"/other\"]}"));
    assertThat(hub.presence("/room")).containsExactlyInAnyOrder("a", "b");
    assertThat(hub.channels()).isEqualTo(2);

    int delivered =
        hub.apply("a", Instructions.parse("{\"@\":[\"/room\",\"c\"],\">\":[\"a\"],\"m\":1}"));
    assertThat(delivered).isEqualTo(2);
    assertThat(texts(a)).isEmpty();
    assertThat(texts(b)).containsExactly("{\"m\":1}");
    assertThat(texts(c)).containsExactly("{\"m\":1}");

    hub.apply("b", Instructions.parse("[{\"-\":[\"/room\"]},{\"@\":\"/room\",\"m\":2}]"));
    assertThat(texts(a)).containsExactly("{\"m\":2}");
    assertThat(texts(b)).isEmpty();
    assertThat(hub.apply("a", Instructions.parse("{\"ping\":true}"))).isEqualTo(1);
    assertThat(texts(a)).containsExactly("{\"ping\":true}");
    assertThat(hub.apply(null, Instructions.parse("{\"ping\":true}")))
        .as("published without @ reaches nobody")
        .isZero();
    assertThat(hub.stats())
        .containsEntry("clients", 3)
        .containsEntry("groups", 2)
        .containsEntry("deliveries", 4L)
        .containsEntry("published", 1L);
  }

  @Test
  void aCloseInstructionClosesItsTargetsWithTheReason() {
    EmbeddedChannel a = new EmbeddedChannel();
    connect("a", a);
    hub.apply(null, Instructions.parse("{\"@\":[\"a\"],\"*\":\"kicked\"}"));
    assertThat(texts(a)).containsExactly("close 1000 kicked");
    assertThat(a.isOpen()).isFalse();
  }

  @Test
  void aClientThatDoesNotReadIsClosedAsASlowConsumerAndTheOthersGetEverything() {
    EmbeddedChannel stuck = new EmbeddedChannel(new HoldWrites());
    EmbeddedChannel fast = new EmbeddedChannel();
    connect("stuck", stuck);
    connect("fast", fast);
    hub.apply("stuck", Instructions.parse("{\"+\":[\"/all\"]}"));
    hub.apply("fast", Instructions.parse("{\"+\":[\"/all\"]}"));
    for (int i = 0; i < 5; i++) {
      hub.apply(null, Instructions.parse("{\"@\":\"/all\",\"i\":" + i + "}"));
      stuck.runPendingTasks(); // both loops flush between publishes; stuck's socket takes nothing
      fast.runPendingTasks();
    }
    assertThat(texts(fast))
        .containsExactly("{\"i\":0}", "{\"i\":1}", "{\"i\":2}", "{\"i\":3}", "{\"i\":4}");
    Map<String, Object> stats = hub.stats();
    assertThat(stats).containsEntry("slowConsumers", 1L);
    assertThat(eventLines.toString())
        .as("one realtime_slow_consumer event")
        .containsOnlyOnce("\"event\":\"realtime_slow_consumer\"")
        .contains("\"client\":\"stuck\"");
    assertThat(stats.get("deliveries")).isEqualTo(8L); // 5 to fast, 3 queued for stuck
  }

  @Test
  void aLargeFanOutIsWrittenInSlicesAndReachesEveryoneOnce() {
    EmbeddedChannel owner = new EmbeddedChannel(); // its loop runs the outbox; never written to
    Outbox loop = new Outbox(owner.eventLoop());
    List<EmbeddedChannel> channels = new ArrayList<>();
    for (int i = 0; i < Outbox.SLICE * 2 + 10; i++) {
      EmbeddedChannel channel = new EmbeddedChannel();
      channels.add(channel);
      connect("c" + i, channel, -1, loop);
      hub.apply("c" + i, Instructions.parse("{\"+\":[\"/big\"]}"));
    }
    assertThat(hub.apply(null, Instructions.parse("{\"@\":\"/big\",\"n\":1}")))
        .isEqualTo(channels.size());
    assertThat(channels.stream().filter(c -> !c.outboundMessages().isEmpty()).count())
        .as("a fan-out only queues")
        .isZero();
    loop.run();
    assertThat(channels.stream().filter(c -> !c.outboundMessages().isEmpty()).count())
        .as("one flush task writes one slice")
        .isEqualTo(Outbox.SLICE);
    assertThat(loop.waiting()).isEqualTo(Outbox.SLICE + 10);
    owner.runPendingTasks();
    for (EmbeddedChannel channel : channels) {
      assertThat(written(channel)).containsExactly("{\"n\":1}");
    }
    assertThat(hub.stats()).containsEntry("deliveries", (long) channels.size());
    assertThat(loop.frames().kept()).as("the frame is released once all have it").isZero();
  }

  @Test
  void framesQueuedBeforeAFlushGoOutTogetherInOrder() {
    EmbeddedChannel a = new EmbeddedChannel();
    Outbox loop = new Outbox(a.eventLoop());
    connect("a", a, -1, loop);
    hub.apply(null, Instructions.parse("{\"@\":\"a\",\"i\":1}"));
    hub.apply(null, Instructions.parse("{\"@\":\"a\",\"i\":2}"));
    assertThat(loop.waiting()).as("marked once for both frames").isEqualTo(1);
    a.runPendingTasks();
    assertThat(a.outboundMessages()).as("written as one message").hasSize(1);
    assertThat(written(a)).containsExactly("{\"i\":1}", "{\"i\":2}");
    hub.apply(null, Instructions.parse("{\"@\":\"a\",\"i\":3}"));
    assertThat(loop.waiting()).as("marked again after its flush").isEqualTo(1);
    assertThat(texts(a)).containsExactly("{\"i\":3}");
  }

  @Test
  void removedClientsLeaveEveryChannel() {
    EmbeddedChannel a = new EmbeddedChannel();
    HubClient client = connect("a", a);
    hub.apply("a", Instructions.parse("{\"+\":[\"/x\",\"/y\"]}"));
    hub.removed(client, "127.0.0.1");
    assertThat(hub.channels()).isZero();
    assertThat(hub.clients()).isZero();
    assertThat(hub.admits("127.0.0.1", 1)).isTrue();
  }

  @Test
  void aReconnectingClientGetsExactlyWhatItMissedOrAReset() {
    hub.keepHistory(3, null);
    EmbeddedChannel first = new EmbeddedChannel();
    HubClient gone = connect("a", first);
    hub.apply("a", Instructions.parse("{\"+\":[\"/r\",\"/s\"]}"));
    hub.apply(null, Instructions.parse("{\"@\":\"/r\",\"i\":1}"));
    hub.apply(null, Instructions.parse("{\"@\":[\"/r\",\"/s\"],\"i\":2}"));
    assertThat(texts(first)).containsExactly("{\"_offset\":1,\"i\":1}", "{\"_offset\":2,\"i\":2}");
    hub.removed(gone, "127.0.0.1");
    hub.apply(null, Instructions.parse("{\"@\":\"/s\",\"i\":3}"));
    hub.apply(null, Instructions.parse("{\"@\":\"/r\",\"i\":4}"));

    EmbeddedChannel again = new EmbeddedChannel();
    connect("a2", again, 2);
    hub.apply("a2", Instructions.parse("{\"+\":[\"/r\",\"/s\"]}"));
    hub.apply(null, Instructions.parse("{\"@\":\"/r\",\"i\":5}"));
    assertThat(texts(again))
        .as("offsets 3 and 4 once each, in order, then live")
        .containsExactly(
            "{\"_offset\":3,\"i\":3}", "{\"_offset\":4,\"i\":4}", "{\"_offset\":5,\"i\":5}");

    EmbeddedChannel late = new EmbeddedChannel();
    connect("old", late, 0);
    hub.apply("old", Instructions.parse("{\"+\":[\"/r\"]}"));
    assertThat(texts(late))
        .as("offset 1 of /r was pushed out by 2, 4 and 5")
        .containsExactly("{\"reset\":true}");
  }

  @Test
  void clientIdsAre32LowerCaseHexCharacters() {
    assertThat(RealtimeEndpoint.newClientId()).matches("[0-9a-f]{32}");
    assertThat(RealtimeEndpoint.newClientId()).isNotEqualTo(RealtimeEndpoint.newClientId());
  }

  /** Never completes a write, like a client whose socket buffer is full. */
  private static final class HoldWrites extends ChannelOutboundHandlerAdapter {
    private final List<Object> held = new ArrayList<>();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof CloseWebSocketFrame) {
        ctx.write(msg, promise);
        return;
      }
      held.add(msg);
    }
  }
}
