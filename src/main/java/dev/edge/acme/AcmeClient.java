package dev.edge.acme;

import dev.edge.config.Acme;
import dev.edge.tls.AcmeChallenges;
import dev.edge.tls.KeyPairs;
import dev.edge.tls.PemFiles;
import dev.edge.tls.ServedCertificate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * Talks to one ACME CA with acme4j: the account (its key from the {@link CertificateStore}, created
 * at the CA on first use), one order per certificate for one name, its challenges answered through
 * {@link AcmeChallenges} in the configured order (a failed challenge fails its authorization, so
 * the next type is tried on a new order), and the CA's renewal information (RFC 9773) when it
 * offers it.
 *
 * <p>Blocking (acme4j uses {@code java.net.http} synchronously): only the ACME threads call it.
 */
public final class AcmeClient {

  /** Longest wait for a challenge, an order to become ready, or a certificate to be issued. */
  static final Duration WAIT = Duration.ofSeconds(90);

  /**
   * The CA and how to reach it.
   *
   * @param directory the CA's directory ({@code https://...} or acme4j's {@code acme://...})
   * @param email the account's contact, or null
   * @param trust extra roots (PEM) for the CA's own HTTPS, or null
   * @param challenges the challenge types to try, in order
   */
  public record Settings(URI directory, String email, Path trust, List<String> challenges) {
    public Settings {
      challenges = List.copyOf(challenges);
    }
  }

  /** An order that did not produce a certificate; the message says why, for {@code cert_failed}. */
  public static final class OrderFailed extends Exception {
    private static final long serialVersionUID = 1L;

    OrderFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static {
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider()); // acme4j signs and parses with it
    }
  }

  private final Settings settings;
  private final CertificateStore store;
  private final AcmeChallenges challenges;
  private Session session;
  private Login login;

  /** A client for the CA {@code settings} name, answering challenges through {@code challenges}. */
  public AcmeClient(Settings settings, CertificateStore store, AcmeChallenges challenges) {
    this.settings = settings;
    this.store = store;
    this.challenges = challenges;
  }

  /** The settings this client uses. */
  public Settings settings() {
    return settings;
  }

  /**
   * Orders a certificate for {@code domain}, trying each challenge type in turn.
   *
   * @param replacing the certificate it replaces (told to the CA when it supports ARI), or null
   */
  public CertificateStore.Stored order(String domain, X509Certificate replacing)
      throws OrderFailed, InterruptedException {
    List<String> failures = new ArrayList<>();
    OrderFailed last = null;
    for (String type : settings.challenges()) {
      try {
        return order(domain, type, replacing);
      } catch (OrderFailed e) {
        failures.add(e.getMessage());
        last = e;
      }
    }
    throw new OrderFailed(String.join("; ", failures), last);
  }

  /**
   * When the CA suggests renewing {@code certificate}: a random instant in its ARI window, or empty
   * when the CA offers no renewal information or cannot be asked now.
   */
  public Optional<Instant> suggestedRenewal(X509Certificate certificate) {
    try {
      Login current = login();
      if (current.getSession().resourceUrlOptional(Resource.RENEWAL_INFO).isEmpty()) {
        return Optional.empty();
      }
      RenewalInfo info = current.bindRenewalInfo(certificate);
      Instant start = info.getSuggestedWindowStart();
      Instant end = info.getSuggestedWindowEnd();
      long span = Math.max(0, Duration.between(start, end).toSeconds());
      return Optional.of(start.plusSeconds((long) (Math.random() * span)));
    } catch (AcmeException | IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private CertificateStore.Stored order(String domain, String type, X509Certificate replacing)
      throws OrderFailed, InterruptedException {
    try {
      Login current = login();
      OrderBuilder builder = current.newOrder().domain(domain);
      if (replacing != null
          && current.getSession().resourceUrlOptional(Resource.RENEWAL_INFO).isPresent()) {
        builder.replaces(replacing);
      }
      Order order = builder.create();
      for (Authorization authorization : order.getAuthorizations()) {
        if (authorization.getStatus() != Status.VALID) {
          authorize(authorization, domain, type);
        }
      }
      if (order.waitUntilReady(WAIT) != Status.READY) {
        throw new OrderFailed(type + ": the order is " + describe(order), null);
      }
      KeyPair key = KeyPairs.newP256();
      order.execute(key);
      if (order.waitForCompletion(WAIT) != Status.VALID) {
        throw new OrderFailed(type + ": the certificate was not issued: " + describe(order), null);
      }
      return new CertificateStore.Stored(
          order.getCertificate().getCertificateChain(), key.getPrivate());
    } catch (AcmeException | IOException | RuntimeException e) {
      throw new OrderFailed(type + ": " + e.getMessage(), e);
    }
  }

  private void authorize(Authorization authorization, String domain, String type)
      throws AcmeException, IOException, OrderFailed, InterruptedException {
    Challenge challenge;
    Runnable forget;
    if (type.equals(Acme.HTTP_01)) {
      Http01Challenge http = authorization.findChallenge(Http01Challenge.class).orElse(null);
      if (http == null) {
        throw new OrderFailed(type + ": the CA does not offer it for " + domain, null);
      }
      challenges.answerHttp01(http.getToken(), http.getAuthorization());
      challenge = http;
      forget = () -> challenges.forgetHttp01(http.getToken());
    } else {
      TlsAlpn01Challenge tls = authorization.findChallenge(TlsAlpn01Challenge.class).orElse(null);
      if (tls == null) {
        throw new OrderFailed(type + ": the CA does not offer it for " + domain, null);
      }
      KeyPair key = KeyPairs.newP256();
      X509Certificate certificate = TlsAlpnCertificate.create(key, domain, tls.getAcmeValidation());
      challenges.answerTlsAlpn01(
          domain,
          ServedCertificate.of(
              ServedCertificate.Source.ACME, List.of(certificate), key.getPrivate()));
      challenge = tls;
      forget = () -> challenges.forgetTlsAlpn01(domain);
    }
    try {
      challenge.trigger();
      Status status = challenge.waitForCompletion(WAIT);
      if (status != Status.VALID) {
        throw new OrderFailed(
            type
                + ": validation of "
                + domain
                + " failed: "
                + challenge.getError().map(p -> p.toString()).orElse(status.name().toLowerCase()),
            null);
      }
    } finally {
      forget.run();
    }
  }

  private static String describe(Order order) {
    return order.getStatus().name().toLowerCase()
        + order.getError().map(p -> " (" + p + ")").orElse("");
  }

  /** The account's login, created at the CA (or found there by its key) on first use. */
  private synchronized Login login() throws AcmeException, IOException {
    if (login == null) {
      AccountBuilder account = new AccountBuilder().agreeToTermsOfService();
      if (settings.email() != null) {
        account.addEmail(settings.email());
      }
      login = account.useKeyPair(store.accountKey()).createLogin(session());
    }
    return login;
  }

  private Session session() throws IOException {
    if (session == null) {
      session =
          settings.trust() == null
              ? new Session(settings.directory())
              : new Session(settings.directory(), new TrustingProvider(trusting(settings.trust())));
    }
    return session;
  }

  /** The JDK's trusted roots plus those in {@code pem}. */
  private static SSLContext trusting(Path pem) throws IOException {
    try {
      KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
      roots.load(null, null);
      int n = 0;
      for (X509Certificate root : defaultTrust().getAcceptedIssuers()) {
        roots.setCertificateEntry("jdk-" + n++, root);
      }
      for (X509Certificate root : PemFiles.readChain(pem)) {
        roots.setCertificateEntry("extra-" + n++, root);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(roots);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust " + pem + ": " + e.getMessage(), e);
    }
  }

  private static X509TrustManager defaultTrust() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("the JDK has no X.509 trust manager");
  }

  /** acme4j's provider for {@code https://} directories, over a client with extra trust. */
  private static final class TrustingProvider extends GenericAcmeProvider {
    private final SSLContext context;

    TrustingProvider(SSLContext context) {
      this.context = context;
    }

    @Override
    public HttpClient createHttpClient(NetworkSettings network) {
      HttpClient.Builder builder =
          HttpClient.newBuilder()
              .connectTimeout(network.getTimeout())
              .followRedirects(HttpClient.Redirect.NORMAL)
              .proxy(network.getProxySelector())
              .sslContext(context);
      if (network.getAuthenticator() != null) {
        builder.authenticator(network.getAuthenticator());
      }
      return builder.build();
    }
  }
}
