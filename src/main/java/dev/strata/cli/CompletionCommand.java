package dev.strata.cli;

import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strata completion bash|zsh}: the completion script picocli generates from strata's own commands. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = "Print a shell completion script for bash or zsh.",
        footer = {
            "",
            "Install it for every new shell (bash):",
            "  strata completion bash > /etc/bash_completion.d/strata",
            "or for this shell only:",
            "  source <(strata completion bash)",
            "zsh reads the same script through bashcompinit:",
            "  autoload -U +X bashcompinit && bashcompinit && source <(strata completion zsh)"
        })
final class CompletionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "bash|zsh", description = "the shell (zsh uses the bash script)")
    String shell;

    @Override
    public void run() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new ParameterException(spec.commandLine(), "unknown shell '" + shell + "': use bash or zsh");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(AutoComplete.bash("strata", spec.root().commandLine()));
        out.flush();
    }
}
