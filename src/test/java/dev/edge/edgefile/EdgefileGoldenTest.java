package dev.edge.edgefile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.config.EdgeOptions.Scheduling;
import dev.edge.config.EdgeOptions.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files: each {@code edgefiles/valid/NAME.yaml} must read without problems and print as
 * {@code NAME.json}; each {@code edgefiles/invalid/NAME.yaml} must give exactly the problems in
 * {@code NAME.txt}. Run with {@code -Dedgefile.golden.update=true} to rewrite the expected files
 * (then review the diff).
 */
class EdgefileGoldenTest {

  static final Path GOLDEN = Path.of("src", "test", "resources", "edgefiles");
  static final Path EXAMPLE = Path.of("config", "Edgefile.example");
  static final boolean UPDATE = Boolean.getBoolean("edgefile.golden.update");

  /** Fixed defaults, so the output does not depend on the machine's cores. */
  static final AppDefaults DEFAULTS =
      new AppDefaults(
          Transport.UNIX,
          Scheduling.BATCH,
          2,
          32,
          1000,
          new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30)),
          Duration.ofSeconds(60),
          new AppDef.RestartPolicy(10, Duration.ofSeconds(60)),
          new AppDef.HealthCheck("/ready", Duration.ofSeconds(5), Duration.ofSeconds(2), 3));

  @TestFactory
  Stream<DynamicTest> validFilesMatchTheirJson() throws IOException {
    return yamlFiles("valid").stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    name(file), () -> checkValid(file, sibling(file, ".json"))));
  }

  @Test
  void theExampleIsValidAndMatchesItsJson() throws IOException {
    checkValid(EXAMPLE, GOLDEN.resolve("valid").resolve("Edgefile.example.json"));
  }

  @TestFactory
  Stream<DynamicTest> invalidFilesGiveExactlyTheirProblems() throws IOException {
    return yamlFiles("invalid").stream()
        .map(file -> DynamicTest.dynamicTest(name(file), () -> checkInvalid(file)));
  }

  @Test
  void thereAreEnoughGoldenFiles() throws IOException {
    assertThat(yamlFiles("valid")).hasSizeGreaterThanOrEqualTo(8);
    assertThat(yamlFiles("invalid")).hasSizeGreaterThanOrEqualTo(15);
  }

  private static void checkValid(Path file, Path expected) throws IOException {
    EdgefileReader.Result result = EdgefileReader.read(file, DEFAULTS);
    assertThat(result.problems())
        .as("problems of %s", file)
        .extracting(p -> p.format(name(file)))
        .isEmpty();
    String json = EdgefileJson.write(result.config(), file.toAbsolutePath().getParent());
    compare(json, expected);
  }

  private static void checkInvalid(Path file) throws IOException {
    EdgefileReader.Result result = EdgefileReader.read(file, DEFAULTS);
    assertThat(result.ok()).as("%s is invalid", file).isFalse();
    assertThat(result.config()).isNull();
    String text =
        result.problems().stream()
            .map(p -> p.format(name(file)) + "\n")
            .collect(Collectors.joining());
    compare(text, sibling(file, ".txt"));
  }

  private static void compare(String actual, Path expected) throws IOException {
    if (UPDATE) {
      Files.writeString(expected, actual, StandardCharsets.UTF_8);
      return;
    }
    assertThat(expected).as("golden file %s", expected).exists();
    assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
  }

  private static List<Path> yamlFiles(String kind) throws IOException {
    try (Stream<Path> files = Files.list(GOLDEN.resolve(kind))) {
      return files.filter(f -> name(f).endsWith(".yaml")).sorted().toList();
    }
  }

  private static Path sibling(Path file, String extension) {
    String name = name(file);
    return file.resolveSibling(name.substring(0, name.length() - ".yaml".length()) + extension);
  }

  private static String name(Path file) {
    return file.getFileName().toString();
  }
}
