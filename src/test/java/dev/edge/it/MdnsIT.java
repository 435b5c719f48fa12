package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mDNS, proved in a private network namespace so that nothing is ever multicast on a real
 * interface: the edge runs under {@code unshare -n} with only {@code lo} (up, multicast on, a route
 * for 224.0.0.0/4), and {@link MdnsProbe} joins that namespace with {@code nsenter} to query it
 * with raw DNS packets and to reach the edge over HTTP. Needs root (CI runs as root) and {@code
 * unshare}, {@code nsenter} (util-linux) and {@code ip} (iproute2); without them the edge does not
 * start and the test fails, naming why.
 */
class MdnsIT {

  /** Sets up the namespace's {@code lo}, then becomes the edge's JVM ({@code $0 "$@"}). */
  static final List<String> IN_PRIVATE_NETWORK =
      List.of(
          "unshare",
          "-n",
          "sh",
          "-c",
          "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo"
              + " && exec \"$0\" \"$@\"");

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TTL = "ttl=[1-9][0-9]*";

  @TempDir Path dir;

  @Test
  void advertisesEdgeLocalAndTheSitesLocalHostsFollowsReloadsAndSaysGoodbye() throws Exception {
    Path edgefile = dir.resolve("Edgefile");
    write(edgefile, edgefile("[shop.local, www.shop.local, \"*.wild.local\", shop.example.test]"));
    EdgeProcess edge =
        EdgeProcess.start(
            IN_PRIVATE_NETWORK,
            List.of(),
            "--edgefile=" + edgefile,
            "--http-port=0",
            "--no-https",
            "--mdns-interface=lo",
            "--shutdown-grace-ms=2000");
    try (edge;
        Probe probe = Probe.join(edge)) {
      int port = edge.port();
      String http = "http://";
      assertThat(edge.awaitLine("mdns_advertised", WAIT))
          .endsWith(
              "mdns_advertised address=127.0.0.1 trigger=start added=[edge.local, shop.local]"
                  + " removed=[] urls=["
                  + http
                  + "edge.local:"
                  + port
                  + "/_edge/, "
                  + http
                  + "shop.local:"
                  + port
                  + "/] skipped=[www.shop.local]");
      assertThat(edge.lines("edge: mDNS "))
          .containsExactly(
              "edge: mDNS " + http + "edge.local:" + port + "/_edge/",
              "edge: mDNS " + http + "shop.local:" + port + "/");

      probe.query("edge.local A", "rr edge\\.local A " + TTL + " 127\\.0\\.0\\.1");
      probe.query("_http._tcp.local PTR", "rr _http\\._tcp\\.local PTR " + TTL + " edge\\._http.*");
      probe.query("_http._tcp.local PTR", "rr _http\\._tcp\\.local PTR " + TTL + " shop\\._http.*");
      probe.query(
          "edge._http._tcp.local SRV",
          "rr edge\\._http\\._tcp\\.local SRV " + TTL + " " + port + " edge\\.local");
      probe.query(
          "edge._http._tcp.local TXT",
          "rr edge\\._http\\._tcp\\.local TXT " + TTL + " path=/_edge/");
      probe.query(
          "shop._http._tcp.local TXT", "rr shop\\._http\\._tcp\\.local TXT " + TTL + " path=/");
      probe.query("shop.local A", "rr shop\\.local A " + TTL + " 127\\.0\\.0\\.1");
      assertThat(probe.lines("rr www.shop.local ")).isEmpty();

      int beforeReload = probe.mark();
      write(edgefile, edgefile("[blog.local, edge.local, shop.example.test]"));
      assertThat(probe.http("POST", "http://127.0.0.1:" + port + "/control/reload"))
          .matches("http 200 .*\"result\":\"(applied|unchanged)\".*");
      assertThat(edge.awaitLine("trigger=config_reload", WAIT))
          .endsWith(
              "mdns_advertised address=127.0.0.1 trigger=config_reload added=[blog.local]"
                  + " removed=[shop.local] changed=[edge.local] urls=["
                  + http
                  + "edge.local:"
                  + port
                  + "/, "
                  + http
                  + "blog.local:"
                  + port
                  + "/]");
      probe.await(beforeReload, "rr shop\\.local A ttl=0 127\\.0\\.0\\.1");
      probe.await(beforeReload, "rr _http\\._tcp\\.local PTR ttl=0 shop\\._http\\._tcp\\.local");
      probe.query(
          "edge._http._tcp.local TXT", "rr edge\\._http\\._tcp\\.local TXT " + TTL + " path=/");
      probe.query("blog.local A", "rr blog\\.local A " + TTL + " 127\\.0\\.0\\.1");
      probe.query("_http._tcp.local PTR", "rr _http\\._tcp\\.local PTR " + TTL + " blog\\._http.*");
      assertThat(probe.http("GET", "http://127.0.0.1:" + port + "/server"))
          .isEqualTo("http 200 ok");

      int beforeShutdown = probe.mark();
      edge.signal("TERM");
      assertThat(edge.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(edge.process.exitValue()).as("exit status; output %s", edge.output).isZero();
      assertThat(edge.lines("mdns_withdrawn"))
          .singleElement()
          .asString()
          .endsWith("mdns_withdrawn hosts=[edge.local, blog.local] trigger=shutdown");
      probe.await(beforeShutdown, "rr edge\\.local A ttl=0 127\\.0\\.0\\.1");
      probe.await(beforeShutdown, "rr _http\\._tcp\\.local PTR ttl=0 edge\\._http\\._tcp\\.local");
      probe.await(beforeShutdown, "rr edge\\._http\\._tcp\\.local TXT ttl=0 path=/");
      probe.await(beforeShutdown, "rr blog\\.local A ttl=0 127\\.0\\.0\\.1");
      probe.await(beforeShutdown, "rr _http\\._tcp\\.local PTR ttl=0 blog\\._http\\._tcp\\.local");
    }
  }

  @Test
  void withNoInterfaceToAdvertiseOnTheEdgeLogsOneLineAndServesOn() throws Exception {
    Path edgefile = dir.resolve("Edgefile");
    write(edgefile, edgefile("[shop.local]").replace("edge: {mdns: true}\n", ""));
    EdgeProcess edge =
        EdgeProcess.start(
            IN_PRIVATE_NETWORK,
            List.of(),
            "--edgefile=" + edgefile,
            "--http-port=0",
            "--no-https",
            "--mdns");
    try (edge;
        Probe probe = Probe.join(edge)) {
      int port = edge.port();
      assertThat(edge.awaitLine("mdns_failed", WAIT))
          .endsWith(
              "mdns_failed detail=no interface is up with an IPv4 address that is neither"
                  + " loopback nor link-local; name one with --mdns-interface; the edge serves on"
                  + " without mDNS");
      assertThat(probe.http("GET", "http://127.0.0.1:" + port + "/server"))
          .isEqualTo("http 200 ok");
      assertThat(probe.http("GET", "http://127.0.0.1:" + port + "/status"))
          .startsWith("http 200 {");
      assertThat(edge.lines("mdns")).hasSize(1);
      assertThat(edge.lines("edge: mDNS")).isEmpty();
    }
  }

  /** An Edgefile with mDNS on and one site of {@code hosts} that redirects everything. */
  private static String edgefile(String hosts) {
    return "version: 1\n"
        + "edge: {mdns: true}\n"
        + "sites:\n"
        + "  shop:\n"
        + "    hosts: "
        + hosts
        + "\n"
        + "    routes:\n"
        + "      - {path: /*, redirect: {to: \"https://example.test{path}\", status: 301}}\n";
  }

  private static void write(Path file, String text) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.writeString(partial, text);
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** {@link MdnsProbe} in the edge's network namespace, driven through its stdin and stdout. */
  private static final class Probe implements AutoCloseable {
    private final Process process;
    private final Writer commands;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private Probe(Process process) {
      this.process = process;
      this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread pump =
          new Thread(
              () -> {
                try (BufferedReader reader =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = reader.readLine()) != null) {
                    output.add(line);
                  }
                } catch (IOException e) {
                  // the probe ended
                }
              },
              "mdns-probe-output");
      pump.setDaemon(true);
      pump.start();
    }

