package dev.edge.demo;

import dev.edge.sdk.RealtimeEvent;
import dev.edge.sdk.RealtimeReply;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The demo's realtime side: a chat over the edge's WebSocket hub. {@code POST /v1/realtime}
 * subscribes a client to the channels of its upgrade's {@code channels} query parameter when it
 * opens and relays each of its text frames to those channels; {@code GET /chat} is the page.
 */
final class DemoRealtime {

  private DemoRealtime() {}

  /**
   * Answers one realtime event. The body is always read to the end first, so the edge can reuse the
   * connection.
   */
  static Publisher<Void> handle(
      HttpServerRequest req, HttpServerResponse res, QueryStringDecoder query) {
    Optional<RealtimeEvent> event = RealtimeEvent.read(req);
    if (event.isEmpty()) {
      String expected =
          "expected "
              + RealtimeEvent.FRAME_HEADER
              + " and "
              + RealtimeEvent.CLIENT_ID_HEADER
              + "\n";
      return req.receive()
          .then(Mono.defer(() -> Mono.from(DemoApp.text(res.status(400), expected))));
    }
    List<String> channels = channels(query);
    Mono<String> text =
        event.get().frame() == RealtimeEvent.Frame.TEXT
            ? req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
            : req.receive().then(Mono.just(""));
    return text.flatMap(
        body -> {
          RealtimeReply reply = reply(event.get(), channels, body);
          if (reply.isEmpty()) {
            return Mono.from(res.status(204).send());
          }
          return Mono.from(
              res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                  .sendString(Mono.just(reply.toJson()), StandardCharsets.UTF_8));
        });
  }

  /**
   * The reply to an event: {@code open} joins {@code channels}; {@code text} sends {@code
   * {"from","text"}} to them, sender excluded; anything else, or no channels, is an empty reply
   * (answered {@code 204}).
   */
  static RealtimeReply reply(RealtimeEvent event, List<String> channels, String text) {
    RealtimeReply reply = RealtimeReply.create();
    if (channels.isEmpty()) {
      return reply;
    }
    String[] names = channels.toArray(String[]::new);
    switch (event.frame()) {
      case OPEN -> reply.subscribe(names);
      case TEXT ->
          reply.to(names).exclude(event.clientId()).put("from", event.clientId()).put("text", text);
      default -> {
        // binary frames and closes need nothing: the edge drops a closed client's subscriptions
      }
    }
    return reply;
  }

  /**
   * The channels of the {@code channels} query parameter(s): comma-separated, trimmed, each
   * starting with {@code /} and longer than that; others are ignored, repeats dropped.
   */
  static List<String> channels(QueryStringDecoder query) {
    Set<String> channels = new LinkedHashSet<>();
    for (String value : query.parameters().getOrDefault("channels", List.of())) {
      for (String name : value.split(",")) {
        String channel = name.trim();
        if (channel.length() > 1 && channel.startsWith("/")) {
          channels.add(channel);
        }
      }
    }
    return List.copyOf(channels);
  }

  /** {@code GET /chat}: the chat page, self-contained. */
  static Publisher<Void> chat(HttpServerResponse res) {
    return res.header(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
        .sendString(Mono.just(CHAT_PAGE), StandardCharsets.UTF_8);
  }

  /** Connects to {@code /realtime} on the page's own host; user text is only ever textContent. */
  static final String CHAT_PAGE =
      """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>edge chat</title>
      <style>
      body{font:15px/1.4 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em}
      #log{list-style:none;padding:.5em;margin:1em 0;height:22em;overflow-y:auto;border:1px solid #ccc}
      #log li{margin:.2em 0;white-space:pre-wrap;word-break:break-word}
      #log b{color:#246;margin-right:.5em}
      #log .me b{color:#642}
            form{display:flex;gap:.5em}
      #text{flex:1}
      </style></head>
      <body>
      <h1>edge chat</h1>
      <form id="join"><label>Room <input id="room" value="lobby" maxlength="40"></label>
      <button>Join</button></form>
      <p id="status">connecting</p>
      <ul id="log"></ul>
      <form id="say"><input id="text" autocomplete="off" maxlength="4000"
      placeholder="Say something"><button>Send</button></form>
      <script>
      (function () {
        var log = document.getElementById('log');
        var status = document.getElementById('status');
        var socket = null;
        function realtimeUrl(room) {
          var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
          return scheme + location.host + '/realtime?channels=/' + encodeURIComponent(room);
        }
        function show(who, text, kind) {
          var item = document.createElement('li');
          if (kind) { item.className = kind; }
          if (who) {
            var name = document.createElement('b');
            name.textContent = who;
            item.appendChild(name);
          }
          item.appendChild(document.createTextNode(text));
          log.appendChild(item);
          log.scrollTop = log.scrollHeight;
        }
        function connect(room) {
          if (socket) { socket.onclose = null; socket.close(); }
          status.textContent = 'connecting to /' + room;
          var ws = new WebSocket(realtimeUrl(room));
          socket = ws;
          ws.onopen = function () { status.textContent = 'in /' + room; };
          ws.onmessage = function (event) {
            var message;
            try { message = JSON.parse(event.data); } catch (e) { return; }
            if (message && typeof message.text === 'string') {
              show(String(message.from || '?').slice(0, 8), message.text);
            }
          };
          ws.onclose = function (event) {
            status.textContent = 'disconnected' + (event.reason ? ': ' + event.reason : '');
          };
        }
        document.getElementById('join').onsubmit = function (event) {
          event.preventDefault();
          var room = document.getElementById('room').value.replace(/[^A-Za-z0-9_-]/g, '');
          connect(room || 'lobby');
        };
        document.getElementById('say').onsubmit = function (event) {
          event.preventDefault();
          var input = document.getElementById('text');
          if (!input.value || !socket || socket.readyState !== WebSocket.OPEN) { return; }
          socket.send(input.value);
          show('you', input.value, 'me');
          input.value = '';
        };
        connect('lobby');
      })();
      </script>
      </body></html>
      """;
}
