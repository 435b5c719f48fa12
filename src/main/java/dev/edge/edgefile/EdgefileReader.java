package dev.edge.edgefile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads an Edgefile: parses the YAML, validates every key and value, and normalizes the result into
 * an {@link EdgeConfig} with every default filled in and every timeout inherited. All problems are
 * found in one pass, each with its line, column, field path and, where one helps, a hint; bad input
 * never throws.
 *
 * <p>The format is described in {@code docs/edge/EDGEFILE.md}.
 */
public final class EdgefileReader {

  /** The only file format version. */
  public static final int VERSION = 1;

  private static final List<String> TOP_KEYS =
      List.of("version", "edge", "apps", "sites", "tls", Fields.EXTENSIONS);

  /** The keys of {@code edge:}: the apps' pool defaults, and the edge-wide {@code mdns}. */
  private static final List<String> EDGE_KEYS =
      Stream.concat(PoolSection.KEYS.stream(), Stream.of("mdns")).toList();

  private EdgefileReader() {}

  /**
   * The result of reading one Edgefile.
   *
   * @param config the normalized configuration, or null when there are problems
   * @param problems every problem, by line then column; empty when {@code config} is set
   * @param version the first 12 hex characters of the SHA-256 of the file's bytes
   */
  public record Result(EdgeConfig config, List<Problem> problems, String version) {

    /** Keeps an immutable copy of {@code problems}. */
    public Result {
      problems = List.copyOf(problems);
    }

    /** Whether the file is valid ({@code config} is set). */
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * Reads and validates {@code file}; relative paths in it are resolved against the file's
   * directory.
   *
   * @throws IOException when the file cannot be read
   */
  public static Result read(Path file, AppDefaults defaults) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Path baseDir = file.toAbsolutePath().normalize().getParent();
    String version = version(bytes);
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      Problem problem =
          new Problem(1, 1, "document", "the file is not UTF-8 text", "save it as UTF-8");
      return new Result(null, List.of(problem), version);
    }
    return validate(text, baseDir, defaults, version);
  }

  /**
   * Validates Edgefile {@code text}.
   *
   * @param sourceName the file name as the user gave it; problems do not include it (print them
   *     with {@link Problem#format(String)})
   * @param baseDir the directory relative paths are resolved against
   * @param defaults the values the {@code edge:} block starts from
   */
  public static Result parse(String text, String sourceName, Path baseDir, AppDefaults defaults) {
    return validate(text, baseDir, defaults, version(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static Result validate(String text, Path baseDir, AppDefaults defaults, String version) {
    Problems problems = new Problems();
    EdgeConfig config;
    try {
      config = check(text, baseDir.toAbsolutePath().normalize(), defaults, problems);
    } catch (RuntimeException e) {
      problems.add(
          1,
          1,
          "document",
          "the checker failed: " + e,
          "this is a bug in the edge; please report it with the file");
      config = null;
    }
    return problems.count() == 0
        ? new Result(config, List.of(), version)
        : new Result(null, problems.sorted(), version);
  }

  private static EdgeConfig check(
      String text, Path baseDir, AppDefaults defaults, Problems problems) {
    Node root = YamlTree.compose(text, problems);
    if (problems.count() > 0) {
      return null;
    }
    String expected = "a mapping with version, edge, apps and sites";
    if (root != null && !(root instanceof MappingNode) && !YamlTree.isNull(root)) {
      problems.value(root, "document", expected);
      return null;
    }
    Fields top = Fields.read(root, "", TOP_KEYS, expected, problems);
    checkVersion(top, problems);
    Fields edgeFields =
        Fields.read(
            top.get("edge"),
            "edge",
            EDGE_KEYS,
            "a mapping of settings for every app, e.g. {workers: 4}",
            problems);
    AppDefaults edge =
        edgeFields == null ? defaults : PoolSection.read(edgeFields, defaults, problems);
    boolean mdns =
        edgeFields != null
            && edgeFields.has("mdns")
            && Boolean.TRUE.equals(
                Values.bool(edgeFields.get("mdns"), edgeFields.field("mdns"), problems));
    AppsSection.Apps apps = AppsSection.read(top.get("apps"), edge, baseDir, problems);
    ActionSection actions = new ActionSection(problems, baseDir, apps.ids());
    Map<String, EdgeConfig.Site> sites =
        SitesSection.read(top, apps, edge, actions, baseDir, problems);
    EdgeTls tls =
        top.has("tls") ? TlsSection.edge(top.get("tls"), baseDir, problems) : EdgeTls.NONE;
    return problems.count() > 0 ? null : new EdgeConfig(VERSION, apps.defs(), sites, tls, mdns);
  }

  private static void checkVersion(Fields top, Problems problems) {
    Node node = top.get("version");
    if (node == null) {
      top.missing("version", "add \"version: 1\" as the first line");
      return;
    }
    Values.integer(
        node, "version", VERSION, VERSION, "1, the only version this edge reads", problems);
  }

  private static String version(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
