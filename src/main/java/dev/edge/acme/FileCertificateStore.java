package dev.edge.acme;

import dev.edge.tls.KeyPairs;
import dev.edge.tls.PemFiles;
import dev.edge.tls.TlsCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * ACME certificates as PEM files under the edge's certificate directory: {@code
 * <cert-dir>/<domain>/cert.pem} (the chain, 0644) and {@code key.pem} (PKCS#8, 0600) in a 0700
 * directory, and the account key in {@code <cert-dir>/acme-account/account-key.pem} (0600). Each
 * file is written to a temporary name and renamed, so a reader never sees half a file; the key is
 * written before the chain, and a chain whose key does not match is treated as absent (a crash
 * between the two renames costs one new order, never a broken certificate).
 */
public final class FileCertificateStore implements CertificateStore {

  private static final String CERT = "cert.pem";
  private static final String KEY = "key.pem";

  private final Path certDir;

  /** A store under {@code certDir}. */
  public FileCertificateStore(Path certDir) {
    this.certDir = certDir;
  }

  @Override
  public Optional<Stored> load(String domain) throws IOException {
    Path dir = certDir.resolve(domain);
    if (!Files.isRegularFile(dir.resolve(CERT)) || !Files.isRegularFile(dir.resolve(KEY))) {
      return Optional.empty();
    }
    List<X509Certificate> chain = PemFiles.readChain(dir.resolve(CERT));
    PrivateKey key = PemFiles.readKey(dir.resolve(KEY));
    return TlsCertificates.matches(chain.get(0), key)
        ? Optional.of(new Stored(chain, key))
        : Optional.empty();
  }

  @Override
  public void save(String domain, Stored certificate) throws IOException {
    Path dir = privateDirectory(certDir.resolve(domain));
    PemFiles.writeKey(dir.resolve(KEY), certificate.key());
    PemFiles.writeChain(dir.resolve(CERT), certificate.chain());
  }

  @Override
  public synchronized KeyPair accountKey() throws IOException {
    Path file = privateDirectory(certDir.resolve("acme-account")).resolve("account-key.pem");
    if (Files.isRegularFile(file)) {
      return PemFiles.readKeyPair(file);
    }
    KeyPair keys = KeyPairs.newP256();
    PemFiles.writeKeyPair(file, keys);
    return keys;
  }

  @Override
  public String location() {
    return certDir.toString();
  }

  private static Path privateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    return dir;
  }
}
