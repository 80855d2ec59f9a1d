package dev.strata.cli;

import dev.strata.error.StrataException;
import dev.strata.registry.Credential;
import dev.strata.registry.CredentialStore;
import dev.strata.registry.RegistryClient;
import dev.strata.registry.RegistryOptions;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata login [-u USER] [--password-stdin] [REGISTRY]}: checks the credentials against the
 * registry, then saves them (mode 0600). The password is read from stdin or the terminal, never
 * from an argument, and never printed.
 */
@Command(
        name = "login",
        mixinStandardHelpOptions = true,
        description = "Log in to a registry and save the credentials.")
public final class LoginCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RegistryFlags flags = new RegistryFlags();

    @Option(
            names = {"-u", "--username"},
            paramLabel = "USER")
    Optional<String> username = Optional.empty();

    @Option(names = "--password-stdin", description = "Read the password (or token) from standard input.")
    boolean passwordStdin;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REGISTRY", description = "host[:port] (default: docker.io)")
    Optional<String> registry = Optional.empty();

    @Override
    public void run() {
        String host = LogoutCommand.host(registry);
        Console console = System.console();
        String user = username.orElseGet(() -> {
            if (console == null) {
                throw StrataException.input(
                        "strata login " + host + ": give the user name with -u USER (no terminal to ask on)");
            }
            return Optional.ofNullable(console.readLine("Username: "))
                    .orElse("")
                    .trim();
        });
        String password;
        if (passwordStdin) {
            try {
                password = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", "");
            } catch (IOException e) {
                throw StrataException.input("cannot read the password from stdin: " + e.getMessage());
            }
        } else if (console != null) {
            char[] pw = console.readPassword("Password: ");
            password = pw == null ? "" : new String(pw);
        } else {
            throw StrataException.input(
                    "strata login " + host + ": no terminal to ask for the password on; use --password-stdin");
        }
        if (user.isEmpty() || password.isEmpty()) {
            throw StrataException.input("strata login " + host + ": the user name and password must not be empty");
        }
        RegistryOptions options = flags.options();
        Credential credential = new Credential(user, password);
        RegistryClient.create(options).verifyLogin(host, credential);
        String where = new CredentialStore(options).store(host, credential);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Login Succeeded (credentials for " + host + " saved in " + where + ")");
        out.flush();
    }
}
