package lunatik.linux.netfilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules that send packets of one hook to an NFQUEUE queue: a base chain {@code lunatik_h<q>}
 * at the hook and priority asked for, in table {@code filter} of the ip or ip6 family, that
 * jumps (for packets with the given mark, when one is given) to a regular chain
 * {@code lunatik_q<q>} holding an xtables NFQUEUE rule with bypass. The kernel here has no nft
 * {@code queue} statement, and iptables-nft adds rules only to chains it did not make as base
 * chains, hence the two chains (linux-recipes.md §2). Bypass means fail-open: with no one
 * reading the queue (a daemon that died), packets pass. Commands run in a network namespace
 * when one is given (nsenter).
 */
public final class NfRules {
    private NfRules() {
    }

    /** nft's hook names, by Linux hook number (NF_INET_*). */
    private static final String[] HOOKS = {"prerouting", "input", "forward", "output", "postrouting"};

    /** Thrown when a command fails: its output says why. */
    public static final class RuleException extends IOException {
        private static final long serialVersionUID = 1L;

        RuleException(String msg) {
            super(msg);
        }
    }

    /** How long one nft or iptables command may take. */
    static final long TIMEOUT_MS = 10_000;

    /** The absolute path of a tool from the system's folders (never from PATH), or a clear error. */
    static String tool(String name) throws RuleException {
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String pkg = name.startsWith("nft") ? "nftables" : name.startsWith("nsenter") ? "util-linux" : "iptables";
        throw new RuleException(name + " is not installed (Debian's " + pkg
            + " package has it): netfilter hooks need nft and iptables-nft");
    }

