package dev.edge.config;

import dev.edge.config.OptionsParser.Option;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every option the edge accepts, with its default and what it expects ({@link
 * OptionsParser#OPTIONS}): the core list here, then the options of the feature classes that read
 * their own ({@link MdnsOptions}, {@link MemoryOptions}).
 */
final class OptionCatalog {

  private OptionCatalog() {}

  /** Every option, in the order help lists them. */
  static final List<Option> ALL =
      concat(
          new Option("http-port", "8080", "a port 0-65535 (0 = any free port)"),
          new Option("bind-address", "0.0.0.0", "an IP address or host name to listen on"),
          new Option("app", "(none: the demo app)", "an app jar that exists"),
          new Option(
              "edgefile",
              "./Edgefile or ./config/Edgefile if present",
              "an Edgefile that exists (and no APP)"),
          new Option(
              "admin-token",
              "(none: control endpoints answer loopback clients only)",
              "a token of at least 16 characters without spaces"),
          new Option("workers", "cores, at least 2", "an integer 1-256"),
          new Option("event-loops", "half the cores", "an integer 1-256"),
          new Option("max-inflight", "32", "an integer 1-10000"),
          new Option("max-queue", "1000", "an integer 0-1000000"),
          new Option("queue-timeout-ms", "30000", "milliseconds 1-3600000"),
          new Option("read-timeout-ms", "30000", "milliseconds 1-3600000"),
          new Option("start-timeout-ms", "60000", "milliseconds 1-3600000"),
          new Option(
              "socket-dir", "<tmpdir>/edge-<user>", "a directory path of at most 60 characters"),
          new Option("cache-dir", "~/.cache/edge", "a directory path"),
          new Option(
              "run-dir",
              "$XDG_RUNTIME_DIR/edge or <tmpdir>/edge-<user>",
              "a path of 1-80 characters"),
          new Option("transport", "unix", "unix or tcp"),
          new Option("worker-scheduling", "batch", "batch or normal"),
          new Option("health-path", "/ready", "a path starting with / (no query)"),
          new Option("worker-java-options", "(see docs)", "JVM options separated by spaces"),
          new Option("json-logging", "false", "true or false"),
          new Option("no-access-log", "false (access log on)", "true or false"),
          new Option("header-timeout-ms", "10000", "milliseconds 1-3600000"),
          new Option("idle-timeout-ms", "60000", "milliseconds 1-86400000"),
          new Option("body-idle-timeout-ms", "30000", "milliseconds 1-3600000"),
          new Option("request-timeout-ms", "60000", "milliseconds 1-3600000"),
          new Option("max-body-mb", "10", "an integer 0-1048576 (MiB; 0 = no limit)"),
          new Option("max-header-bytes", "16384", "an integer 1024-1048576"),
          new Option("max-connections-per-client", "0 (no limit)", "an integer 0-1000000"),
          new Option("hsts", "false", "true or false"),
          new Option("rate-limit", "0 (off)", "requests per window per client, 0-1000000000"),
          new Option("rate-limit-window-ms", "60000", "milliseconds 1-86400000"),
          new Option(
              "trusted-proxies",
              "(none: the client is the socket peer)",
              "comma-separated IPv4/IPv6 CIDRs or addresses"),
          new Option("no-metrics", "false (metrics on)", "true or false"),
          new Option("request-buffer-kb", "64", "an integer 0-1048576 (KiB)"),
          new Option("response-buffer-kb", "64", "an integer 0-1048576 (KiB)"),
          new Option("response-buffer-max-mb", "1024", "an integer 1-1048576 (MiB)"),
          new Option("buffer-dir", "<tmpdir>", "a directory path"),
          new Option("no-fast-lane", "false (fast lane on)", "true or false"),
          new Option("https-port", "8443", "an integer 0-65535 (0 = any free port)"),
          new Option("no-https", "false (HTTPS on)", "true or false"),
          new Option("cert", "(none: the dev certificate)", "a readable PEM certificate file"),
          new Option("key", "(none)", "a readable PEM private key file, given with --cert"),
          new Option("cert-dir", "~/.local/share/edge/certs", "a directory path"),
          new Option("no-redirect-http", "false (redirect on)", "true or false"),
          new Option("no-http", "false (HTTP on)", "true or false (needs HTTPS)"),
          new Option("acme", "false", "true or false"),
          new Option(
              "acme-domain",
              "(none)",
              "comma-separated DNS names with at least two labels, no wildcards"),
          new Option("acme-email", "(none)", "an e-mail address"),
          new Option("acme-staging", "false", "true or false"),
          new Option(
              "acme-directory",
              "acme://letsencrypt.org",
              "an https:// ACME directory URL or an acme:// URI"),
          new Option("acme-trust", "(none)", "a readable PEM file of CA certificates"),
          new Option(
              "acme-challenges",
              "http-01,tls-alpn-01",
              "http-01 and/or tls-alpn-01, comma-separated, in the order to try"),
          new Option("realtime-path", "/realtime", "a path starting with / (no query)"),
          new Option(
              "publish-secret",
              "(none: /publish answers loopback clients only; env EDGE_PUBLISH_SECRET)",
              "a secret of at least 16 characters without spaces"),
          new Option("realtime-send-queue", "1024", "an integer 1-1000000 (messages)"),
          new Option("realtime-send-queue-kb", "1024", "an integer 1-1048576 (KiB)"),
          new Option("realtime-max-frame-kb", "64", "an integer 1-16384 (KiB)"),
          new Option("realtime-max-clients", "10000", "an integer 1-1000000"),
          new Option("realtime-max-per-address", "0 (no limit)", "an integer 0-1000000"),
          new Option("realtime-message-rate", "100", "messages per second, 1-1000000"),
          new Option("realtime-event-queue", "1000", "an integer 1-1000000"),
          new Option("realtime-ping-ms", "30000", "milliseconds 100-3600000"),
          new Option("health-interval-ms", "5000", "milliseconds 1-3600000"),
          new Option("health-timeout-ms", "2000", "milliseconds 1-3600000"),
          new Option("health-failures", "3", "an integer 1-100"),
          new Option("max-restarts", "10", "an integer 0-1000"),
          new Option("restart-window-ms", "60000", "milliseconds 1-3600000"),
          new Option("max-requests", "0", "an integer 0-1000000000 (0 = never recycle)"),
          new Option("max-age-ms", "0", "milliseconds 0-604800000 (0 = never recycle)"),
          new Option("drain-timeout-ms", "30000", "milliseconds 1-3600000"),
          new Option("roll-parallelism", "cores", "an integer 1-256"),
          new Option("watch", "the app jar", "comma-separated files, directories or globs"),
          new Option("watch-debounce-ms", "300", "milliseconds 1-3600000"),
          new Option("shutdown-grace-ms", "30000", "milliseconds 1-3600000"),
          new Option("management-port", "(none: off)", "a port 0-65535 (0 = any free port)"),
          new Option("management-address", "127.0.0.1", "an IP address or host name"));

  private static List<Option> concat(Option... core) {
    return Stream.of(
            Arrays.stream(core), MdnsOptions.OPTIONS.stream(), MemoryOptions.OPTIONS.stream())
        .flatMap(s -> s)
        .toList();
  }
}
