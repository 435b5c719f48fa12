package dev.edge.acme;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The self-signed certificate a TLS-ALPN-01 validation handshake receives (RFC 8737 §3): the name
 * being validated as its only subject alternative name, and the critical {@code
 * id-pe-acmeIdentifier} extension holding the SHA-256 digest of the key authorization. Signed with
 * the JDK's provider, like every other certificate the edge makes.
 */
final class TlsAlpnCertificate {

  /** {@code id-pe-acmeIdentifier}. */
  private static final ASN1ObjectIdentifier ACME_IDENTIFIER =
      new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.31");

  private static final SecureRandom RANDOM = new SecureRandom();

  private TlsAlpnCertificate() {}

  /**
   * @param validation the digest of the key authorization (acme4j's {@code getAcmeValidation()})
   */
  static X509Certificate create(KeyPair keys, String domain, byte[] validation) throws IOException {
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=acme-tls-alpn-01");
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              new JcaX509v3CertificateBuilder(
                      subject,
                      new BigInteger(64, RANDOM).add(BigInteger.ONE),
                      Date.from(now.minus(Duration.ofHours(1))),
                      Date.from(now.plus(Duration.ofDays(7))),
                      subject,
                      keys.getPublic())
                  .addExtension(
                      Extension.subjectAlternativeName,
                      false,
                      new GeneralNames(new GeneralName(GeneralName.dNSName, domain)))
                  .addExtension(ACME_IDENTIFIER, true, new DEROctetString(validation))
                  .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make the TLS-ALPN-01 certificate: " + e.getMessage(), e);
    }
  }
}
