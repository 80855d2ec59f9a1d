package dev.strata.exec;

/** The network a RUN step sees ({@code RUN --network=host|none}). */
public enum NetworkMode {
    /** The host's network namespace (docker build's default for RUN). */
    HOST,
    /** A fresh network namespace with only the loopback interface. */
    NONE
}
