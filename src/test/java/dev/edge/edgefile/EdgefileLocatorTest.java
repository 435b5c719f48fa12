package dev.edge.edgefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgefileLocatorTest {

  @TempDir Path cwd;

  @Test
  void findsNothingInAnEmptyDirectory() {
    assertThat(EdgefileLocator.find(cwd, null)).isEmpty();
  }

  @Test
  void prefersEdgefileOverConfigEdgefile() throws IOException {
    Path top = Files.writeString(cwd.resolve("Edgefile"), "version: 1\n");
    Files.createDirectories(cwd.resolve("config"));
    Files.writeString(cwd.resolve("config/Edgefile"), "version: 1\n");
    assertThat(EdgefileLocator.find(cwd, null)).contains(top);
  }

  @Test
  void fallsBackToConfigEdgefile() throws IOException {
    Files.createDirectories(cwd.resolve("config"));
    Path config = Files.writeString(cwd.resolve("config/Edgefile"), "version: 1\n");
    assertThat(EdgefileLocator.find(cwd, null)).contains(config);
  }

  @Test
  void ignoresADirectoryNamedEdgefile() throws IOException {
    Files.createDirectories(cwd.resolve("Edgefile"));
    assertThat(EdgefileLocator.find(cwd, null)).isEmpty();
  }

  @Test
  void anExplicitPathWinsAndIsResolvedAgainstTheWorkingDirectory() throws IOException {
    Files.writeString(cwd.resolve("Edgefile"), "version: 1\n");
    Files.createDirectories(cwd.resolve("deploy"));
    Path explicit = Files.writeString(cwd.resolve("deploy/prod.yaml"), "version: 1\n");
    assertThat(EdgefileLocator.find(cwd, Path.of("deploy/prod.yaml"))).contains(explicit);
    assertThat(EdgefileLocator.find(Path.of("/"), explicit)).contains(explicit);
  }

  @Test
  void aMissingExplicitPathIsNotReplacedByADefaultOne() throws IOException {
    Files.writeString(cwd.resolve("Edgefile"), "version: 1\n");
    assertThat(EdgefileLocator.find(cwd, Path.of("missing.yaml"))).isEmpty();
  }
}
