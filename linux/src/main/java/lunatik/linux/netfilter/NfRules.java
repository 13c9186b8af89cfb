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

    private static String tool(String name) {
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return name;
    }

    /** Runs a command (in {@code netns} when not null); returns its output, or throws with it. */
    static String run(String netns, String... cmd) throws IOException {
        List<String> c = new ArrayList<>();
        if (netns != null) {
            c.add(tool("nsenter"));
            c.add("--net=" + netns);
        }
        c.add(tool(cmd[0]));
        c.addAll(List.of(cmd).subList(1, cmd.length));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new RuleException(String.join(" ", cmd) + ": " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuleException(String.join(" ", cmd) + ": interrupted");
        }
        return out;
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
        run(netns, "nft", "add", "table", t, "filter");
        run(netns, "nft", "add", "chain", t, "filter", base,
            "{ type filter hook " + HOOKS[hook] + " priority " + priority + "; policy accept; }");
        try {
            run(netns, "nft", "add", "chain", t, "filter", q);
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

    /** Removes the chains of {@code queue} (whatever of them exists). */
    public static void remove(String netns, boolean ipv6, int queue) {
        String t = table(ipv6);
        for (String[] cmd : new String[][] {
            {"nft", "delete", "chain", t, "filter", "lunatik_h" + queue},
            {"nft", "flush", "chain", t, "filter", "lunatik_q" + queue},
            {"nft", "delete", "chain", t, "filter", "lunatik_q" + queue}}) {
            try {
                run(netns, cmd);
            } catch (IOException e) {
                // not there (any more)
            }
        }
    }

    /** Removes every lunatik chain (what a daemon killed with SIGKILL left); returns how many queues (per family). */
    public static int removeAll(String netns) {
        java.util.Set<String> queues = new java.util.LinkedHashSet<>();
        try {
            for (String c : chains(netns)) {
                String[] f = c.split(" "); // "ip lunatik_h7"
                if (f[0].equals("ip") || f[0].equals("ip6")) {
                    queues.add(f[0] + " " + f[1].substring("lunatik_h".length()));
                }
            }
        } catch (IOException e) {
            return 0; // no nft, or nothing to list
        }
        for (String s : queues) {
            String[] f = s.split(" ");
            remove(netns, f[0].equals("ip6"), Integer.parseInt(f[1]));
        }
        return queues.size();
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
