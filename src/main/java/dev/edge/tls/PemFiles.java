package dev.edge.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM certificate chains and private keys, read in every common form (PKCS#8, SEC1 EC and PKCS#1
 * RSA keys) and written atomically: a temp file in the same directory, then a rename, so a reader
 * never sees half a file. Private keys are written PKCS#8 with mode 0600.
 */
public final class PemFiles {

  private PemFiles() {}

  /** The certificates in {@code file}, in file order (leaf first, for a chain). */
  public static List<X509Certificate> readChain(Path file) throws IOException {
    List<X509Certificate> chain = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
        if (item instanceof X509CertificateHolder holder) {
          chain.add(converter.getCertificate(holder));
        }
      }
    } catch (CertificateException | RuntimeException e) {
      throw new IOException(file + ": not a PEM certificate file (" + e.getMessage() + ")", e);
    }
    if (chain.isEmpty()) {
      throw new IOException(file + ": no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
    }
    return chain;
  }

  /** The first private key in {@code file}. */
  public static PrivateKey readKey(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
        if (item instanceof PrivateKeyInfo info) {
          return jdkKey(info, converter);
        }
        if (item instanceof PEMKeyPair pair) {
          return jdkKey(pair.getPrivateKeyInfo(), converter);
        }
      }
    } catch (RuntimeException e) {
      throw new IOException(file + ": not a PEM private key (" + e.getMessage() + ")", e);
    }
    throw new IOException(
        file + ": no unencrypted PEM private key (expected -----BEGIN PRIVATE KEY-----)");
  }

  /**
   * The key pair in {@code file}, written by {@link #writeKeyPair} (a key whose public half cannot
   * be recovered from the file is refused).
   */
  public static KeyPair readKeyPair(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      PrivateKey privateKey = null;
      PublicKey publicKey = null;
      for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
        if (item instanceof PrivateKeyInfo info) {
          privateKey = jdkKey(info, converter);
        } else if (item instanceof SubjectPublicKeyInfo info) {
          publicKey = jdkKey(info, converter);
        }
      }
      if (privateKey != null && publicKey != null) {
        return new KeyPair(publicKey, privateKey);
      }
    } catch (RuntimeException e) {
      throw new IOException(file + ": not a PEM key pair (" + e.getMessage() + ")", e);
    }
    throw new IOException(
        file + ": expected a PRIVATE KEY and its PUBLIC KEY (as written by the edge)");
  }

  /**
   * Writes {@code keys} to {@code file} as its private key (PKCS#8) followed by its public key,
   * atomically, readable by the owner only.
   */
  public static void writeKeyPair(Path file, KeyPair keys) throws IOException {
    writeAtomically(
        file,
        pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate(), keys.getPublic()),
        "rw-------");
  }

  /**
   * The JDK's own key object for {@code info} (algorithm {@code EC}, {@code RSA} or {@code
   * Ed25519}): BouncyCastle's converter would name EC keys {@code ECDSA} once its provider is
   * registered (acme4j registers it), and the TLS key manager matches keys by the JDK's names.
   */
  private static PrivateKey jdkKey(PrivateKeyInfo info, JcaPEMKeyConverter converter)
      throws IOException {
    String algorithm = jdkAlgorithm(info.getPrivateKeyAlgorithm().getAlgorithm().getId());
    try {
      return algorithm == null
          ? converter.getPrivateKey(info)
          : KeyFactory.getInstance(algorithm)
              .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IOException("unreadable " + algorithm + " private key: " + e.getMessage(), e);
    }
  }

  private static PublicKey jdkKey(SubjectPublicKeyInfo info, JcaPEMKeyConverter converter)
      throws IOException {
    String algorithm = jdkAlgorithm(info.getAlgorithm().getAlgorithm().getId());
    try {
      return algorithm == null
          ? converter.getPublicKey(info)
          : KeyFactory.getInstance(algorithm)
              .generatePublic(new X509EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IOException("unreadable " + algorithm + " public key: " + e.getMessage(), e);
    }
  }

  private static String jdkAlgorithm(String oid) {
    return switch (oid) {
      case "1.2.840.10045.2.1" -> "EC";
      case "1.2.840.113549.1.1.1" -> "RSA";
      case "1.3.101.112" -> "Ed25519";
      default -> null;
    };
  }

  /** Writes {@code chain} to {@code file} atomically (mode 0644). */
  public static void writeChain(Path file, List<X509Certificate> chain) throws IOException {
    writeAtomically(file, pem(chain.toArray()), "rw-r--r--");
  }

  /** Writes {@code key} to {@code file} as PKCS#8, atomically, readable by the owner only. */
  public static void writeKey(Path file, PrivateKey key) throws IOException {
    writeAtomically(file, pem(new JcaPKCS8Generator(key, null).generate()), "rw-------");
  }

  private static String pem(Object... objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static void writeAtomically(Path file, String content, String permissions)
      throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path temp =
        Files.createTempFile(
            directory,
            "." + file.getFileName() + ".",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temp, content, StandardCharsets.US_ASCII);
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(permissions));
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
