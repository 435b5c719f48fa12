package dev.edge.hub;

import java.util.Collection;
import java.util.Set;

/**
 * Channel membership: which clients are in which channel (names start with {@code /}). One edge
 * keeps it in memory ({@link LocalHubState}); a cluster of edges can keep it in a shared store.
 * Thread-safe.
 */
public interface HubState {

  /** Adds {@code client} to {@code channels}. */
  void subscribe(String client, Collection<String> channels);

  /** Removes {@code client} from {@code channels}; channels left empty are forgotten. */
  void unsubscribe(String client, Collection<String> channels);

  /** The clients in {@code channel} now (a snapshot; empty when there is no such channel). */
  Set<String> members(String channel);

  /** The channels {@code client} is in now (a snapshot). */
  Set<String> channelsOf(String client);

  /** Removes {@code client} from every channel. */
  void remove(String client);

  /** Channels with at least one member. */
  int channelCount();
}
