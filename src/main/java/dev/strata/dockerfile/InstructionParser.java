package dev.strata.dockerfile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** {@link Node} to typed {@link Instruction}: the argument forms and flags of each instruction. */
final class InstructionParser {
    private static final Pattern STAGE_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.-]*");
    private static final Pattern PORT = Pattern.compile("[0-9]+(-[0-9]+)?(/[a-zA-Z]+)?");
    private static final Set<String> NO_FLAGS = Set.of();

    private final char escape;

    InstructionParser(char escape) {
        this.escape = escape;
    }

    Instruction parse(Node node) {
        String kw = node.instruction();
        String args = node.args();
        return switch (kw) {
            case "FROM" -> from(node);
            case "RUN" -> run(node);
            case "CMD" -> new CmdInstruction(checked(node, NO_FLAGS), command(node, "CMD"));
            case "ENTRYPOINT" -> new EntrypointInstruction(checked(node, NO_FLAGS), command(node, "ENTRYPOINT"));
            case "SHELL" -> shell(checked(node, NO_FLAGS));
            case "LABEL" -> {
                Pairs p = pairs(checked(node, NO_FLAGS), "LABEL");
                yield new LabelInstruction(node, p.pairs);
            }
            case "ENV" -> {
                Pairs p = pairs(checked(node, NO_FLAGS), "ENV");
                yield new EnvInstruction(node, p.pairs, p.legacy);
            }
            case "EXPOSE" -> expose(checked(node, NO_FLAGS));
            case "ADD" -> add(node);
            case "COPY" -> copy(node);
            case "VOLUME" -> volume(checked(node, NO_FLAGS));
            case "USER" ->
                new UserInstruction(checked(node, NO_FLAGS), single(node, "USER", "a user (USER name[:group])"));
            case "WORKDIR" -> new WorkdirInstruction(checked(node, NO_FLAGS), single(node, "WORKDIR", "a path"));
            case "ARG" -> arg(checked(node, NO_FLAGS));
            case "ONBUILD" -> onbuild(checked(node, NO_FLAGS));
            case "STOPSIGNAL" -> stopSignal(checked(node, NO_FLAGS));
            case "HEALTHCHECK" -> healthcheck(node);
            case "MAINTAINER" ->
                new MaintainerInstruction(checked(node, NO_FLAGS), single(node, "MAINTAINER", "a name"));
            default ->
                throw new DockerfileException(
                        node.position(),
                        "unknown instruction: " + node.keyword()
                                + (args.isEmpty() && node.keyword().contains("=")
                                        ? " (a variable assignment must follow ENV or ARG)"
                                        : ""));
        };
    }

    private static Node checked(Node node, Set<String> allowed) {
        new Flags(node, allowed, NO_FLAGS);
        return node;
    }

    private static String single(Node node, String kw, String what) {
        if (node.args().isEmpty()) {
            throw new DockerfileException(node.position(), kw + " needs " + what);
        }
        return node.args();
    }

    private FromInstruction from(Node node) {
        Flags flags = new Flags(node, Set.of("platform"), NO_FLAGS);
        List<String> w = words(node.args());
        if (w.size() == 1) {
            return new FromInstruction(node, w.get(0), flags.value("platform"), Optional.empty());
        }
        if (w.size() == 3 && w.get(1).equalsIgnoreCase("AS")) {
            String name = w.get(2);
            if (!STAGE_NAME.matcher(name).matches()) {
                throw new DockerfileException(
                        node.positionAt(node.args().lastIndexOf(name)),
                        "invalid stage name \"" + name
                                + "\": start with a letter and use only letters, digits, '-', '_' and '.'");
            }
            return new FromInstruction(
                    node, w.get(0), flags.value("platform"), Optional.of(name.toLowerCase(Locale.ROOT)));
        }
        throw new DockerfileException(
                w.isEmpty() ? node.position() : node.argsPosition(),
                "FROM needs an image and optionally a stage name: FROM [--platform=P] image [AS name]");
    }

    private RunInstruction run(Node node) {
        Flags flags = new Flags(node, Set.of("mount", "network", "security"), Set.of("mount"));
        List<Mount> mounts = new ArrayList<>();
        for (Flag f : flags.all("mount")) {
            mounts.add(Mount.parse(f.value().orElseThrow(), f.position()));
        }
        Optional<String> network = flags.value("network");
        if (network.isPresent() && !Set.of("default", "none", "host").contains(network.get())) {
            throw new DockerfileException(
                    flags.position("network"),
                    "--network must be default, none or host, not \"" + network.get() + "\"");
        }
        Optional<String> security = flags.value("security");
        if (security.isPresent() && !Set.of("sandbox", "insecure").contains(security.get())) {
            throw new DockerfileException(
                    flags.position("security"),
                    "--security must be sandbox or insecure, not \"" + security.get() + "\"");
        }
        return new RunInstruction(node, command(node, "RUN"), mounts, network, security, node.heredocs());
    }

    private static CommandForm command(Node node, String kw) {
        if (node.args().isEmpty() && node.heredocs().isEmpty()) {
            throw new DockerfileException(node.position(), kw + " needs a command");
        }
        Optional<List<String>> exec = Json.stringArray(node.args(), node, kw);
        return exec.<CommandForm>map(ExecForm::new).orElseGet(() -> new ShellForm(node.args()));
    }

    private static ShellInstruction shell(Node node) {
        Optional<List<String>> exec = Json.stringArray(node.args(), node, "SHELL");
        if (exec.isEmpty() || exec.get().isEmpty()) {
            throw new DockerfileException(
                    node.argsPosition(), "SHELL needs a JSON array of strings, like SHELL [\"/bin/sh\", \"-c\"]");
        }
        return new ShellInstruction(node, exec.get());
    }

    private record Pairs(List<KeyValue> pairs, boolean legacy) {}

    private Pairs pairs(Node node, String kw) {
        String args = node.args();
        List<String> w = words(args);
        if (w.isEmpty()) {
            throw new DockerfileException(node.position(), kw + " needs at least one name=value");
        }
        if (w.get(0).indexOf('=') < 0) {
            if (w.size() == 1) {
                throw new DockerfileException(
                        node.argsPosition(),
                        kw + " " + w.get(0) + " has no value: write " + kw + " " + w.get(0) + "=value");
            }
            String rest = args.substring(w.get(0).length()).strip();
            return new Pairs(List.of(new KeyValue(w.get(0), rest)), true);
        }
        List<KeyValue> out = new ArrayList<>();
        int searchFrom = 0;
        for (String word : w) {
            int at = args.indexOf(word, searchFrom);
            searchFrom = at + word.length();
            int eq = word.indexOf('=');
            if (eq < 0) {
                throw new DockerfileException(
                        node.positionAt(at),
                        kw + " expects name=value pairs; \"" + word + "\" has no '=' (quote values with spaces)");
            }
            if (eq == 0) {
                throw new DockerfileException(node.positionAt(at), kw + " names can not be blank");
            }
            out.add(new KeyValue(word.substring(0, eq), word.substring(eq + 1)));
        }
        return new Pairs(out, false);
    }

    private ExposeInstruction expose(Node node) {
        List<String> w = words(node.args());
        if (w.isEmpty()) {
            throw new DockerfileException(node.position(), "EXPOSE needs at least one port (EXPOSE 80/tcp)");
        }
        for (String p : w) {
            if (p.indexOf('$') < 0) {
                checkPort(node, new ShellWords(escape).expand(p, Map.of(), node.argsPosition()));
            }
        }
        return new ExposeInstruction(node, w);
    }

    /** Ports are {@code N}, {@code N-M}, with an optional {@code /tcp}, {@code /udp} or {@code /sctp}. */
    static void checkPort(Node node, String p) {
        int off = Math.max(0, node.args().indexOf(p));
        String bare = p.startsWith(":") ? p.substring(1) : p;
        if (!PORT.matcher(bare).matches()) {
            throw new DockerfileException(
                    node.positionAt(off),
                    "invalid port \"" + p
                            + "\": use a number or a range with an optional protocol, like 80/tcp or 8000-8010/udp");
        }
        int slash = bare.indexOf('/');
        if (slash > 0) {
            String proto = bare.substring(slash + 1).toLowerCase(Locale.ROOT);
            if (!Set.of("tcp", "udp", "sctp").contains(proto)) {
                throw new DockerfileException(
                        node.positionAt(off),
                        "invalid protocol \"" + bare.substring(slash + 1) + "\" in port " + p
                                + ": use tcp, udp or sctp");
            }
        }
    }

    /** Sources and destination of COPY/ADD: JSON array or whitespace-separated, heredoc markers removed. */
    private List<String> paths(Node node, String kw) {
        Optional<List<String>> json = Json.stringArray(node.args(), node, kw);
        if (json.isEmpty()) {
            checkQuotes(node, kw);
        }
        List<String> w = new ArrayList<>(json.orElseGet(() -> words(node.args())));
        if (json.isEmpty() && !node.heredocs().isEmpty()) {
            w.removeIf(s -> s.matches("\\d*<<.+"));
        }
        if (w.size() + node.heredocs().size() < 2 || w.isEmpty()) {
            throw new DockerfileException(node.position(), kw + " needs at least one source and a destination");
        }
        return w;
    }

    private AddInstruction add(Node node) {
        Flags f = new Flags(
                node, Set.of("chown", "chmod", "checksum", "keep-git-dir", "link", "exclude"), Set.of("exclude"));
        List<String> w = paths(node, "ADD");
        Optional<String> checksum = f.value("checksum");
        if (checksum.isPresent()
                && checksum.get().indexOf('$') < 0
                && !checksum.get()
                        .matches("(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128}|[0-9a-f]{40})")) {
            throw new DockerfileException(
                    f.position("checksum"),
                    "--checksum must be a digest like sha256:<64 hex digits>, not \"" + checksum.get() + "\"");
        }
        return new AddInstruction(
                node,
                w.subList(0, w.size() - 1),
                w.get(w.size() - 1),
                f.value("chown"),
                chmod(f),
                checksum,
                f.bool("keep-git-dir"),
                f.bool("link"),
                f.values("exclude"),
                node.heredocs());
    }

    private CopyInstruction copy(Node node) {
        Flags f = new Flags(node, Set.of("from", "chown", "chmod", "link", "parents", "exclude"), Set.of("exclude"));
        List<String> w = paths(node, "COPY");
        Optional<String> from = f.value("from");
        if (from.isPresent() && from.get().isEmpty()) {
            throw new DockerfileException(f.position("from"), "--from needs a stage name, stage index or image");
        }
        return new CopyInstruction(
                node,
                w.subList(0, w.size() - 1),
                w.get(w.size() - 1),
                from,
                f.value("chown"),
                chmod(f),
                f.bool("link"),
                f.bool("parents"),
                f.values("exclude"),
                node.heredocs());
    }

    private static Optional<String> chmod(Flags f) {
        Optional<String> chmod = f.value("chmod");
        if (chmod.isPresent()
                && chmod.get().indexOf('$') < 0
                && !chmod.get().matches("[0-7]{3,4}|([ugoa]*[-+=][rwxXst]*)(,[ugoa]*[-+=][rwxXst]*)*")) {
            throw new DockerfileException(
                    f.position("chmod"),
                    "--chmod must be an octal mode like 0755 or symbolic like u+x, not \"" + chmod.get() + "\"");
        }
        return chmod;
    }

    private VolumeInstruction volume(Node node) {
        Optional<List<String>> json = Json.stringArray(node.args(), node, "VOLUME");
        List<String> w = json.orElseGet(() -> words(node.args()));
        if (w.isEmpty() || w.stream().anyMatch(String::isBlank)) {
            throw new DockerfileException(node.argsPosition(), "VOLUME needs one or more non-empty paths");
        }
        return new VolumeInstruction(node, w);
    }

    private ArgInstruction arg(Node node) {
        List<String> w = words(node.args());
        if (w.isEmpty()) {
            throw new DockerfileException(node.position(), "ARG needs a name: ARG NAME[=default]");
        }
        List<ArgDecl> out = new ArrayList<>();
        for (String word : w) {
            int eq = word.indexOf('=');
            String name = eq < 0 ? word : word.substring(0, eq);
            if (name.isEmpty() || !name.matches("[A-Za-z0-9_.-]+")) {
                throw new DockerfileException(
                        node.positionAt(node.args().indexOf(word)),
                        "invalid ARG name \"" + name + "\": use letters, digits and '_'");
            }
            out.add(new ArgDecl(name, eq < 0 ? Optional.empty() : Optional.of(word.substring(eq + 1))));
        }
        return new ArgInstruction(node, out);
    }

    private OnbuildInstruction onbuild(Node node) {
        String args = node.args();
        if (args.isEmpty()) {
            throw new DockerfileException(node.position(), "ONBUILD needs an instruction to run later");
        }
        Node trigger = SyntaxParser.trigger(node, escape);
        String kw = trigger.instruction();
        if (kw.equals("ONBUILD")) {
            throw new DockerfileException(trigger.position(), "ONBUILD ONBUILD is not allowed");
        }
        if (kw.equals("FROM") || kw.equals("MAINTAINER")) {
            throw new DockerfileException(trigger.position(), kw + " is not allowed as an ONBUILD trigger");
        }
        return new OnbuildInstruction(node, parse(trigger), args);
    }

    private static StopSignalInstruction stopSignal(Node node) {
        String s = single(node, "STOPSIGNAL", "a signal (STOPSIGNAL SIGTERM)");
        if (s.indexOf('$') < 0 && !s.matches("(SIG)?[A-Z][A-Z0-9]*([+-][0-9]+)?|[0-9]+")) {
            throw new DockerfileException(
                    node.argsPosition(), "invalid signal \"" + s + "\": use a name like SIGTERM or a number");
        }
        return new StopSignalInstruction(node, s);
    }

    private HealthcheckInstruction healthcheck(Node node) {
        Flags f = new Flags(node, Set.of("interval", "timeout", "start-period", "start-interval", "retries"), NO_FLAGS);
        List<String> w = words(node.args());
        if (w.size() == 1 && w.get(0).equalsIgnoreCase("NONE")) {
            if (!node.flags().isEmpty()) {
                throw new DockerfileException(node.flags().get(0).position(), "HEALTHCHECK NONE takes no flags");
            }
            return new HealthcheckInstruction(
                    node,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty());
        }
        if (w.isEmpty() || !w.get(0).equalsIgnoreCase("CMD")) {
            throw new DockerfileException(node.argsPosition(), "HEALTHCHECK needs CMD command or NONE");
        }
        String rest = node.args().substring(3).strip();
        if (rest.isEmpty()) {
            throw new DockerfileException(node.argsPosition(), "HEALTHCHECK CMD needs a command");
        }
        Node cmdNode = node.sub("CMD", List.of(), node.args().indexOf(rest, 3), node.argsPosition());
        CommandForm cmd = command(cmdNode, "HEALTHCHECK");
        Optional<Integer> retries = f.value("retries").map(r -> {
            try {
                int n = Integer.parseInt(r);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new DockerfileException(
                    f.position("retries"), "--retries must be a whole number 0 or more, not \"" + r + "\"");
        });
        return new HealthcheckInstruction(
                node,
                Optional.of(cmd),
                duration(f, "interval"),
                duration(f, "timeout"),
                duration(f, "start-period"),
                duration(f, "start-interval"),
                retries);
    }

    private static Optional<Duration> duration(Flags f, String name) {
        return f.value(name).map(v -> {
            Optional<Duration> d = Durations.parse(v);
            if (d.isEmpty()) {
                throw new DockerfileException(
                        f.position(name),
                        "--" + name + " must be a duration like 30s, 1m30s or 500ms, not \"" + v + "\"");
            }
            if (!d.get().isZero() && d.get().compareTo(Duration.ofMillis(1)) < 0) {
                throw new DockerfileException(f.position(name), "--" + name + " cannot be less than 1ms");
            }
            return d.get();
        });
    }

    /** Splits at unquoted whitespace; quotes and escapes stay in the words (expansion removes them). */
    /**
     * Fails on a quote that is never closed, naming it (docker reports the quote, not a missing
     * destination, for {@code ADD \conf\\" /.znc}).
     */
    private void checkQuotes(Node node, String kw) {
        String s = node.args();
        char quote = 0;
        int opened = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == escape && quote != '\'' && i + 1 < s.length()) {
                i++;
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
                opened = i;
            } else if (c == quote) {
                quote = 0;
            }
        }
        if (quote != 0) {
            String kind = quote == '"' ? "double" : "single";
            throw new DockerfileException(
                    node.positionAt(opened),
                    kw + ": unterminated " + kind + " quote in \"" + s + "\" (unexpected end of statement while"
                            + " looking for the matching " + kind + " quote); close it, or escape it with "
                            + escape + quote);
        }
    }

    List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        char quote = 0;
        boolean in = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                if (in) {
                    out.add(b.toString());
                    b.setLength(0);
                    in = false;
                }
                continue;
            }
            in = true;
            b.append(c);
            if (c == escape && quote != '\'' && i + 1 < s.length()) {
                b.append(s.charAt(++i));
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            }
        }
        if (in) {
            out.add(b.toString());
        }
        return out;
    }
}
