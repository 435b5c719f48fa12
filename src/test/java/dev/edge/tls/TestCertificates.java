package dev.edge.tls;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA issuing leaf certificates with chosen names and serial numbers, written as PEM files
 * the edge reads with {@code --cert}/{@code --key}. Test fixtures only.
 */
public final class TestCertificates {

  private final KeyPair caKeys;
  private final X509Certificate ca;

  public TestCertificates() throws Exception {
    caKeys = keys();
    X500Name name = new X500Name("CN=edge test CA");
    Instant now = Instant.now();
    ca =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.valueOf(1000),
                        Date.from(now.minus(Duration.ofHours(1))),
                        Date.from(now.plus(Duration.ofDays(30))),
                        name,
                        caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
  }

  /** The CA certificate, to trust. */
  public X509Certificate ca() {
    return ca;
  }

  /**
   * Writes a leaf for {@code names} with {@code serial} and its key to {@code cert}, {@code key}.
   */
  public void issue(Path cert, Path key, long serial, String... names) throws Exception {
    KeyPair leafKeys = keys();
    Instant now = Instant.now();
    GeneralName[] alternatives = new GeneralName[names.length];
    for (int i = 0; i < names.length; i++) {
      alternatives[i] = new GeneralName(GeneralName.dNSName, names[i]);
    }
    X509Certificate leaf =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        ca,
                        BigInteger.valueOf(serial),
                        Date.from(now.minus(Duration.ofHours(1))),
                        Date.from(now.plus(Duration.ofDays(10))),
                        new X500Name("CN=" + names[0]),
                        leafKeys.getPublic())
                    .addExtension(
                        Extension.subjectAlternativeName, false, new GeneralNames(alternatives))
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    PemFiles.writeKey(key, leafKeys.getPrivate());
    PemFiles.writeChain(cert, List.of(leaf, ca));
  }

  static KeyPair keys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }
}
