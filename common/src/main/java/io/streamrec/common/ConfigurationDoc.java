package io.streamrec.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Keeps docs/CONFIGURATION.md the one place every setting is documented: finds options a
 * command has that the document does not list, and renders a command's option table.
 */
public final class ConfigurationDoc {
  private ConfigurationDoc() {}

  /** "command --option" for every option of every subcommand missing from its "### `command`" section. */
  public static List<String> undocumented(Map<String, CommandLine> commands, String docText) {
    List<String> missing = new ArrayList<>();
    for (var e : commands.entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      String section = section(docText, "### `" + e.getKey() + "`");
      if (section == null) {
        missing.add("section for command " + e.getKey());
        continue;
      }
      for (OptionSpec o : e.getValue().getCommandSpec().options()) {
        String name = o.longestName();
        if (name.equals("--help") || name.equals("--version")) {
          continue;
        }
        if (!section.contains("`" + name + "`") || !section.contains("`" + EnvironmentDefaults.variableFor(name) + "`")) {
          missing.add(e.getKey() + " " + name);
        }
      }
    }
    return missing;
  }

  /** The markdown table of one command's options, as docs/CONFIGURATION.md lays them out. */
  public static String table(CommandLine command) {
    StringBuilder b = new StringBuilder("| option | environment | default | meaning |\n|---|---|---|---|\n");
    for (OptionSpec o : command.getCommandSpec().options()) {
      String name = o.longestName();
      if (name.equals("--help") || name.equals("--version")) {
        continue;
      }
      String description = String.join(" ", o.description()).replaceAll("\\s*Default: .*$", "")
          .replaceAll("\\s*\\(default: [^)]*\\)", "").trim();
      String def = o.defaultValue() == null ? (o.required() ? "required" : "unset") : "`" + o.defaultValue() + "`";
      b.append("| `").append(name).append("` | `").append(EnvironmentDefaults.variableFor(name)).append("` | ")
          .append(def).append(" | ").append(description.replace("|", "\\|")).append(" |\n");
    }
    return b.toString();
  }

  /**
   * Prints the "### `command`" sections of a CLI for docs/CONFIGURATION.md. Argument: a class
   * with a static {@code commandLine()} method, or a picocli command class.
   */
  public static void main(String[] args) throws Exception {
    Class<?> c = Class.forName(args[0]);
    CommandLine cli;
    try {
      cli = (CommandLine) c.getMethod("commandLine").invoke(null);
    } catch (NoSuchMethodException e) {
      cli = new CommandLine(c.getDeclaredConstructor().newInstance());
    }
    cli.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        System.out.println("### `" + name + "`\n\n" + String.join(" ", sub.getCommandSpec().usageMessage().description())
            + "\n\n" + table(sub));
      }
    });
  }

  private static String section(String text, String heading) {
    int start = text.indexOf(heading);
    if (start < 0) {
      return null;
    }
    int end = text.indexOf("\n### ", start + heading.length());
    return end < 0 ? text.substring(start) : text.substring(start, end);
  }
}
