package dev.edge.hub;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@link HubState} in this process: two maps (channel to clients, client to channels) changed
 * together under one lock, so a reader never sees a client in a channel it has left. A lookup
 * returns an immutable copy of the member set, which fan-out then iterates without holding the
 * lock; the copy is kept until the channel's membership changes, so publishing to a large channel
 * whose members stay put copies nothing.
 */
public final class LocalHubState implements HubState {

  private final Map<String, Set<String>> members = new HashMap<>();
  private final Map<String, Set<String>> channels = new HashMap<>();
  private final Map<String, Set<String>> snapshots = new HashMap<>();

  @Override
  public synchronized void subscribe(String client, Collection<String> names) {
    for (String channel : names) {
      if (members.computeIfAbsent(channel, c -> new HashSet<>()).add(client)) {
        snapshots.remove(channel);
      }
      channels.computeIfAbsent(client, c -> new HashSet<>()).add(channel);
    }
  }

  @Override
  public synchronized void unsubscribe(String client, Collection<String> names) {
    for (String channel : names) {
      leave(client, channel);
      Set<String> of = channels.get(client);
      if (of != null) {
        of.remove(channel);
        if (of.isEmpty()) {
          channels.remove(client);
        }
      }
    }
  }

  @Override
  public synchronized Set<String> members(String channel) {
    Set<String> in = members.get(channel);
    return in == null ? Set.of() : snapshots.computeIfAbsent(channel, c -> Set.copyOf(in));
  }

  @Override
  public synchronized Set<String> channelsOf(String client) {
    Set<String> of = channels.get(client);
    return of == null ? Set.of() : Set.copyOf(of);
  }

  @Override
  public synchronized void remove(String client) {
    Set<String> of = channels.remove(client);
    if (of != null) {
      for (String channel : of) {
        leave(client, channel);
      }
    }
  }

  @Override
  public synchronized int channelCount() {
    return members.size();
  }

  private void leave(String client, String channel) {
    Set<String> in = members.get(channel);
    if (in != null && in.remove(client)) {
      snapshots.remove(channel);
      if (in.isEmpty()) {
        members.remove(channel);
      }
    }
  }
}
