package dev.edge.edgefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.config.EdgeOptions.Transport;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgefileReaderTest {

  private static final AppDefaults DEFAULTS = EdgefileGoldenTest.DEFAULTS;

  private static final String TEXT =
      """
      version: 1
      apps:
        api:
          jar: apps/api.jar
          env: {B: 2, A: 1}
      sites:
        web:
          hosts: [Example.COM, "*.Example.com"]
          routes:
            - path: /api/*
              methods: [get, Post]
              app: api
            - path: /
              proxy: HTTP://Backend:8080/
      """;

  @TempDir Path dir;

  @Test
  void normalizesIntoTheModel() {
    EdgefileReader.Result result = EdgefileReader.parse(TEXT, "Edgefile", dir, DEFAULTS);

    assertThat(result.ok()).isTrue();
    EdgeConfig config = result.config();
    AppDef api = config.apps().get("api");
    Path jar = dir.toAbsolutePath().resolve("apps/api.jar");
    assertThat(api.launch()).isEqualTo(new AppDef.Launch.Jar(jar));
    assertThat(api.watch()).containsExactly(jar.toString());
    assertThat(api.env().keySet()).containsExactly("B", "A");
    assertThat(api.env()).containsEntry("B", "2");
    assertThat(api.transport()).isEqualTo(Transport.UNIX);
    EdgeConfig.Site web = config.sites().get("web");
    assertThat(web.hosts()).containsExactly("example.com", "*.example.com");
    EdgeConfig.Route first = web.routes().get(0);
    assertThat(first.field()).isEqualTo("sites.web.routes[0]");
    assertThat(first.line()).isEqualTo(10);
    assertThat(first.path()).isEqualTo(new PathPattern("/api", true));
    assertThat(first.methods()).containsExactly("GET", "POST");
    assertThat(first.headers()).isEqualTo(HeaderRules.NONE);
    assertThat(first.timeouts()).isEqualTo(DEFAULTS.timeouts());
    assertThat(first.buffering()).isEqualTo(BodyBuffering.BOTH);
    assertThat(web.routes().get(1).buffering()).isEqualTo(BodyBuffering.NONE);
    assertThat(web.routes().get(1).path()).isEqualTo(new PathPattern("/", false));
    assertThat(web.routes().get(1).action())
        .isEqualTo(new RouteAction.Proxy(List.of(URI.create("http://backend:8080")), null));
  }

  @Test
  void readingTheSameTextTwiceGivesEqualConfigs() {
    EdgeConfig one = EdgefileReader.parse(TEXT, "Edgefile", dir, DEFAULTS).config();
    EdgeConfig two = EdgefileReader.parse(TEXT, "Edgefile", dir, DEFAULTS).config();
    assertThat(one).isEqualTo(two);
    assertThat(one.apps().get("api")).isEqualTo(two.apps().get("api"));
  }

  /**
   * A reload keeps an app's runtime and workers when its {@link AppDef} is equal; buffering is on
   * the route, so changing it changes the route table only, never rolls the app.
   */
  @Test
  void changingBufferingChangesTheRouteButNotTheApp() {
    String buffered =
        TEXT.replace(
            "        app: api\n",
            "        app: api\n        buffering: {request: false, response: false}\n");
    assertThat(buffered).isNotEqualTo(TEXT);
    EdgeConfig before = EdgefileReader.parse(TEXT, "Edgefile", dir, DEFAULTS).config();
    EdgeConfig after = EdgefileReader.parse(buffered, "Edgefile", dir, DEFAULTS).config();

    assertThat(after.apps()).isEqualTo(before.apps());
    EdgeConfig.Route was = before.sites().get("web").routes().get(0);
    EdgeConfig.Route now = after.sites().get("web").routes().get(0);
    assertThat(now).isNotEqualTo(was);
    assertThat(now.buffering()).isEqualTo(BodyBuffering.NONE);
    assertThat(now).usingRecursiveComparison().ignoringFields("buffering").isEqualTo(was);
  }

  @Test
  void theVersionIsTheStartOfTheSha256OfTheBytes() throws Exception {
    Path file = Files.writeString(dir.resolve("Edgefile"), TEXT);
    String sha =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(TEXT.getBytes(StandardCharsets.UTF_8)));

    EdgefileReader.Result read = EdgefileReader.read(file, DEFAULTS);
    assertThat(read.version()).isEqualTo(sha.substring(0, 12));
    assertThat(EdgefileReader.parse(TEXT, "x", dir, DEFAULTS).version()).isEqualTo(read.version());
    assertThat(EdgefileReader.parse(TEXT + " ", "x", dir, DEFAULTS).version())
        .isNotEqualTo(read.version());
  }

  @Test
  void relativePathsAreResolvedAgainstTheFilesDirectory() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("deploy"));
    Path file = Files.writeString(sub.resolve("Edgefile"), TEXT);
    EdgeConfig config = EdgefileReader.read(file, DEFAULTS).config();
    assertThat(config.apps().get("api").launch())
        .isEqualTo(new AppDef.Launch.Jar(sub.toAbsolutePath().resolve("apps/api.jar")));
    assertThat(EdgefileJson.write(config, sub))
        .contains("\"jar\": \"${EDGEFILE_DIR}/apps/api.jar\"");
  }

  @Test
  void anUnreadableFileThrows() {
    assertThatThrownBy(() -> EdgefileReader.read(dir.resolve("missing"), DEFAULTS))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void aFileThatIsNotUtf8IsOneProblem() throws IOException {
    Path file = Files.write(dir.resolve("Edgefile"), new byte[] {'v', ':', ' ', (byte) 0xff});
    EdgefileReader.Result result = EdgefileReader.read(file, DEFAULTS);
    assertThat(result.config()).isNull();
    assertThat(result.problems())
        .extracting(p -> p.format("Edgefile"))
        .containsExactly(
            "Edgefile:1:1: document: the file is not UTF-8 text \u2014 save it as UTF-8");
  }

  @Test
  void problemsAreSortedByLineThenColumn() {
    String text =
        """
        version: 1
        sites:
          b:
            hosts: [a.example.com, a.example.com]
            routes: [{path: x, app: nope}]
          a:
            hosts: [a.example.com]
        """;
    List<Problem> problems = EdgefileReader.parse(text, "E", dir, DEFAULTS).problems();
    assertThat(problems).hasSizeGreaterThan(3);
    assertThat(problems)
        .isSortedAccordingTo(
            (x, y) -> x.line() != y.line() ? x.line() - y.line() : x.column() - y.column());
  }

  @Test
  void builtInDefaultsAreTheCommandLineDefaults() {
    AppDefaults defaults = AppDefaults.builtIn();
    assertThat(defaults.transport()).isEqualTo(Transport.UNIX);
    assertThat(defaults.workers())
        .isEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors()));
    assertThat(defaults.maxInflight()).isEqualTo(32);
    assertThat(defaults.maxQueue()).isEqualTo(1000);
    assertThat(defaults.timeouts())
        .isEqualTo(
            new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30)));
    assertThat(defaults.startTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(defaults.restartPolicy())
        .isEqualTo(new AppDef.RestartPolicy(10, Duration.ofSeconds(60)));
    assertThat(defaults.healthCheck())
        .isEqualTo(
            new AppDef.HealthCheck("/ready", Duration.ofSeconds(5), Duration.ofSeconds(2), 3));
  }

  @Test
  void oddYamlNeverThrows() {
    List<String> inputs =
        List.of(
            "",
            "---\n---\n",
            "[",
            "{a",
            "version: 1\nsites: *missing\n",
            "a: &x [*x]\n",
            "!!binary 'AAAA'\n",
            "version: !!float 1\n",
            "? [a, b]\n: c\n",
            "version: 1\nsites:\n  ? {a: b}\n  : {}\n",
            "version: 1\nsites: {web: {hosts: [*], routes: []}}\n",
            "version: 1\n<<: {sites: 1}\n",
            "version: 1\napps: {a: {<<: 5}}\n",
            "version: 1\napps: {a: &x {<<: *x}}\n",
            "version: 1\napps: &y {a: *y}\n",
            "[".repeat(200) + "]".repeat(200),
            "a: " + "{b: ".repeat(100) + "c" + "}".repeat(100),
            billionLaughs());
    for (String input : inputs) {
      EdgefileReader.Result result = EdgefileReader.parse(input, "E", dir, DEFAULTS);
      assertThat(result.ok()).as(input).isFalse();
      assertThat(result.problems()).as(input).noneMatch(p -> p.message().startsWith("the checker"));
    }
  }

  @Test
  void mutatedExampleNeverThrows() throws IOException {
    String example = Files.readString(EdgefileGoldenTest.EXAMPLE);
    Random random = new Random(42);
    for (int i = 0; i < 300; i++) {
      StringBuilder text = new StringBuilder(example);
      for (int edits = 0; edits < 3; edits++) {
        int at = random.nextInt(text.length());
        switch (random.nextInt(3)) {
          case 0 -> text.deleteCharAt(at);
          case 1 -> text.insert(at, ":-[{*&|>\"' \n\t#,?".charAt(random.nextInt(16)));
          default -> text.delete(at, Math.min(text.length(), at + random.nextInt(40)));
        }
      }
      EdgefileReader.Result result =
          EdgefileReader.parse(text.toString(), "E", Path.of("config"), DEFAULTS);
      assertThat(result.problems())
          .as(text.toString())
          .noneMatch(p -> p.message().startsWith("the checker"));
      assertThat(result.ok()).isEqualTo(result.config() != null);
    }
  }

  private static String billionLaughs() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 12; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }
    return yaml.toString();
  }
}
