package dev.strata.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.registry.RegistryFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every recipe in docs/ci/ runs: its script lines, read from its YAML block by indentation (no
 * YAML library: the recipes use block lists, {@code run: |} blocks and flat maps only), run with
 * bash twice on empty stores against a Basic-auth docker-registry on 127.0.0.1 standing in for the
 * real one. The second run must reuse the first one's registry cache. About 100 s on 2 cores (a
 * JVM per strata command), so in the long profile.
 */
@Tag("slow")
class CiRecipesTest {
    private static final String USER = "ci-bot";
    private static final String PASSWORD = "s3cret-token";
    private static final Pattern KEY = Pattern.compile("^(\\s*)(- )?([A-Za-z_]+):\\s*(\\|)?\\s*(#.*)?$");
    private static final String SKIP = "# not run by the test";

    @TempDir
    static Path tmp;

    private static RegistryFixture registry;
    private static Path bin;
    private static Path context;

    @BeforeAll
    static void registryWithABase() throws Exception {
        registry = RegistryFixture.basicAuth(USER, PASSWORD);
        bin = Files.createDirectories(tmp.resolve("bin"));
        Path strata = bin.resolve("strata");
        Files.writeString(
                strata,
                "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                        + System.getProperty("java.class.path") + "' dev.strata.cli.Main \"$@\"\n");
        strata.toFile().setExecutable(true);
        // the ECR credential helper of the CodeBuild recipe, answering for the stand-in registry
        Path helper = bin.resolve("docker-credential-ecr-login");
        Files.writeString(
                helper,
                "#!/bin/sh\nread server\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"" + USER + "\",\"Secret\":\""
                        + PASSWORD + "\"}' \"$server\"\n");
        helper.toFile().setExecutable(true);
        context = Files.createDirectories(tmp.resolve("checkout"));
        Files.writeString(context.resolve("greeting.txt"), "hello from the checkout\n");
        Files.writeString(
                context.resolve("Dockerfile"),
                "FROM " + registry.host() + "/base/busybox:latest\nWORKDIR /app\nCOPY greeting.txt .\n"
                        + "RUN tr a-z A-Z < greeting.txt > shout.txt && echo built\n");
        String setup = String.join(
                "\n",
                "set -eu",
                "mkdir -p rootfs/bin rootfs/etc rootfs/tmp",
                "cp /bin/busybox rootfs/bin/busybox",
                "for a in $(/bin/busybox --list); do [ \"$a\" = busybox ] || ln -s busybox rootfs/bin/$a; done",
                "printf 'root:x:0:0:root:/root:/bin/sh\\n' > rootfs/etc/passwd",
                "tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C rootfs -cf rootfs.tar .",
                "strata import rootfs.tar -t base/busybox:latest -c 'ENV PATH=/usr/bin:/bin'",
                "echo '" + PASSWORD + "' | strata login -u " + USER + " --password-stdin " + registry.host(),
                "strata push base/busybox:latest " + registry.host() + "/base/busybox:latest");
        Run r = bash(setup, Files.createDirectories(tmp.resolve("setup")), Map.of());
        assertThat(r.code).as(r.out).isZero();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gitlab-ci.md", "github-actions.md", "kubernetes-job.md", "codebuild.md"})
    void recipeScriptLinesBuildPushAndShareTheCache(String recipe) throws Exception {
        String yaml = yamlBlock(Files.readString(Path.of("docs/ci", recipe)));
        String host = registry.host();
        Map<String, String> env = new LinkedHashMap<>();
        // what the CI system would give the job, pointing at the stand-in registry
        yaml = yaml.replace("${{ secrets.GITHUB_TOKEN }}", PASSWORD)
                .replace("${{ github.actor }}", USER)
                .replace("${{ github.sha }}", "0a1b2c3d")
                .replace("${{ github.repository_owner }}", "team")
                .replace("${{ github.repository }}", "team/app")
                .replace("ghcr.io", host)
                .replace("registry.example.com", host)
                .replace("123456789012.dkr.ecr.eu-west-1.amazonaws.com", host);
        env.put("CI_REGISTRY", host);
        env.put("CI_REGISTRY_IMAGE", host + "/group/app");
        env.put("CI_REGISTRY_USER", USER);
        env.put("CI_REGISTRY_PASSWORD", PASSWORD);
        env.put("CI_COMMIT_SHORT_SHA", "0a1b2c3d");
        env.put("CODEBUILD_RESOLVED_SOURCE_VERSION", "0a1b2c3d");
        String script = script(yaml);
        assertThat(script)
                .containsPattern("strata '?build")
                .contains("--cache-from")
                .contains("--cache-to");

        List<String> outputs = new ArrayList<>();
        for (int runner = 1; runner <= 2; runner++) {
            Path home = Files.createDirectories(tmp.resolve(recipe + "-runner" + runner));
            Map<String, String> e = new LinkedHashMap<>(env);
            if (recipe.equals("kubernetes-job.md")) {
                // the Job mounts a config.json from a secret at DOCKER_CONFIG
                Path cfg = Files.createDirectories(home.resolve("docker-config"));
                String auth =
                        Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
                Files.writeString(
                        cfg.resolve("config.json"), "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}");
                e.put("DOCKER_CONFIG", cfg.toString());
            }
            e.put("HOME", home.toString());
            Run r = bash("set -euo pipefail\n" + script, context, e);
            assertThat(r.code).as(script + "\n" + r.out).isZero();
            assertThat(r.out).contains("built");
            outputs.add(r.out);
        }
        assertThat(outputs.get(0)).contains("pushed " + host);
        // the second runner, on an empty store, reuses every step from the registry cache
        assertThat(outputs.get(1))
                .containsPattern("(?m)^#\\d+ HIT  RUN tr a-z A-Z .*\\(from registry:" + Pattern.quote(host))
                .containsPattern("(?m)^#\\d+ HIT  COPY greeting.txt")
                .doesNotContain(" MISS ");
    }

    /** The recipe's one ```yaml block. */
    private static String yamlBlock(String md) {
        Matcher m = Pattern.compile("(?s)```yaml\n(.*?)```").matcher(md);
        assertThat(m.find()).as("a ```yaml block").isTrue();
        String yaml = m.group(1);
        assertThat(m.find()).as("only one ```yaml block").isFalse();
        return yaml;
    }

    /**
     * The script of a recipe: {@code variables:}/{@code env:} maps as exports, then every item of
     * {@code script:} and {@code commands:} lists, every line of {@code run: |} blocks, and a
     * container's {@code args:} list as one strata command (the image's entrypoint).
     */
    static String script(String yaml) {
        List<String> lines = List.of(yaml.split("\n"));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = KEY.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            int indent = m.group(1).length() + (m.group(2) == null ? 0 : 2);
            String key = m.group(3);
            boolean block = m.group(4) != null;
            boolean skipped = lines.get(i).endsWith(SKIP);
            List<String> body = new ArrayList<>();
            int j = i + 1;
            while (j < lines.size() && (lines.get(j).isBlank() || indentOf(lines.get(j)) > indent)) {
                body.add(lines.get(j));
                j++;
            }
            if (block && key.equals("run")) {
                if (!skipped) {
                    body.forEach(l -> out.append(l.strip()).append('\n'));
                }
            } else if (key.equals("script") || key.equals("commands")) {
                for (String item : items(body)) {
                    if (!item.endsWith(SKIP)) {
                        out.append(item).append('\n');
                    }
                }
            } else if (key.equals("args")) {
                out.append("strata");
                items(body).forEach(a -> out.append(" '").append(a).append('\''));
                out.append('\n');
            } else if (key.equals("variables") || key.equals("env")) {
                for (String l : body) {
                    Matcher kv = Pattern.compile("^\\s*([A-Z_][A-Z0-9_]*):\\s*(.*?)\\s*(#.*)?$")
                            .matcher(l);
                    if (kv.matches()) {
                        out.append("export ")
                                .append(kv.group(1))
                                .append("=\"")
                                .append(unquote(kv.group(2)))
                                .append("\"\n");
                    }
                }
            }
        }
        return out.toString();
    }

    private static List<String> items(List<String> body) {
        List<String> out = new ArrayList<>();
        for (String l : body) {
            String s = l.strip();
            if (s.startsWith("- ")) {
                out.add(s.substring(2).strip());
            }
        }
        return out;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static int indentOf(String l) {
        int n = 0;
        while (n < l.length() && l.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    private record Run(int code, String out) {}

    private static Run bash(String script, Path cwd, Map<String, String> env) throws IOException, InterruptedException {
        Path log = Files.createTempFile(tmp, "run-", ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script)
                .directory(cwd.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> e = pb.environment();
        for (String v :
                List.of("STRATA_HOME", "XDG_DATA_HOME", "DOCKER_CONFIG", "REGISTRY_AUTH_FILE", "SOURCE_DATE_EPOCH")) {
            e.remove(v);
        }
        e.put("HOME", cwd.toString());
        e.put("PATH", bin + ":" + e.getOrDefault("PATH", "/usr/bin:/bin"));
        e.put("XDG_CACHE_HOME", tmp.resolve("xdg-cache").toString());
        e.putAll(env);
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("timed out: " + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log));
    }
}
