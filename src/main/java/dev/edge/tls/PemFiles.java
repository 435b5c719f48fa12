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
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
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
          return converter.getPrivateKey(info);
        }
        if (item instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
      }
    } catch (RuntimeException e) {
      throw new IOException(file + ": not a PEM private key (" + e.getMessage() + ")", e);
    }
    throw new IOException(
        file + ": no unencrypted PEM private key (expected -----BEGIN PRIVATE KEY-----)");
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
