package lunatik.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/** Drives the lunatik command in-process from tests, with its own device and run folders. */
public final class LunatikCliAccess {
    private final LunatikCli cli;

    public LunatikCliAccess(Path devdir, Path rundir, PrintStream out, Path root, Path lib) {
        cli = new LunatikCli(devdir, rundir, out, out);
        cli.rootOverride = root;
        cli.libOverride = lib;
    }

    /** The network namespace the daemon's network modules work in (null: its own). */
    public LunatikCliAccess netns(Path ns) {
        cli.netnsOverride = ns;
        return this;
    }

    /** More options for the daemon that {@code load} starts. */
    public LunatikCliAccess daemonOptions(String... options) {
        cli.daemonOptions.addAll(java.util.List.of(options));
        return this;
    }

    /** Makes the command treat the daemon as a systemd service, run by {@code systemctl}. */
    public LunatikCliAccess systemctl(java.nio.file.Path systemctl) {
        cli.systemctlOverride = systemctl.toString();
        return this;
    }

    /** Starts the daemon as systemd would, without the runner chunk that {@code load} sends. */
    public void startDaemonOnly() throws LunatikCli.CliException {
        cli.startDaemon();
    }

    /** Runs one command; returns its exit status (1 for a reported failure). */
    public int command(String... args) {
        try {
            return cli.run(args);
        } catch (LunatikCli.CliException e) {
            return 1;
        }
    }
}
