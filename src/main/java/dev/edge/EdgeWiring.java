package dev.edge;

import dev.edge.config.EdgeOptions;
import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.observe.StatusEndpoint;
import dev.edge.pool.AppPool;
import dev.edge.pool.PoolListener;
import dev.edge.pool.WorkerSlot;
import dev.edge.proxy.WorkerForwarder;
import dev.edge.worker.SocketDirectory;
import dev.edge.worker.WorkerSupervisor;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * The composition root: builds every component explicitly, in the order the request path uses them.
 * Nothing else in the edge is a Spring bean.
 */
@Configuration(proxyBeanMethods = false)
public class EdgeWiring {

  /** The edge: listener, request path, the app's pool and its supervised workers. */
  @Bean
  EdgeServer edgeServer(EdgeOptions options, @Value("${edge.version:dev}") String version) {
    Instant startedAt = Instant.now();
    JsonMapper json = JsonMapper.builder().build();
    EdgeEvents events = new EdgeEvents(options.jsonLogging(), System.out);
    SocketDirectory sockets =
        SocketDirectory.create(
            options.socketDir(),
            (stale, killed) ->
                events.emit(Event.STALE_CLEANUP, "directory", stale, "killedWorkers", killed));
    AtomicReference<WorkerSupervisor> supervisor = new AtomicReference<>();
    AppPool pool =
        new AppPool(
            options.appId(),
            options.maxQueue(),
            options.queueTimeout(),
            Schedulers.parallel(),
            new PoolListener() {
              @Override
              public void unreachable(WorkerSlot worker) {
                supervisor.get().unreachable(worker);
              }

              @Override
              public void recycleDue(WorkerSlot worker) {
                supervisor.get().recycleDue(worker);
              }
            });
    supervisor.set(new WorkerSupervisor(options, pool, sockets, events));
    AtomicReference<EdgeServer> server = new AtomicReference<>();
    StatusEndpoint status =
        new StatusEndpoint(json, version, startedAt, () -> server.get().httpPort(), List.of(pool));
    EdgePipeline pipeline =
        new EdgePipeline(
            pool, new WorkerForwarder(options.readTimeout()), status, new ErrorResponder(json));
    server.set(new EdgeServer(options, pipeline, supervisor.get(), events, System.out));
    return server.get();
  }
}
