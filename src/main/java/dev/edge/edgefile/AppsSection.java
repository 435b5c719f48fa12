package dev.edge.edgefile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** The {@code apps:} section: each app's launch, pool settings, JVM options, environment, watch. */
final class AppsSection {

  /** The launch keys, exactly one of which an app has. */
  static final List<String> LAUNCH = List.of("jar", "main", "command", "builtin");

  private static final List<String> KEYS =
      Stream.of(
              LAUNCH,
              List.of("classpath"),
              PoolSection.KEYS,
              List.of("javaOptions", "env", "watch"))
          .flatMap(List::stream)
          .toList();

  private static final String ID_EXPECTED =
      "an id of letters, digits, \"_\", \".\" and \"-\", starting with a letter or digit,"
          + " at most 40 characters";
  private static final Pattern MAIN_CLASS =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Problems problems;
  private final Path baseDir;
  private final AppDefaults edge;

  private AppsSection(Problems problems, Path baseDir, AppDefaults edge) {
    this.problems = problems;
    this.baseDir = baseDir;
    this.edge = edge;
  }

  /**
   * The apps that are valid, by id in declaration order, and the ids of every declared app (valid
   * or not), which routes may name.
   *
   * @param defs valid apps by id
   * @param ids every well-formed app id declared
   */
  record Apps(Map<String, AppDef> defs, List<String> ids) {}

  /** Reads {@code apps:} (absent or empty: no apps). */
  static Apps read(Node node, AppDefaults edge, Path baseDir, Problems problems) {
    Map<String, AppDef> defs = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    Fields apps =
        Fields.read(node, "apps", null, "a mapping of app ids to app definitions", problems);
    if (apps == null) {
      return new Apps(defs, ids);
    }
    AppsSection section = new AppsSection(problems, baseDir, edge);
    for (Fields.Entry entry : apps.entries()) {
      String id = entry.name();
      if (!Values.isName(id)) {
        problems.value(entry.key(), apps.field(id), ID_EXPECTED);
        continue;
      }
      ids.add(id);
      AppDef def = section.app(id, entry.key(), entry.value());
      if (def != null) {
        defs.put(id, def);
      }
    }
    return new Apps(Collections.unmodifiableMap(defs), List.copyOf(ids));
  }

  private AppDef app(String id, Node key, Node node) {
    int before = problems.count();
    Fields fields =
        Fields.read(
            node,
            "apps." + id,
            KEYS,
            "a mapping with one of jar, main, command or builtin, and the app's settings",
            problems);
    if (fields == null) {
      return null;
    }
    AppDef.Launch launch = launch(fields, key);
    AppDefaults pool = PoolSection.read(fields, edge, problems);
    List<String> javaOptions = javaOptions(fields);
    Map<String, String> env = env(fields);
    List<String> watch = watch(fields, launch);
    if (problems.count() > before) {
      return null;
    }
    return new AppDef(
        id,
        launch,
        pool.transport(),
        pool.scheduling(),
        pool.workers(),
        pool.maxInflight(),
        pool.maxQueue(),
        pool.timeouts(),
        pool.startTimeout(),
        javaOptions,
        env,
        pool.restartPolicy(),
        pool.healthCheck(),
        watch);
  }

  private AppDef.Launch launch(Fields fields, Node appKey) {
    List<String> kinds =
        fields.entries().stream().map(Fields.Entry::name).filter(LAUNCH::contains).toList();
    if (kinds.isEmpty()) {
      problems.add(
          appKey, fields.path(), "missing launch", "expected one of: " + String.join(", ", LAUNCH));
      return null;
    }
    String kind = kinds.get(0);
    for (String other : kinds.subList(1, kinds.size())) {
      problems.add(
          fields.key(other),
          fields.field(other),
          "two launch kinds: \""
              + kind
              + "\" (line "
              + YamlTree.line(fields.key(kind))
              + ") and \""
              + other
              + "\"",
          "keep one: an app has exactly one of jar, main, command, builtin");
    }
    if (fields.has("classpath") && !kind.equals("main")) {
      problems.add(
          fields.key("classpath"), fields.field("classpath"), "only used with \"main\"", null);
    }
    if (fields.has("javaOptions") && kind.equals("command")) {
      problems.add(
          fields.key("javaOptions"),
          fields.field("javaOptions"),
          "not used with \"command\"",
          "put JVM options in the command itself");
    }
    Node node = fields.get(kind);
    String field = fields.field(kind);
    return switch (kind) {
      case "jar" -> jar(node, field);
      case "main" -> main(fields, node, field);
      case "command" -> command(node, field);
      default -> builtin(node, field);
    };
  }

  private AppDef.Launch jar(Node node, String field) {
    String expected = "a path to the app jar, relative to the Edgefile's directory";
    String text = Values.string(node, field, expected, problems);
    String path = text == null ? null : Values.resolve(text, baseDir);
    if (path == null) {
      if (text != null) {
        problems.value(node, field, expected);
      }
      return null;
    }
    return new AppDef.Launch.Jar(Path.of(path));
  }

