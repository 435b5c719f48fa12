package dev.edge.worker;

import dev.edge.demo.DemoApp;
import dev.edge.demo.DemoWarmup;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How to start the built-in demo app in a child JVM from the edge's own code ("self-spawning").
 *
 * <p>From a build tree (tests, IDE) the child reuses the edge's class path. From {@code edge.jar}
 * the classes and the few libraries a worker needs (Reactor Netty, Netty, Reactor) are extracted
 * once into {@code <cache-dir>/runtime-<jar size>-<jar mtime>/} as plain jars: a plain class path
 * starts faster than the nested-jar loader and can use class-data sharing. The first time, a
 * background warm-up run records {@code demo.jsa}; later workers start with it. Nothing here is
 * ever committed or shipped: it is derived from the jar on the machine that runs it.
 *
 * <p>Blocking: {@link #prepare} does file I/O and must run off the event loop (it runs at
 * start-up).
 */
public final class DemoRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(DemoRuntime.class);
  private static final List<String> WORKER_LIBS =
      List.of("netty-", "reactor-", "reactive-streams-");

  private final String classPath;
  private final Path archive;

  private DemoRuntime(String classPath, Path archive) {
    this.classPath = classPath;
    this.archive = archive;
  }

  /** The class path for a demo worker. */
  public String classPath() {
    return classPath;
  }

  /** The class-data archive to start with, or null while none is recorded (or none applies). */
  public Path archiveIfReady() {
    return archive != null && Files.isRegularFile(archive) ? archive : null;
  }

  /** Resolves (and on first use extracts) the demo runtime; starts the archive warm-up if due. */
  public static DemoRuntime prepare(Path cacheDir, String java, List<String> javaOptions) {
    Path bootJar = bootJar();
    if (bootJar == null) {
      return new DemoRuntime(System.getProperty("java.class.path"), null);
    }
    try {
      Path runtime = extract(bootJar, cacheDir);
      List<String> entries = new ArrayList<>();
      entries.add(runtime.resolve("edge-classes.jar").toString());
      try (var libs = Files.list(runtime.resolve("lib"))) {
        libs.map(Path::toString).sorted().forEach(entries::add);
      }
      String classPath = String.join(File.pathSeparator, entries);
      Path archive = runtime.resolve("demo.jsa");
      if (!Files.exists(archive)) {
        warmUp(runtime, archive, java, javaOptions, classPath);
      }
      return new DemoRuntime(classPath, archive);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the demo runtime in " + cacheDir, e);
    }
  }

  /** The Spring Boot jar this process runs from, or null when it runs from a build tree. */
  private static Path bootJar() {
    String cp = System.getProperty("java.class.path", "");
    if (cp.contains(File.pathSeparator) || !cp.endsWith(".jar")) {
      return null;
    }
    Path jar = Path.of(cp).toAbsolutePath();
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getEntry("BOOT-INF/classes/") != null || file.getEntry("BOOT-INF/lib/") != null
          ? jar
          : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static Path extract(Path bootJar, Path cacheDir) throws IOException {
    String key =
        "runtime-" + Files.size(bootJar) + "-" + Files.getLastModifiedTime(bootJar).toMillis();
    Path runtime = cacheDir.resolve(key);
    if (Files.isDirectory(runtime)) {
      return runtime;
    }
    Files.createDirectories(cacheDir);
    Path staging = Files.createTempDirectory(cacheDir, key + ".tmp");
    Files.createDirectories(staging.resolve("lib"));
    try (JarFile jar = new JarFile(bootJar.toFile());
        JarOutputStream classes =
            new JarOutputStream(Files.newOutputStream(staging.resolve("edge-classes.jar")))) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        String name = entry.getName();
        if (name.startsWith("BOOT-INF/classes/") && !entry.isDirectory()) {
          classes.putNextEntry(new JarEntry(name.substring("BOOT-INF/classes/".length())));
          try (InputStream in = jar.getInputStream(entry)) {
            in.transferTo(classes);
          }
          classes.closeEntry();
        } else if (name.startsWith("BOOT-INF/lib/")
            && isWorkerLib(name.substring("BOOT-INF/lib/".length()))) {
          try (InputStream in = jar.getInputStream(entry);
              OutputStream out =
                  Files.newOutputStream(
                      staging.resolve("lib").resolve(name.substring("BOOT-INF/lib/".length())))) {
            in.transferTo(out);
          }
        }
      }
    }
    try {
      Files.move(staging, runtime, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException e) {
      // Another edge extracted the same jar first; use its copy.
    } catch (IOException e) {
      if (!Files.isDirectory(runtime)) {
        throw e;
      }
    }
    return runtime;
  }

  private static boolean isWorkerLib(String file) {
    return file.endsWith(".jar") && WORKER_LIBS.stream().anyMatch(file::startsWith);
  }

  /** Records the class-data archive in the background; workers use it from their next start. */
  private static void warmUp(
      Path runtime, Path archive, String java, List<String> javaOptions, String classPath)
      throws IOException {
    Path partial = runtime.resolve("demo.jsa." + ProcessHandle.current().pid());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(javaOptions);
    command.add("-XX:ArchiveClassesAtExit=" + partial);
    command.add("-cp");
    command.add(classPath);
    command.add(DemoWarmup.class.getName());
    command.add(runtime.resolve("warmup-" + ProcessHandle.current().pid() + ".sock").toString());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(runtime.resolve("warmup.log").toFile())
            .start();
    process
        .onExit()
        .thenAccept(
            done -> {
              try {
                if (done.exitValue() == 0 && Files.isRegularFile(partial)) {
                  Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
                  LOG.info("recorded class-data archive {} for demo workers", archive);
                } else {
                  Files.deleteIfExists(partial);
                  LOG.warn(
                      "demo warm-up exited {}; workers start without a class-data archive (see {})",
                      done.exitValue(),
                      runtime.resolve("warmup.log"));
                }
              } catch (IOException e) {
                LOG.warn("cannot install class-data archive {}: {}", archive, e.toString());
              }
            });
  }

  /** The demo's entry point, for the worker command line. */
  static String mainClass() {
    return DemoApp.class.getName();
  }
}
