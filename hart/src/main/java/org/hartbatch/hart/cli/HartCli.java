package org.hartbatch.hart.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hart}: command-line access to the HART pipeline. */
@Command(
    name = "hart",
    mixinStandardHelpOptions = true,
    description = "Render images with HART (hybrid autoregressive transformer).",
    subcommands = {RenderCommand.class, TrainTokenizerCommand.class, TrainBuiltinCommand.class})
public final class HartCli {

  public static void main(String[] args) {
    System.exit(new CommandLine(new HartCli()).execute(args));
  }
}
