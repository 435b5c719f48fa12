package dev.edge.hub;

import dev.edge.hub.Instructions.Instruction;
import dev.edge.observe.EdgeEvents;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The clients the edge holds and what they are told: applies instructions (from an app's answer to
 * an event, or from {@code /publish}) to channel membership and delivers their payloads. A fan-out
 * encodes its frame once; every recipient's frame shares that buffer, queued on the recipient and
 * written by its event loop's {@link Outbox}.
 */
public final class Hub {

  /** The status a slow consumer is closed with (try again later). */
  static final int TRY_AGAIN_LATER = 1013;

  /** What a client that cannot catch up is told. */
  private static final byte[] RESET =
      "{\"reset\":true}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final HubState state;
  private final EdgeEvents events;
  private final Map<String, HubClient> clients = new ConcurrentHashMap<>();
  private final Map<EventLoop, Outbox> outboxes = new ConcurrentHashMap<>();
  private final Map<String, Resolved> resolvedChannels = new ConcurrentHashMap<>();
  private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
  private final LongAdder connections = new LongAdder();
  private final LongAdder messagesIn = new LongAdder();
  private final LongAdder deliveries = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder slowConsumers = new LongAdder();
  private final LongAdder eventFailures = new LongAdder();
  private final LongAdder published = new LongAdder();
  private volatile ChannelHistory history;
  private int historySize;
  private java.time.Duration historyTtl;

  /** A hub keeping membership in {@code state}; slow-consumer closes go to {@code events}. */
  public Hub(HubState state, EdgeEvents events) {
    this.state = state;
    this.events = events;
  }

  /**
   * Keeps the last {@code perChannel} messages of every channel, each at most {@code ttl} (null: no
   * limit), for clients that reconnect with {@code ?since=}; 0 turns history off. A change starts a
   * new history.
   */
  public synchronized void keepHistory(int perChannel, java.time.Duration ttl) {
    if (perChannel == historySize && java.util.Objects.equals(ttl, historyTtl)) {
      return;
    }
    historySize = perChannel;
    historyTtl = ttl;
    history = perChannel == 0 ? null : new ChannelHistory(perChannel, ttl);
  }

  /** Clients connected now. */
  public int clients() {
    return clients.size();
  }

  /** Channels with at least one member now. */
  public int channels() {
    return state.channelCount();
  }

  /** The clients in {@code channel} now. */
  public Set<String> presence(String channel) {
    return state.members(channel);
  }

