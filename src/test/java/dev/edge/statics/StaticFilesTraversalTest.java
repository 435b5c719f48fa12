package dev.edge.statics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.scheduler.Schedulers;

/**
 * Every way out of the root that comes to mind, sent byte for byte over a socket (no client-side
 * normalization). {@code secret.txt} exists one level above the root and in a sibling directory, so
 * a path that escaped would be answered with 200 and the secret.
 */
class StaticFilesTraversalTest {

  @TempDir static Path base;
  static StaticServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new StaticServer(base, Schedulers.boundedElastic());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // climbing, plain and percent-encoded once, twice, three times, mixed
        "/../secret.txt                    | 400 | bad_path",
        "/../../../../etc/passwd           | 400 | bad_path",
        "/%2e%2e/secret.txt                | 400 | bad_path",
        "/%2E%2E/secret.txt                | 400 | bad_path",
        "/.%2e/secret.txt                  | 400 | bad_path",
        "/%252e%252e/secret.txt            | 400 | bad_path",
        "/%25252e%25252e/secret.txt        | 400 | bad_path",
        "/%25%32%65%25%32%65/secret.txt    | 400 | bad_path",
        "/..%2fsecret.txt                  | 400 | bad_path",
        "/..%2f                            | 400 | bad_path",
        "/..%252fsecret.txt                | 400 | bad_path",
        "/%2e%2e%2f%2e%2e%2fsecret.txt     | 400 | bad_path",
        "/sub/..%2f..%2fsecret.txt         | 400 | bad_path",
        "/sub/../../secret.txt             | 400 | bad_path",
        "/sub/%2e%2e/%2e%2e/secret.txt     | 400 | bad_path",
        "//../secret.txt                   | 400 | bad_path",
        "/./../secret.txt                  | 400 | bad_path",
        "/..                               | 400 | bad_path",
        // backslashes, raw and encoded
        "/..\\secret.txt                   | 400 | bad_path",
        "/sub\\..\\..\\secret.txt          | 400 | bad_path",
        "/%5c..%5csecret.txt               | 400 | bad_path",
        "/%255c..%255csecret.txt           | 400 | bad_path",
        "/hello.txt\\                      | 400 | bad_path",
        // NUL and other control characters
        "/%00                              | 400 | bad_path",
        "/hello.txt%00.png                 | 400 | bad_path",
        "/%2500                            | 400 | bad_path",
        "/hello%0a.txt                     | 400 | bad_path",
        "/hello%7f.txt                     | 400 | bad_path",
        // invalid encodings
        "/%zz                              | 400 | bad_path",
        "/%2                               | 400 | bad_path",
        "/hello.txt%                       | 400 | bad_path",
        "/%c0%ae%c0%ae/secret.txt          | 400 | bad_path",
        "/%u002e%u002e/secret.txt          | 400 | bad_path",
        "/%ff.txt                          | 400 | bad_path",
        "/%25252525252525252525252e        | 400 | bad_path",
        // symlinks that lead outside, or to a dotfile, or nowhere
        "/outside-link.txt                 | 404 | not_found",
        "/outside-dir/secret.txt           | 404 | not_found",
        "/outside-dir                      | 404 | not_found",
        "/outside-dir/                     | 404 | not_found",
        "/absolute-link.txt                | 404 | not_found",
        "/dotfile-link.txt                 | 404 | not_found",
        "/loop                             | 404 | not_found",
        "/inside-dir/../../secret.txt      | 400 | bad_path",
        // dotfiles and dot-directories
        "/.env                             | 404 | not_found",
        "/%2eenv                           | 404 | not_found",
        "/%252eenv                         | 404 | not_found",
        "/.git/config                      | 404 | not_found",
        "/.git/                            | 404 | not_found",
        "/sub/.hidden                      | 404 | not_found",
        "/sub/.well-known/security.txt     | 404 | not_found",
        // look like tricks elsewhere, are plain missing names here
        "/..;/secret.txt                   | 404 | not_found",
        "/secret.txt                       | 404 | not_found",
        "/....//secret.txt                 | 404 | not_found",
      })
  void refused(String target, int status, String reason) throws Exception {
    StaticServer.Raw response = server.raw("GET", target);

    assertThat(response.status()).isEqualTo(status);
    assertThat(response.headers()).containsEntry("content-type", "application/problem+json");
    assertThat(response.problem())
        .containsEntry("status", status)
        .containsEntry("reason", reason)
        .containsEntry("requestId", "req-test");
    assertThat(response.text())
        .doesNotContain("top secret")
        .doesNotContain("outside secret")
        .doesNotContain(base.toString())
        .doesNotContain(base.toRealPath().toString());
  }

  @Test
  void theSameAttemptsUnderAPrefixedRouteAreRefusedToo() throws Exception {
    for (String target :
        new String[] {"/edits/../secret.txt", "/edits/%2e%2e/secret.txt", "/edits/%252e%252e/x"}) {
      assertThat(server.raw("GET", target).status()).as(target).isEqualTo(400);
    }
    assertThat(server.raw("GET", "/edits/outside-link.txt").status()).isEqualTo(404);
    assertThat(server.raw("GET", "/spa/../secret.txt").status()).isEqualTo(400);
    assertThat(server.raw("GET", "/spa/%2e%2e/root/hello.txt").status()).isEqualTo(400);
  }

  @Test
  void refusalsDoNotDependOnTheMethod() throws Exception {
    StaticServer.Raw head = server.raw("HEAD", "/%2e%2e/secret.txt");

    assertThat(head.status()).isEqualTo(400);
    assertThat(head.body()).isEmpty();
  }
}
