package dev.edge.edgefile;

/**
 * A site's realtime hub settings from its Edgefile realtime: section.
 *
 * @param path where the site's WebSocket clients connect, or null for the edge's {@code
 *     --realtime-path}
 * @param app the app that receives the site's realtime events, or null for the app the site's route
 *     for {@code path} goes to
 * @param history messages kept per channel for catch-up ({@code ?since=<offset>}); 0 keeps none
 * @param historyTtl how long history messages are kept, or null to keep them until newer ones push
 *     them out (always null when {@code history} is 0)
 */
public record SiteRealtime(String path, String app, int history, java.time.Duration historyTtl) {
  public static final SiteRealtime NONE = new SiteRealtime(null, null, 0, null);
}
