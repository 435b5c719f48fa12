package dev.edge.control;

import dev.edge.ErrorResponder;
import dev.edge.observe.RequestIds;
import dev.edge.route.RequestPaths;
import dev.edge.sdk.EdgeWorker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The control socket: the control API ({@link ControlEndpoint#serve}) over HTTP on a Unix socket in
 * the run directory, mode 0600, so only the edge's user can reach it and no token is needed. It is
 * opened once the edge's listeners are bound (its name carries their port), with the pid file next
 * to it, and closed last when the edge stops, after requests drained, so {@code edge status} works
 * during a shutdown. Errors are the usual problem responses.
 */
public final class ControlSocket {

  private final Path runDir;
  private final ControlEndpoint endpoint;
  private final ErrorResponder errors;
  private final PrintStream console;
  private volatile DisposableServer server;
  private volatile Path socket;

  /** A socket to be opened in {@code runDir}. */
  public ControlSocket(
      Path runDir, ControlEndpoint endpoint, ErrorResponder errors, PrintStream console) {
    this.runDir = runDir;
    this.endpoint = endpoint;
    this.errors = errors;
    this.console = console;
  }

  /**
   * Cleans the run directory, writes the pid file and binds the socket for an edge on {@code port}.
   * A failure is one line on the console; the edge keeps serving without a control socket. Blocking
   * (file I/O, bind): called once at start-up.
   */
  public void open(int port) {
    Path path = null;
    try {
      RunDirectory.prepare(runDir);
      path = RunDirectory.socketFor(runDir, port);
      Files.deleteIfExists(path);
      RunDirectory.writePid(RunDirectory.pidFile(path));
      String address = path.toString();
      server =
          HttpServer.create()
              .bindAddress(() -> EdgeWorker.unixAddress(address))
              .handle(
                  (req, res) -> {
                    String id = RequestIds.resolve(req.requestHeaders().get(RequestIds.HEADER));
                    res.header(RequestIds.HEADER, id);
                    Mono<Void> answer;
                    try {
                      answer = endpoint.serve(RequestPaths.pathOf(req.uri()), req, res);
                    } catch (RuntimeException e) {
                      answer = Mono.error(e);
                    }
                    return answer.onErrorResume(error -> errors.respond(error, req, res, id));
                  })
              .bindNow();
      try {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: nothing to restrict.
      }
      socket = path;
      console.println("edge: control socket " + path);
    } catch (IOException | RuntimeException e) {
      console.println(
          "edge: no control socket ("
              + (path == null ? runDir : path)
              + ": "
              + e.getMessage()
              + "); the edge runs without one");
      if (path != null) {
        deleteQuietly(RunDirectory.pidFile(path));
      }
    }
    console.flush();
  }

  /** The socket's path, or null when it is not open. */
  public Path path() {
    return socket;
  }

  /** Unbinds the socket and removes it and the pid file (the last thing a stopping edge does). */
  public void close() {
    DisposableServer current = server;
    Path path = socket;
    if (current != null) {
      current.disposeNow();
    }
    if (path != null) {
      deleteQuietly(path);
      deleteQuietly(RunDirectory.pidFile(path));
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // A leftover file names a dead pid; the next edge to start removes it.
    }
  }
}
