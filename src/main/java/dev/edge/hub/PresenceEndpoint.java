package dev.edge.hub;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.control.AdminAccess;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET <realtime-path>/presence?channel=/room}: the clients in a channel now, {@code
 * {"channel", "count", "clients": [ids, sorted]}}. Loopback clients, the admin token or the publish
 * secret only ({@code 403} otherwise); a missing or invalid channel is {@code 400 bad_path}.
 */
final class PresenceEndpoint {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Hub hub;
  private final AdminAccess access;
  private final byte[] publishSecret;

  PresenceEndpoint(Hub hub, AdminAccess access, String publishSecret) {
    this.hub = hub;
    this.access = access;
    this.publishSecret =
        publishSecret == null ? null : ("Bearer " + publishSecret).getBytes(StandardCharsets.UTF_8);
  }

  Mono<Void> serve(HttpServerRequest req, HttpServerResponse res) {
    String authorization = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
    boolean secret =
        publishSecret != null
            && authorization != null
            && MessageDigest.isEqual(publishSecret, authorization.getBytes(StandardCharsets.UTF_8));
    if (!secret && !access.allows(req)) {
      throw new EdgeException(
          Reason.FORBIDDEN,
          "presence answers loopback clients, the admin token or the publish secret only");
    }
    List<String> channel = new QueryStringDecoder(req.uri()).parameters().get("channel");
    if (channel == null || !channel.get(0).startsWith("/")) {
      throw new EdgeException(
          Reason.BAD_PATH, "expected ?channel=/name (a channel name starts with /)");
    }
    TreeSet<String> clients = new TreeSet<>(hub.presence(channel.get(0)));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("channel", channel.get(0));
    doc.put("count", clients.size());
    doc.put("clients", clients);
    return res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .sendString(Mono.just(JSON.writeValueAsString(doc)))
        .then();
  }
}