  private AppDef.Launch main(Fields fields, Node node, String field) {
    String expected = "a fully qualified main class, e.g. com.example.Main";
    String main = Values.string(node, field, expected, problems);
    if (main != null && !MAIN_CLASS.matcher(main).matches()) {
      problems.value(node, field, expected);
      main = null;
    }
    if (!fields.has("classpath")) {
      problems.add(
          fields.key("main"),
          fields.field("classpath"),
          "missing",
          "\"main\" needs a class path, e.g. classpath: [lib/*, classes]");
      return null;
    }
    Node cpNode = fields.get("classpath");
    String cpField = fields.field("classpath");
    List<String> entries =
        Values.strings(
            cpNode,
            cpField,
            "a list of jars and directories, e.g. [lib/*, classes]",
            "a jar or directory path",
            problems);
    if (entries == null) {
      return null;
    }
    if (entries.isEmpty()) {
      problems.value(cpNode, cpField, "at least one jar or directory, e.g. [lib/*, classes]");
      return null;
    }
    List<String> classpath = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String path = Values.resolve(entries.get(i), baseDir);
      if (path == null) {
        problems.value(
            YamlTree.items(cpNode).get(i), cpField + "[" + i + "]", "a jar or directory path");
      }
      classpath.add(path);
    }
    return main == null || classpath.contains(null)
        ? null
        : new AppDef.Launch.MainClass(main, List.copyOf(classpath));
  }

  private AppDef.Launch command(Node node, String field) {
    String expected = "a command line: a list of strings, or one string split on spaces";
    List<String> argv;
    if (node instanceof ScalarNode scalar && !YamlTree.isNull(node)) {
      argv =
          Arrays.stream(scalar.getValue().trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    } else {
      argv = Values.strings(node, field, expected, "a program or argument", problems);
    }
    if (argv == null) {
      return null;
    }
    if (argv.isEmpty() || argv.stream().anyMatch(Values::hasControl)) {
      problems.value(node, field, expected);
      return null;
    }
    List<String> resolved = new ArrayList<>(argv);
    String program = argv.get(0);
    if (program.contains("/")) {
      resolved.set(0, Values.resolve(program, baseDir));
    }
    return new AppDef.Launch.Command(List.copyOf(resolved));
  }

  private AppDef.Launch builtin(Node node, String field) {
    String expected = "demo (the only built-in app)";
    String name = Values.string(node, field, expected, problems);
    if (name != null && !name.equals("demo")) {
      String nearest = Suggestions.nearest(name, List.of("demo"));
      problems.value(
          node, field, expected, nearest == null ? null : Suggestions.didYouMean(nearest));
      return null;
    }
    return name == null ? null : new AppDef.Launch.Builtin(name);
  }

  private List<String> javaOptions(Fields fields) {
    Node node = fields.get("javaOptions");
    if (node == null) {
      return List.of();
    }
    List<String> options =
        Values.strings(
            node,
            fields.field("javaOptions"),
            "a list of JVM options, e.g. [-Xmx256m]",
            "a JVM option, e.g. -Xmx256m",
            problems);
    return options == null ? List.of() : List.copyOf(options);
  }

  private Map<String, String> env(Fields app) {
    Fields fields =
        Fields.read(
            app.get("env"),
            app.field("env"),
            null,
            "a mapping of variable names to values, e.g. {LOG_LEVEL: info}",
            problems);
    Map<String, String> env = new LinkedHashMap<>();
    if (fields == null) {
      return Map.of();
    }
    for (Fields.Entry entry : fields.entries()) {
      String name = entry.name();
      String field = fields.field(name);
      if (!ENV_NAME.matcher(name).matches()) {
        problems.value(
            entry.key(),
            field,
            "a variable name of letters, digits and \"_\", not starting with a digit");
      } else if (name.startsWith("EDGE_")) {
        problems.add(
            entry.key(),
            field,
            "name \"" + name + "\" is reserved",
            "the edge sets the EDGE_ variables of each worker itself");
      }
      String expected = "a string, number or boolean";
      String value = Values.string(entry.value(), field, expected, problems);
      if (value != null && value.indexOf('\0') >= 0) {
        problems.value(entry.value(), field, expected + " without NUL characters");
      }
      env.put(name, value);
    }
    return Collections.unmodifiableMap(env);
  }

  private List<String> watch(Fields fields, AppDef.Launch launch) {
    Node node = fields.get("watch");
    if (node == null) {
      return launch instanceof AppDef.Launch.Jar jar ? List.of(jar.jar().toString()) : List.of();
    }
    String field = fields.field("watch");
    String item = "a file, directory or glob, relative to the Edgefile's directory";
    List<String> entries =
        Values.strings(node, field, "a list of files, directories or globs", item, problems);
    if (entries == null) {
      return List.of();
    }
    List<String> watch = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String path = Values.resolve(entries.get(i), baseDir);
      if (path == null) {
        problems.value(YamlTree.items(node).get(i), field + "[" + i + "]", item);
      } else {
        watch.add(path);
      }
    }
    return List.copyOf(watch);
  }
}