    /**
     * Runs a command by absolute path (in {@code netns} when not null), for at most
     * {@value #TIMEOUT_MS} ms; returns its output, or throws with it.
     */
    static String run(String netns, String... cmd) throws IOException {
        List<String> c = new ArrayList<>();
        if (netns != null) {
            c.add(tool("nsenter"));
            c.add("--net=" + netns);
        }
        c.add(tool(cmd[0]));
        c.addAll(List.of(cmd).subList(1, cmd.length));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        try {
            java.util.concurrent.CompletableFuture<byte[]> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!p.waitFor(TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new RuleException(String.join(" ", cmd) + ": no answer after " + TIMEOUT_MS + " ms");
            }
            String text = new String(out.join(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new RuleException(String.join(" ", cmd) + ": " + text.strip());
            }
            return text;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RuleException(String.join(" ", cmd) + ": interrupted");
        }
    }

    /** The ledger entry of one of our chains (see {@link lunatik.linux.Ledger}). */
    static String chainEntry(String netns, String family, String chain) {
        return "chain " + (netns == null ? "-" : netns) + " " + family + " filter " + chain;
    }

    /** The ledger entry of a filter table we made. */
    static String tableEntry(String netns, String family) {
        return "table " + (netns == null ? "-" : netns) + " " + family + " filter";
    }

    /** The filter tables this process made (so it removes them when its last chain goes): "ns family". */
    private static final java.util.Set<String> OUR_TABLES = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Makes table {@code family filter} if it is not there, and remembers that we made it. */
    private static void ensureTable(String netns, String family) throws IOException {
        try {
            run(netns, "nft", "list", "table", family, "filter");
            return; // someone's already (iptables', or ours)
        } catch (RuleException e) {
            if (e.getMessage().contains("not installed")) {
                throw e;
            }
        }
        run(netns, "nft", "add", "table", family, "filter");
        OUR_TABLES.add((netns == null ? "-" : netns) + " " + family);
        lunatik.linux.Ledger.record(tableEntry(netns, family));
    }

    private static String table(boolean ipv6) {
        return ipv6 ? "ip6" : "ip";
    }

    /**
     * Sends packets of {@code hook} (NF_INET_* number) at {@code priority} to queue {@code queue}
     * in the ip (or ip6) family; only packets whose mark is {@code mark} when it is not null.
     */
    public static void install(String netns, boolean ipv6, int hook, int priority, Long mark, int queue) throws IOException {
        if (hook < 0 || hook >= HOOKS.length) {
            throw new RuleException("no such hook: " + hook);
        }
        String t = table(ipv6);
        String base = "lunatik_h" + queue;
        String q = "lunatik_q" + queue;
        ensureTable(netns, t);
        run(netns, "nft", "add", "chain", t, "filter", base,
            "{ type filter hook " + HOOKS[hook] + " priority " + priority + "; policy accept; }");
        lunatik.linux.Ledger.record(chainEntry(netns, t, base));
        try {
            run(netns, "nft", "add", "chain", t, "filter", q);
            lunatik.linux.Ledger.record(chainEntry(netns, t, q));
            run(netns, ipv6 ? "ip6tables-nft" : "iptables-nft", "-A", q, "-j", "NFQUEUE",
                "--queue-num", Integer.toString(queue), "--queue-bypass");
            if (mark != null) {
                run(netns, "nft", "add", "rule", t, "filter", base, "meta", "mark", Long.toString(mark), "jump", q);
            } else {
                run(netns, "nft", "add", "rule", t, "filter", base, "jump", q);
            }
        } catch (IOException e) {
            remove(netns, ipv6, queue);
            throw e;
        }
    }

    /** Removes the chains of {@code queue} (whatever of them exists), and the table if we made it and it is empty now. */
    public static void remove(String netns, boolean ipv6, int queue) {
        String t = table(ipv6);
        removeChain(netns, t, "filter", "lunatik_h" + queue);
        removeChain(netns, t, "filter", "lunatik_q" + queue);
        if (OUR_TABLES.contains((netns == null ? "-" : netns) + " " + t) && removeTableIfEmpty(netns, t, "filter")) {
            OUR_TABLES.remove((netns == null ? "-" : netns) + " " + t);
        }
    }

    /**
     * Runs {@code iptables-nft} (or {@code ip6tables-nft}) to add ({@code -A}, {@code -I}) or
     * delete ({@code -D}) one rule: {@code -t table <op> chain <position when -I> spec...}. An
     * added rule is written in the ledger (what a killed daemon left is removed by the next), a
     * deleted one crossed out.
     */
    public static void xtablesRule(String netns, boolean ipv6, String table, String op, String chain, Integer position,
                                   List<String> spec) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ipv6 ? "ip6tables-nft" : "iptables-nft", "-t", table, op, chain));
        if (position != null) {
            cmd.add(position.toString());
        }
        cmd.addAll(spec);
        run(netns, cmd.toArray(String[]::new));
        String entry = xtablesEntry(netns, ipv6, table, chain, spec);
        if (op.equals("-D")) {
            lunatik.linux.Ledger.forget(entry);
        } else {
            lunatik.linux.Ledger.record(entry);
        }
    }

    /** The ledger entry of an iptables rule of ours: fields separated by tabs (a rule's words may hold spaces). */
    static String xtablesEntry(String netns, boolean ipv6, String table, String chain, List<String> spec) {
        return "xtrule\t" + (netns == null ? "-" : netns) + "\t" + (ipv6 ? "ip6" : "ip") + "\t" + table + "\t" + chain
            + "\t" + String.join("\t", spec);
    }

    /** Deletes the rule of a ledger entry made by {@link #xtablesEntry} (what a killed daemon left); whether it was there. */
    public static boolean removeXtablesEntry(String entry) {
        String[] f = entry.split("\t", -1);
        if (f.length < 5 || !f[0].equals("xtrule")) {
            return false;
        }
        try {
            xtablesRule(f[1].equals("-") ? null : f[1], f[2].equals("ip6"), f[3], "-D", f[4], null,
                List.of(f).subList(5, f.length));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Flushes and deletes one chain (a no-op when it is not there), and crosses it out of the ledger. */
    public static void removeChain(String netns, String family, String table, String chain) {
        for (String op : new String[] {"flush", "delete"}) {
            try {
                run(netns, "nft", op, "chain", family, table, chain);
            } catch (IOException e) {
                // not there (any more)
            }
        }
        lunatik.linux.Ledger.forget(chainEntry(netns, family, chain));
    }

    /**
     * Deletes {@code family table} if it holds no chain any more (what iptables-nft left in it
     * is someone's), and crosses it out of the ledger; whether it is gone.
     */
    public static boolean removeTableIfEmpty(String netns, String family, String table) {
        try {
            String listing = run(netns, "nft", "list", "table", family, table);
            if (listing.contains("chain ") || listing.contains("set ") || listing.contains("map ")) {
                return false;
            }
            run(netns, "nft", "delete", "table", family, table);
        } catch (IOException e) {
            // gone already (or no nft): nothing of ours left either way
        }
        lunatik.linux.Ledger.forget(tableEntry(netns, family));
        return true;
    }

    private static final Pattern CHAINS = Pattern.compile("table (\\S+) (\\S+)|chain (lunatik_[hq]\\d+)");

    /** The lunatik chains now (for tests and status): "ip lunatik_h7" and so on. */
    public static List<String> chains(String netns) throws IOException {
        List<String> out = new ArrayList<>();
        String family = null;
        Matcher m = CHAINS.matcher(run(netns, "nft", "list", "chains"));
        while (m.find()) {
            if (m.group(1) != null) {
                family = m.group(2).equals("filter") ? m.group(1) : null; // ours live in "filter"
            } else if (family != null) {
                out.add(family + " " + m.group(3));
            }
        }
        return out;
    }
}