  /**
   * rip-server's {@code realtime} statistics plus the edge's: {@code clients, groups, deliveries,
   * messages, connections, published, dropped, slowConsumers, eventFailures}.
   */
  public Map<String, Object> stats() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("clients", clients.size());
    stats.put("groups", state.channelCount());
    stats.put("deliveries", deliveries.sum());
    stats.put("messages", messagesIn.sum());
    stats.put("connections", connections.sum());
    stats.put("published", published.sum());
    stats.put("dropped", dropped.sum());
    stats.put("slowConsumers", slowConsumers.sum());
    stats.put("eventFailures", eventFailures.sum());
    return stats;
  }

  /** Counts since start, by name, for the metrics. */
  long count(String name) {
    return switch (name) {
      case "connections" -> connections.sum();
      case "messages" -> messagesIn.sum();
      case "deliveries" -> deliveries.sum();
      case "dropped" -> dropped.sum();
      case "slow_consumers" -> slowConsumers.sum();
      case "event_failures" -> eventFailures.sum();
      default -> published.sum();
    };
  }

  /**
   * Whether one more client from {@code address} may connect ({@code maxPerAddress} 0: no limit).
   */
  boolean admits(String address, int maxPerAddress) {
    return maxPerAddress == 0 || perAddress.getOrDefault(address, 0) < maxPerAddress;
  }

  void added(HubClient client, String address) {
    clients.put(client.id, client);
    perAddress.merge(address, 1, Integer::sum);
    connections.increment();
  }

  void removed(HubClient client, String address) {
    if (clients.remove(client.id) != null) {
      perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
      state.channelsOf(client.id).forEach(resolvedChannels::remove); // holds no gone client
      state.remove(client.id);
    }
  }

  void messageIn() {
    messagesIn.increment();
  }

  void eventFailed() {
    eventFailures.increment();
  }

  /**
   * Applies {@code instructions} in order.
   *
   * @param sender the client whose event the app answered, or null ({@code /publish})
   * @return how many frames were delivered
   */
  int apply(String sender, List<Instruction> instructions) {
    if (history == null) {
      return applyEach(sender, instructions);
    }
    synchronized (this) {
      // with history, a message is either in a client's catch-up or delivered to it live
      return applyEach(sender, instructions);
    }
  }

  private int applyEach(String sender, List<Instruction> instructions) {
    ChannelHistory kept = history;
    int delivered = 0;
    for (Instruction instruction : instructions) {
      List<String> named =
          instruction.targets() != null
              ? instruction.targets()
              : sender != null ? List.of(sender) : List.of();
      Set<String> targets = resolve(named);
      if (!instruction.subscribe().isEmpty()) {
        targets.forEach(client -> state.subscribe(client, instruction.subscribe()));
        if (kept != null) {
          targets.forEach(client -> catchUp(kept, clients.get(client), instruction.subscribe()));
        }
      }
      if (!instruction.unsubscribe().isEmpty()) {
        targets.forEach(client -> state.unsubscribe(client, instruction.unsubscribe()));
      }
      Set<String> recipients = targets;
      if (!instruction.exclude().isEmpty()) {
        recipients = new HashSet<>(targets);
        recipients.removeAll(instruction.exclude()); // from the payload and from a close
      }
      if (instruction.payload() != null) {
        List<String> channelsNamed = named.stream().filter(n -> n.startsWith("/")).toList();
        byte[] frame =
            kept == null || channelsNamed.isEmpty()
                ? instruction.payload()
                : kept.record(channelsNamed, instruction.payload(), System.nanoTime()).frame();
        delivered +=
            recipients == targets && named.size() == 1 && named.get(0).startsWith("/")
                ? deliver(clientsOf(named.get(0), targets), frame)
                : deliver(recipients, frame);
      }
      if (instruction.closeReason() != null) {
        for (String target : recipients) {
          HubClient client = clients.get(target);
          if (client != null) {
            client.close(WebSocketCloseStatus.NORMAL_CLOSURE.code(), instruction.closeReason());
          }
        }
      }
    }
    if (sender == null) {
      published.increment();
    }
    return delivered;
  }

  /** Sends {@code client} what it missed in {@code joined} since its {@code ?since=} offset. */
  private void catchUp(ChannelHistory kept, HubClient client, List<String> joined) {
    if (client == null || client.since < 0 || client.resetSent) {
      return;
    }
    ChannelHistory.CatchUp missed = kept.since(joined, client.since, System.nanoTime());
    if (missed.reset()) {
      client.resetSent = true;
      deliver(Set.of(client.id), RESET);
      return;
    }
    for (ChannelHistory.Entry entry : missed.entries()) {
      if (client.caughtUp.add(entry.offset())) {
        deliver(Set.of(client.id), entry.frame());
      }
    }
  }

  /**
   * The clients {@code names} stand for: channels' members, and connected clients by id (read-only;
   * one channel's members are its state's snapshot, not a copy).
   */
  private Set<String> resolve(Collection<String> names) {
    if (names.size() == 1 && names.iterator().next().startsWith("/")) {
      return state.members(names.iterator().next());
    }
    Set<String> clientsNamed = new HashSet<>();
    for (String name : names) {
      if (name.startsWith("/")) {
        clientsNamed.addAll(state.members(name));
      } else if (clients.containsKey(name)) {
        clientsNamed.add(name);
      }
    }
    return clientsNamed;
  }

  /**
   * Sends {@code payload} to {@code recipients}: encodes its frame once and queues it on each
   * recipient, whose loop's {@link Outbox} writes it. Recipients on another event loop than the
   * caller's are handed to their loop in one task per loop, so each client's send queue is only
   * touched on its own loop. Each client gets frames in the order they were sent from one thread.
   * Returns the clients it went or will go to.
   */
  private int deliver(Set<String> recipients, byte[] payload) {
    return deliver(connected(recipients), payload);
  }

  /** The connected clients among {@code ids}. */
  private List<HubClient> connected(Collection<String> ids) {
    List<HubClient> connected = new ArrayList<>(ids.size());
    for (String id : ids) {
      HubClient client = clients.get(id);
      if (client != null) {
        connected.add(client);
      }
    }
    return connected;
  }

  private int deliver(List<HubClient> recipients, byte[] payload) {
    ByteBuf frame = TextFrames.encode(payload);
    int delivered = 0;
    Map<Outbox, List<HubClient>> elsewhere = null;
    Outbox kept = null;
    long number = -1;
    try {
      for (HubClient client : recipients) {
        Outbox outbox = client.outbox();
        if (outbox.loop().inEventLoop()) {
          if (outbox != kept) { // one loop's clients share one outbox: kept once per fan-out
            kept = outbox;
            number = outbox.frames().keep(frame.retain());
          }
          delivered += offer(client, number) ? 1 : 0;
        } else {
          if (elsewhere == null) {
            elsewhere = new java.util.HashMap<>();
          }
          elsewhere.computeIfAbsent(outbox, o -> new ArrayList<>()).add(client);
        }
      }
      deliveries.add(delivered);
      if (elsewhere != null) {
        for (Map.Entry<Outbox, List<HubClient>> loop : elsewhere.entrySet()) {
          delivered += loop.getValue().size();
          offerOn(loop.getKey(), loop.getValue(), frame.retain());
        }
      }
    } finally {
      frame.release();
    }
    return delivered;
  }

  /** Queues {@code frame} (a reference the caller gives up) on {@code targets}, on their loop. */
  private void offerOn(Outbox outbox, List<HubClient> targets, ByteBuf frame) {
    try {
      outbox
          .loop()
          .execute(
              () -> {
                long number = outbox.frames().keep(frame);
                int delivered = 0;
                for (HubClient client : targets) {
                  delivered += offer(client, number) ? 1 : 0;
                }
                deliveries.add(delivered);
              });
    } catch (RejectedExecutionException e) {
      frame.release(); // the edge is stopping
    }
  }

  /** Queues frame {@code number} on {@code client}, or closes it as a slow consumer. */
  private boolean offer(HubClient client, long number) {
    if (client.offer(number)) {
      return true;
    }
    dropped.increment();
    if (client.open()) {
      slowConsumers.increment();
      client.close(TRY_AGAIN_LATER, "slow consumer");
      events.emit(
          EdgeEvents.Event.REALTIME_SLOW_CONSUMER,
          "client",
          client.id,
          "app",
          client.app,
          "address",
          String.valueOf(client.address));
    }
    return false;
  }

  /**
   * The connected clients of {@code channel} whose ids are {@code members} (the state's snapshot),
   * kept while the state returns the same snapshot: publishing again and again to a large channel
   * whose members stay put looks up no client by id.
   */
  private List<HubClient> clientsOf(String channel, Set<String> members) {
    Resolved cached = resolvedChannels.get(channel);
    if (cached != null && cached.members() == members) {
      return cached.clients();
    }
    List<HubClient> kept = java.util.Collections.unmodifiableList(connected(members));
    resolvedChannels.put(channel, new Resolved(members, kept));
    return kept;
  }

  /** A channel's member snapshot and its clients. */
  private record Resolved(Set<String> members, List<HubClient> clients) {}

  /** The outbox of {@code loop}, which every client of that loop shares. */
  Outbox outboxFor(EventLoop loop) {
    return outboxes.computeIfAbsent(loop, Outbox::new);
  }

  /** Closes every client with {@code status} and {@code reason} (edge shutdown). */
  public void closeAll(int status, String reason) {
    clients.values().forEach(client -> client.close(status, reason));
  }
}