    /** Starts the probe in {@code edge}'s network namespace, once the edge has printed its URL. */
    static Probe join(EdgeProcess edge) throws Exception {
      edge.port();
      Process process =
          new ProcessBuilder(
                  "nsenter",
                  "--net=/proc/" + edge.process.pid() + "/ns/net",
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  Path.of("target", "test-classes").toAbsolutePath().toString(),
                  MdnsProbe.class.getName())
              .redirectErrorStream(true)
              .start();
      Probe probe = new Probe(process);
      probe.await("probe ready");
      return probe;
    }

    /** Sends {@code query} (a name and a type) once a second until a record matches. */
    void query(String query, String record) throws Exception {
      Pattern expected = Pattern.compile(record);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        send("query " + query);
        long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < next) {
          if (output.stream().anyMatch(line -> expected.matcher(line).matches())) {
            return;
          }
          Thread.sleep(20);
        }
        assertThat(System.nanoTime())
            .as("an answer to %s matching %s; probe output %s", query, record, output)
            .isLessThan(deadline);
      }
    }

    /** How many lines the probe has printed so far. */
    int mark() {
      return output.size();
    }

    /** Waits until the probe printed a line matching {@code line}. */
    void await(String line) throws Exception {
      await(0, line);
    }

    /** Waits until the probe printed a line matching {@code line} after its first {@code mark}. */
    void await(int mark, String line) throws Exception {
      Pattern expected = Pattern.compile(line);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (output.subList(mark, output.size()).stream()
          .noneMatch(seen -> expected.matcher(seen).matches())) {
        assertThat(process.isAlive()).as("probe alive; output %s", output).isTrue();
        assertThat(System.nanoTime())
            .as("a probe line matching %s; probe output %s", line, output)
            .isLessThan(deadline);
        Thread.sleep(20);
      }
    }

    /** One HTTP request from inside the namespace: {@code http STATUS BODY}. */
    String http(String method, String url) throws Exception {
      int before = output.size();
      send("http " + method + " " + url);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        List<String> lines = output.subList(before, output.size());
        for (String line : lines) {
          if (line.startsWith("http ") || line.startsWith("error ")) {
            return line;
          }
        }
        assertThat(System.nanoTime())
            .as("an answer to %s %s; probe output %s", method, url, output)
            .isLessThan(deadline);
        Thread.sleep(20);
      }
    }

    List<String> lines(String prefix) {
      return output.stream().filter(line -> line.startsWith(prefix)).toList();
    }

    private void send(String command) throws IOException {
      commands.write(command + "\n");
      commands.flush();
    }

    @Override
    public void close() throws Exception {
      commands.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
