package dev.strata.registry;

import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JDK's default SSLContext, made on first TLS use. A plain-HTTP registry's client needs one only
 * if the registry redirects to HTTPS storage; loading the trust store up front cost every such pull
 * about 0.15 s of start-up.
 */
final class LazySslContext extends SSLContext {

    LazySslContext() {
        super(new Spi(), new Provider("strata-lazy-tls", "1", "the default TLS context, made on first use") {}, "TLS");
    }

    private static final class Spi extends SSLContextSpi {
        private volatile SSLContext delegate;

        private SSLContext delegate() {
            SSLContext d = delegate;
            if (d == null) {
                synchronized (this) {
                    if (delegate == null) {
                        try {
                            delegate = SSLContext.getDefault();
                        } catch (NoSuchAlgorithmException e) {
                            throw new IllegalStateException("this JDK has no default TLS context", e);
                        }
                    }
                    d = delegate;
                }
            }
            return d;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("the default TLS context is already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate().getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return delegate().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return delegate().createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate().getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate().getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate().getSupportedSSLParameters();
        }
    }
}
