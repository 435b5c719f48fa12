package dev.edge.demo;

import dev.edge.sdk.EdgeWorker;
import dev.edge.sdk.RealtimeEvent;
import dev.edge.sdk.WorkerEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * A short run of the demo app against itself, used once to record a class-data-sharing archive
 * ({@code -XX:ArchiveClassesAtExit}) so later demo workers start faster. Not a worker: it binds a
 * temporary socket, sends each endpoint a few requests, and exits 0.
 */
public final class DemoWarmup {

  private DemoWarmup() {}

  /** Entry point; {@code args[0]} is the temporary socket path. */
  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    Files.deleteIfExists(socket);
    WorkerEnvironment env = new WorkerEnvironment(socket.toString(), 0, 0, "demo", 0, "/ready");
    EdgeWorker worker = EdgeWorker.start(env, new DemoApp(env)::handle);
    HttpClient client =
        HttpClient.create().remoteAddress(() -> EdgeWorker.unixAddress(socket.toString()));
    for (int i = 0; i < 20; i++) {
      for (String uri :
          new String[] {
            "/ready", "/", "/hello", "/chat", "/bytes?n=100000", "/worker", "/missing"
          }) {
        client.get().uri(uri).responseContent().aggregate().asString().defaultIfEmpty("").block();
      }
      client
          .post()
          .uri("/echo")
          .send(Mono.just(io.netty.buffer.Unpooled.wrappedBuffer(new byte[1024])))
          .responseContent()
          .aggregate()
          .asString()
          .block();
      client
          .headers(
              headers ->
                  headers
                      .set(RealtimeEvent.FRAME_HEADER, "text")
                      .set(RealtimeEvent.CLIENT_ID_HEADER, "0".repeat(32)))
          .post()
          .uri(RealtimeEvent.PATH + "?channels=/lobby")
          .send(Mono.just(io.netty.buffer.Unpooled.wrappedBuffer("hi".getBytes())))
          .responseContent()
          .aggregate()
          .asString()
          .block();
    }
    worker.stop();
    System.exit(0);
  }
}
