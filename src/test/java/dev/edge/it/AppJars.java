package dev.edge.it;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * App jars for tests: a manifest whose {@code Class-Path} is the test class path, so {@code java
 * -jar} runs a fixture class with everything it needs.
 */
final class AppJars {

  private AppJars() {}

  /**
   * Writes (atomically replacing) {@code jar} to run {@code mainClass} as version {@code version}.
   */
  static Path write(Path jar, String mainClass, String version) throws Exception {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String entries =
        Arrays.stream(classPath.split(File.pathSeparator))
            .filter(entry -> !entry.isBlank())
            .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString())
            .collect(Collectors.joining(" "));
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, entries);
    manifest.getMainAttributes().putValue("App-Version", version);
    Path partial = jar.resolveSibling(jar.getFileName() + ".partial");
    try (OutputStream out = Files.newOutputStream(partial);
        JarOutputStream ignored = new JarOutputStream(out, manifest)) {
      // manifest only
    }
    Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return jar;
  }
}
