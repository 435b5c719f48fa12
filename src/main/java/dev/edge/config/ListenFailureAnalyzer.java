package dev.edge.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import reactor.netty.ChannelBindException;

/**
 * Turns "the listener could not bind" into a short explanation and a fix instead of a stack trace
 * (Spring Boot prints it as "APPLICATION FAILED TO START").
 */
public final class ListenFailureAnalyzer extends AbstractFailureAnalyzer<ChannelBindException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ChannelBindException cause) {
    String where = cause.localHost() + ":" + cause.localPort();
    return new FailureAnalysis(
        "edge cannot listen on " + where + ": " + rootCause(cause).getMessage(),
        "Stop the process that uses port "
            + cause.localPort()
            + " or start the edge with another --http-port or --https-port (0 picks a free one;"
            + " --no-https turns HTTPS off) or another --bind-address; for the management"
            + " listener, another --management-port or --management-address.",
        cause);
  }

  private static Throwable rootCause(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }
}
