package dev.edge.proxy;

import dev.edge.EdgeException;
import dev.edge.edgefile.HeaderRules;
import dev.edge.edgefile.Timeouts;
import dev.edge.observe.Exchange;
import dev.edge.pool.AppPool;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A real listener on a free loopback port that sends every request through {@link WorkerForwarder}
 * to {@code pool}, for forwarder tests without the rest of the edge. An edge error is answered with
 * its status and the body {@code "<reason code>: <message>"}.
 */
final class ForwardingListener {

  /** Queue, read and connect timeouts of 1 s. */
  static final Timeouts TIMEOUTS =
      new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));

  private ForwardingListener() {}

  static DisposableServer start(AppPool pool) {
    WorkerForwarder forwarder = new WorkerForwarder(null);
    return HttpServer.create()
        .host("127.0.0.1")
        .port(0)
        .handle(
            (req, res) ->
                forwarder
                    .forward(
                        pool,
                        TIMEOUTS,
                        req,
                        res,
                        new Exchange("req-test"),
                        HeaderRules.NONE,
                        -1,
                        null,
                        false)
                    .onErrorResume(
                        EdgeException.class,
                        e ->
                            res.status(e.reason().status())
                                .sendString(Mono.just(e.reason().code() + ": " + e.getMessage()))
                                .then()))
        .bindNow(Duration.ofSeconds(2));
  }
}
