package dev.edge.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) for the hub tests: text messages in order, the close. */
final class WsClient implements WebSocket.Listener, AutoCloseable {

  final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<String> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  final WebSocket socket;

  private WsClient(URI uri) throws Exception {
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(uri, this)
            .get(20, TimeUnit.SECONDS);
  }

  static WsClient connect(int port, String query) throws Exception {
    return new WsClient(URI.create("ws://127.0.0.1:" + port + "/realtime" + query));
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      messages.add(partial.toString());
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode + " " + reason);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete("error " + error);
  }

  /** Sends {@code text} and waits until it is handed to the socket. */
  void send(String text) throws Exception {
    socket.sendText(text, true).get(10, TimeUnit.SECONDS);
  }

  /** The next message, waiting up to 10 s; fails when none comes. */
  String next() throws InterruptedException {
    String message = messages.poll(10, TimeUnit.SECONDS);
    if (message == null) {
      throw new AssertionError("no message within 10 s");
    }
    return message;
  }

  /** Every message that arrives within {@code quiet} of the previous one. */
  List<String> drain(Duration quiet) throws InterruptedException {
    List<String> all = new ArrayList<>();
    for (String m = messages.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        m != null;
        m = messages.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) {
      all.add(m);
    }
    return all;
  }

  @Override
  public void close() {
    socket.abort();
  }
}
