package lunatik.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import lunatik.linux.Ledger;
import lunatik.linux.fuse.FuseDevice;
import lunatik.linux.netfilter.NfRules;
import lunatik.linux.trace.TracepointCounter;

/**
 * Undoes what a daemon killed before it could clean up left on the machine, from the list it
 * kept in its run directory ({@link Ledger}): its device mounts (only stale ones: a device some
 * live process serves is never touched), its netfilter chains, the filter tables it made (only
 * when empty), and tracefs if it mounted it. Chains go before tables.
 */
final class Leftovers {
    private Leftovers() {
    }

    /** Undoes each entry of a dead daemon's ledger; returns what was done, a line each. */
    static List<String> undo(List<String> entries) {
        List<String> done = new ArrayList<>();
        List<String> ordered = new ArrayList<>(entries);
        ordered.sort(Comparator.comparingInt(Leftovers::order));
        for (String e : ordered) {
            try {
                String d = undo(e);
                if (d != null) {
                    done.add(d);
                }
            } catch (IOException | RuntimeException x) {
                done.add("could not remove " + e + ": " + x.getMessage());
            }
        }
        return done;
    }

    private static int order(String entry) {
        // rules before the chains they jump from, chains before the tables that hold them
        return entry.startsWith("xtrule") ? 0 : entry.startsWith("chain ") ? 1 : entry.startsWith("table ") ? 2 : 3;
    }

    private static String netns(String field) {
        return field.equals("-") ? null : field;
    }

    private static String undo(String entry) throws IOException {
        String[] f = entry.split("[ \t]");
        switch (f[0]) {
            case "mount" -> {
                Path p = Path.of(entry.substring("mount ".length()));
                return FuseDevice.removeStale(p) ? "removed the stale device mount " + p : null;
            }
            case "chain" -> {
                if (f.length == 5) {
                    NfRules.removeChain(netns(f[1]), f[2], f[3], f[4]);
                    return "removed the netfilter chain " + f[2] + " " + f[3] + " " + f[4];
                }
                return null;
            }
            case "table" -> {
                if (f.length == 4 && NfRules.removeTableIfEmpty(netns(f[1]), f[2], f[3])) {
                    return "removed the empty table " + f[2] + " " + f[3] + " it had made";
                }
                return null;
            }
            case "xtrule" -> {
                return NfRules.removeXtablesEntry(entry) ? "removed the iptables rule " + entry.replace('\t', ' ') : null;
            }
            case "tracefs" -> {
                Path p = Path.of(entry.substring("tracefs ".length()));
                return TracepointCounter.unmountStale(p) ? "unmounted tracefs at " + p : null;
            }
            default -> {
                return null;
            }
        }
    }
}
