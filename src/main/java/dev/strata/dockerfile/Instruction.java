package dev.strata.dockerfile;

/**
 * One typed Dockerfile instruction. Its fields hold the words as written until {@link #expand}
 * returns a copy with the words docker expands (ENV, ARG defaults, COPY/ADD paths and flags, ...)
 * replaced; shell text of RUN/CMD/ENTRYPOINT is never expanded here (the shell does that).
 */
public sealed interface Instruction
        permits FromInstruction,
                RunInstruction,
                CmdInstruction,
                EntrypointInstruction,
                ShellInstruction,
                LabelInstruction,
                ExposeInstruction,
                EnvInstruction,
                AddInstruction,
                CopyInstruction,
                VolumeInstruction,
                UserInstruction,
                WorkdirInstruction,
                ArgInstruction,
                OnbuildInstruction,
                StopSignalInstruction,
                HealthcheckInstruction,
                MaintainerInstruction {

    /** The syntax node: keyword, flags, source text and positions. */
    Node node();

    /** A copy with the words docker expands replaced, using {@code x}'s variables. */
    Instruction expand(Expander x);

    /** Upper-case keyword ({@code RUN}). */
    default String keyword() {
        return node().instruction();
    }
}
