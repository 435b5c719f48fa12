package dev.edge.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.tls.PemFiles;
import dev.edge.tls.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCertificateStoreTest {

  @TempDir Path dir;

  @Test
  void aSavedCertificateLoadsBackWithPrivateFiles() throws Exception {
    new TestCertificates().issue(dir.resolve("c.pem"), dir.resolve("k.pem"), 9, "a.example");
    CertificateStore.Stored issued =
        new CertificateStore.Stored(
            PemFiles.readChain(dir.resolve("c.pem")), PemFiles.readKey(dir.resolve("k.pem")));
    FileCertificateStore store = new FileCertificateStore(dir.resolve("certs"));
    assertThat(store.load("a.example")).isEmpty();
    store.save("a.example", issued);
    CertificateStore.Stored loaded = store.load("a.example").orElseThrow();
    assertThat(loaded.chain()).isEqualTo(issued.chain());
    assertThat(loaded.key().getEncoded()).isEqualTo(issued.key().getEncoded());
    assertThat(loaded.key().getAlgorithm()).isEqualTo("EC");
    Path domain = dir.resolve("certs").resolve("a.example");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(domain)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(domain.resolve("key.pem"))))
        .isEqualTo("rw-------");
  }

  @Test
  void aChainWhoseKeyDoesNotMatchIsTreatedAsAbsent() throws Exception {
    TestCertificates ca = new TestCertificates();
    ca.issue(dir.resolve("c1.pem"), dir.resolve("k1.pem"), 1, "a.example");
    ca.issue(dir.resolve("c2.pem"), dir.resolve("k2.pem"), 2, "a.example");
    FileCertificateStore store = new FileCertificateStore(dir.resolve("certs"));
    store.save(
        "a.example",
        new CertificateStore.Stored(
            PemFiles.readChain(dir.resolve("c1.pem")), PemFiles.readKey(dir.resolve("k2.pem"))));
    assertThat(store.load("a.example")).isEmpty();
  }

  @Test
  void theAccountKeyIsCreatedOnceAndReused() throws Exception {
    FileCertificateStore store = new FileCertificateStore(dir);
    KeyPair first = store.accountKey();
    KeyPair again = new FileCertificateStore(dir).accountKey();
    assertThat(again.getPrivate().getEncoded()).isEqualTo(first.getPrivate().getEncoded());
    assertThat(again.getPublic().getEncoded()).isEqualTo(first.getPublic().getEncoded());
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("acme-account/account-key.pem"))))
        .isEqualTo("rw-------");
  }
}
