package dev.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCertificateTest {

  @TempDir Path certDir;

  @Test
  void createdOnceThenReusedWithPrivateKeys() throws Exception {
    DevCertificate.Loaded first = DevCertificate.load(certDir, Set.of());
    assertThat(first.caCreated()).isTrue();
    Path dev = certDir.resolve("dev");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dev)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dev.resolve("key.pem"))))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dev.resolve("ca-key.pem"))))
        .isEqualTo("rw-------");
    long written = Files.getLastModifiedTime(dev.resolve("cert.pem")).toMillis();

    DevCertificate.Loaded second = DevCertificate.load(certDir, Set.of());
    assertThat(second.caCreated()).isFalse();
    assertThat(second.caFingerprint()).isEqualTo(first.caFingerprint());
    assertThat(second.served().fingerprint()).isEqualTo(first.served().fingerprint());
    assertThat(Files.getLastModifiedTime(dev.resolve("cert.pem")).toMillis()).isEqualTo(written);
  }

  @Test
  void coversLocalNamesAndAddressesAndVerifiesAgainstItsCa() throws Exception {
    DevCertificate.Loaded loaded = DevCertificate.load(certDir, Set.of("shop.test"));
    X509Certificate leaf = loaded.served().leaf();
    X509Certificate ca = PemFiles.readChain(loaded.caFile()).get(0);
    leaf.verify(ca.getPublicKey());
    assertThat(loaded.served().names())
        .containsExactly("localhost", "*.localhost", "edge.local", "shop.test");
    assertThat(leaf.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList())
        .containsExactly(
            "localhost", "*.localhost", "edge.local", "shop.test", "127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(ca.getBasicConstraints()).isEqualTo(0);
    assertThat(loaded.served().chain()).hasSize(2);
  }

  @Test
  void newNamesGetANewLeafFromTheSameCa() throws Exception {
    DevCertificate.Loaded before = DevCertificate.load(certDir, Set.of());
    DevCertificate.Loaded after = DevCertificate.load(certDir, Set.of("api.local"));
    assertThat(after.caCreated()).isFalse();
    assertThat(after.caFingerprint()).isEqualTo(before.caFingerprint());
    assertThat(after.served().fingerprint()).isNotEqualTo(before.served().fingerprint());
    Collection<List<?>> names = after.served().leaf().getSubjectAlternativeNames();
    assertThat(names.stream().map(n -> String.valueOf(n.get(1))).toList()).contains("api.local");
  }
}
