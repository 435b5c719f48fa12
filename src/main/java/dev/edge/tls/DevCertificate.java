package dev.edge.tls;

import dev.edge.tls.ServedCertificate.Source;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The development certificate: a local CA (EC P-256, ten years) and a leaf it signs (EC P-256, one
 * year) for {@code localhost}, {@code *.localhost}, {@code 127.0.0.1}, {@code ::1} and the extra
 * local names the Edgefile serves. Kept in {@code <cert-dir>/dev/}: {@code ca.pem}, {@code
 * ca-key.pem}, {@code cert.pem}, {@code key.pem} (keys 0600, the directory 0700).
 *
 * <p>Created on first run and reused: the CA stays as long as it is readable and valid for another
 * {@link #RENEW_BEFORE}, so a user trusts it once ({@code curl --cacert <cert-dir>/dev/ca.pem});
 * the leaf is issued again when it nears its end, or when the names it must cover change. A file
 * lock keeps two edges starting together from issuing at once.
 */
public final class DevCertificate {

  /** Names every dev certificate covers ({@code edge.local}: the dashboard's mDNS name). */
  static final List<String> BASE_NAMES = List.of("localhost", "*.localhost", "edge.local");

  /** Addresses every dev certificate covers. */
  static final List<String> ADDRESSES = List.of("127.0.0.1", "::1");

  /** A CA or leaf this close to its end is issued again. */
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private static final Duration CA_LIFETIME = Duration.ofDays(3650);
  private static final Duration LEAF_LIFETIME = Duration.ofDays(365);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The dev certificate, ready to serve.
   *
   * @param served the leaf and its key
   * @param caFile the CA certificate users may trust
   * @param caFingerprint the CA's SHA-256 fingerprint
   * @param caCreated whether this run created the CA (then its path and fingerprint are shown)
   */
  public record Loaded(
      ServedCertificate served, Path caFile, String caFingerprint, boolean caCreated) {}

  private DevCertificate() {}

  /**
   * Loads the dev certificate from {@code certDir}, creating or re-issuing what is missing, stale
   * or does not cover {@code extraNames} (host names, lower case).
   */
  public static Loaded load(Path certDir, Set<String> extraNames) throws IOException {
    Path dir = certDir.resolve("dev");
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    try (FileChannel lockFile =
            FileChannel.open(
                dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      return loadLocked(dir, names(extraNames));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot issue the development certificate: " + e.getMessage(), e);
    }
  }

  private static Loaded loadLocked(Path dir, List<String> names)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    Path caFile = dir.resolve("ca.pem");
    Path caKeyFile = dir.resolve("ca-key.pem");
    Path certFile = dir.resolve("cert.pem");
    Path keyFile = dir.resolve("key.pem");
    X509Certificate ca = null;
    PrivateKey caKey = null;
    if (Files.isRegularFile(caFile) && Files.isRegularFile(caKeyFile)) {
      try {
        ca = PemFiles.readChain(caFile).get(0);
        caKey = PemFiles.readKey(caKeyFile);
        if (nearEnd(ca)) {
          ca = null;
        }
      } catch (IOException e) {
        ca = null;
      }
    }
    boolean caCreated = false;
    if (ca == null) {
      KeyPair keys = KeyPairs.newP256();
      ca = issueCa(keys);
      caKey = keys.getPrivate();
      PemFiles.writeKey(caKeyFile, caKey);
      PemFiles.writeChain(caFile, List.of(ca));
      caCreated = true;
    }
    X509Certificate leaf = null;
    PrivateKey leafKey = null;
    if (!caCreated && Files.isRegularFile(certFile) && Files.isRegularFile(keyFile)) {
      try {
        leaf = PemFiles.readChain(certFile).get(0);
        leafKey = PemFiles.readKey(keyFile);
        if (nearEnd(leaf) || !covers(leaf, names) || !signedBy(leaf, ca)) {
          leaf = null;
        }
      } catch (IOException e) {
        leaf = null;
      }
    }
    if (leaf == null) {
      KeyPair keys = KeyPairs.newP256();
      leaf = issueLeaf(keys.getPublic(), names, ca, caKey);
      leafKey = keys.getPrivate();
      PemFiles.writeKey(keyFile, leafKey);
      PemFiles.writeChain(certFile, List.of(leaf, ca));
    }
    ServedCertificate served =
        new ServedCertificate(
            ServedCertificate.nextAlias(), Source.DEV, names, List.of(leaf, ca), leafKey);
    return new Loaded(served, caFile, ServedCertificate.fingerprint(ca), caCreated);
  }

  private static List<String> names(Set<String> extraNames) {
    Set<String> names = new LinkedHashSet<>(BASE_NAMES);
    for (String name : extraNames) {
      names.add(name.toLowerCase(Locale.ROOT));
    }
    return List.copyOf(names);
  }

  private static boolean nearEnd(X509Certificate certificate) {
    return certificate.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
  }

  private static boolean covers(X509Certificate leaf, List<String> names) {
    return Set.copyOf(ServedCertificate.dnsNames(leaf)).equals(Set.copyOf(names));
  }

  private static boolean signedBy(X509Certificate leaf, X509Certificate ca) {
    try {
      leaf.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static X509Certificate issueCa(KeyPair keys)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    X500Name name =
        new X500Name(
            "CN=edge development CA ("
                + System.getProperty("user.name", "user").replaceAll("[,=+<>#;\"\\\\]", "_")
                + "), O=edge");
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            serial(),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(CA_LIFETIME)),
            name,
            keys.getPublic());
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    builder
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
        .addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
        .addExtension(
            Extension.subjectKeyIdentifier,
            false,
            extensions.createSubjectKeyIdentifier(keys.getPublic()));
    return sign(builder, keys.getPrivate());
  }

  private static X509Certificate issueLeaf(
      PublicKey key, List<String> names, X509Certificate ca, PrivateKey caKey)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            ca,
            serial(),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(LEAF_LIFETIME)),
            new X500Name("CN=" + names.get(0) + ", O=edge development"),
            key);
    List<GeneralName> alternatives = new ArrayList<>();
    names.forEach(n -> alternatives.add(new GeneralName(GeneralName.dNSName, n)));
    ADDRESSES.forEach(a -> alternatives.add(new GeneralName(GeneralName.iPAddress, a)));
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    builder
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(
            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(alternatives.toArray(GeneralName[]::new)))
        .addExtension(
            Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca))
        .addExtension(
            Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key));
    return sign(builder, caKey);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }
}
