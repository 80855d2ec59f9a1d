package dev.strata.exec;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket of the step's own that relays every connection to the user's ssh agent, as BuildKit's
 * session does: the socket the RUN sees has the mount's owner and mode (the user's agent socket
 * keeps its own), and it is gone when the step ends, even if the command left a client running.
 */
final class SshAgentProxy implements AutoCloseable {
    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final List<SocketChannel> open = new ArrayList<>();

    private SshAgentProxy(Path dir, Path socket, ServerSocketChannel server) {
        this.dir = dir;
        this.socket = socket;
        this.server = server;
    }

    /** Listens on a new socket owned by {@code uid:gid} with {@code mode}, relaying to {@code agent}. */
    static SshAgentProxy start(Path agent, int uid, int gid, int mode) {
        Path dir = null;
        try {
            // a short path: a unix socket's name must fit in 108 bytes, the step's scratch dir may not
            dir = Files.createTempDirectory("strata-ssh-");
            Path socket = dir.resolve("agent");
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setAttribute(socket, "unix:uid", uid);
            Files.setAttribute(socket, "unix:gid", gid);
            Files.setAttribute(socket, "unix:mode", mode & 0777);
            SshAgentProxy proxy = new SshAgentProxy(dir, socket, server);
            Thread t = new Thread(() -> proxy.accept(agent), "ssh-agent-proxy");
            t.setDaemon(true);
            t.start();
            return proxy;
        } catch (IOException e) {
            if (dir != null) {
                Tree.delete(dir);
            }
            throw StrataException.environment("cannot make the ssh agent socket for RUN: " + e.getMessage(), e);
        }
    }

    /** The socket to bind into the container. */
    Path socket() {
        return socket;
    }

    private void accept(Path agent) {
        while (true) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return; // the step is over
            }
            try {
                SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(agent));
                synchronized (open) {
                    open.add(client);
                    open.add(upstream);
                }
                relay(client, upstream);
                relay(upstream, client);
            } catch (IOException e) {
                // the agent went away: this client sees its connection closed, as with a dead agent
                closeQuietly(client);
            }
        }
    }

    private static void relay(SocketChannel from, SocketChannel to) {
        Thread t = new Thread(
                () -> {
                    ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
                    try {
                        while (from.read(buf) >= 0) {
                            buf.flip();
                            while (buf.hasRemaining()) {
                                to.write(buf);
                            }
                            buf.clear();
                        }
                        to.shutdownOutput();
                    } catch (ClosedChannelException closed) {
                        // the proxy was closed with the step
                    } catch (IOException e) {
                        closeQuietly(to);
                    }
                },
                "ssh-agent-relay");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing more to do with a broken connection
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // the socket file goes with its directory below
        }
        synchronized (open) {
            open.forEach(SshAgentProxy::closeQuietly);
            open.clear();
        }
        Tree.delete(dir);
    }
}
