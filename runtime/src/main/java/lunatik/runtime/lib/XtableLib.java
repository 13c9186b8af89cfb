package lunatik.runtime.lib;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import lunatik.linux.netfilter.NfQueue;
import lunatik.linux.netfilter.NfRules;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Host;
import lunatik.runtime.LuaException;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;
import lunatik.runtime.Objects;
import lunatik.runtime.Runtime;

/**
 * The {@code xtable} module (spec §8.17): iptables match and target extensions whose function is
 * Lua. A kernel extension cannot be registered from userspace, so an extension here is served
 * over NFQUEUE, as netfilter hooks are ({@link PacketQueue}), and the rules that use it are
 * translated: {@code xtable.iptables} (what {@code lunatik iptables ...} calls) turns a rule
 * that names an extension into ordinary iptables-nft rules:
 *
 * <ul>
 *   <li>a match ({@code -m dnsblock}): packets that satisfy the rule's other conditions go to a
 *       queue of the rule's own, the Lua match decides, and the packet goes through the hook
 *       again (NF_REPEAT) with two bits of its mark set, "evaluated" and, if it matched,
 *       "matched"; a second rule with the same conditions applies the rule's target to packets
 *       whose mark says matched. {@code par.hotdrop} drops the packet at once.</li>
 *   <li>a target ({@code -j dnsdoctor}): packets that satisfy the rule's conditions go to the
 *       rule's queue, and the Lua target's result is the packet's verdict (ACCEPT, DROP); a
 *       result that means "go on" (XT_CONTINUE: a value outside [0, 5], or an error) sends the
 *       packet through the hook again with its "evaluated" bit set, so the next rule sees it.</li>
 * </ul>
 *
 * <p>What differs from a kernel extension, and why: rules before the extension's rule in its
 * chain see a packet twice when it is sent through the hook again (REPEAT is the only way back
 * into a chain from a queue); the marks' top byte is ours while extensions are in use (two bits
 * per match rule, one per target rule: at most eight bits in all), and stays on the packet; a
 * rule is added and removed with {@code lunatik iptables} (or {@code xtable.iptables}), not with
 * iptables itself, which has no {@code libxt_<name>.so} for it; the userargs a rule carries come
 * from the extension's {@code libxt_<name>.lua} next to its script ({@code luaxt.match} or
 * {@code luaxt.target} with an {@code init(par)} that sets {@code par.userargs}), or are 256
 * zero bytes when there is none; extension options on the command line are not parsed. With no
 * daemon reading, the queue rules let packets through (bypass): a match matches nothing, a
 * target accepts. Rules go when the extension's runtime stops.
 */
public final class XtableLib {
    private XtableLib() {
    }

    /** The bytes of a rule's userargs (luaxtable's info struct holds 256). */
    static final int USERARGS = 256;
    private static final LuaString HOTDROP = Ops.str("hotdrop");
    private static final LuaString THOFF = Ops.str("thoff");
    private static final LuaString FRAGOFF = Ops.str("fragoff");
    private static final LuaString HOOKNUM = Ops.str("hooknum");

    public static final ObjectClass CLASS = ObjectClass.builder("xtable")
        .release(p -> ((Extension) p).release())
        .build();

    /** {@code require("xtable")}: match, target, iptables, and the netfilter constants. */
    /*lua @module xtable
     * iptables match and target extensions whose function is Lua. A kernel extension cannot be
     * registered from userspace, so an extension is served over NFQUEUE, as netfilter hooks are,
     * and the rules that use it are written with `lunatik iptables` (or `ip6tables`) as for
     * Lunatik: the daemon turns a rule naming the extension into ordinary iptables-nft rules. A
     * match's answer comes back as two bits of the packet's mark ("evaluated", "matched") and the
     * packet goes through the chain again (NF_REPEAT), where a second rule with the same conditions
     * applies the rule's target to matched packets; a target's result is the verdict, and "go on"
     * (XT_CONTINUE: a value outside [0, 5], or an error) repeats the packet with its evaluated bit
     * set. The module also has the constants of `netfilter` (family, action, inet_hooks, ...).
     * Non-sleepable runtimes only.
     *
     * Callbacks, as Lunatik's: `match(skb, par, userargs)` returns true when the packet matches
     * (`par.hotdrop = true` drops it at once); `target(skb, par, userargs)` returns a verdict;
     * `checkentry(userargs)` when a rule is added, `destroy(userargs)` when it is removed. `skb`
     * is the packet as a data object; `par` has `hotdrop`, `thoff` (transport header offset),
     * `fragoff` and `hooknum`; `userargs` is the rule's 256 bytes.
     * @differs Rules before the extension's rule in its chain see a repeated packet twice; the top
     * byte of the mark is the extensions' (two bits per match rule, one per target rule, eight in
     * all) and stays on the packet; userargs come from the extension's `libxt_<name>.lua` next to
     * its script (an `init(par)` that sets `par.userargs`), or are 256 zero bytes; extension options
     * on the command line are not parsed; with no daemon reading, a match matches nothing and a
     * target accepts; the rules go when the extension's runtime stops.
     */
    /*lua xtable.match(ops)
     * Registers a match extension.
     * @param ops table: `name` (string, up to 28 bytes), `revision`, `family` (a `netfilter.family`),
     *   `proto`, `hooks` (optional bit mask), all integers, and `match`, `checkentry`, `destroy`
     *   (functions)
     * @return an xtable object
     * @raise "bad field '<name>' (<type> expected, got <type>)"; "'name' is too long"; "unable to
     *   register match" when an extension of that name exists; "cannot use sleepable runtime in
     *   this context"
     */
    /*lua xtable.target(ops)
     * Registers a target extension: as `match`, with a `target` function instead.
     * @param ops table: as for `match`, with `target`
     * @return an xtable object
     * @raise as `match`, with "unable to register target"
     */
    /*lua xtable.iptables(ipv6, args)
     * What `lunatik iptables` calls: adds (`-A`, `-I`) or deletes (`-D`) a rule written as for
     * Lunatik's iptables extension (`{"-A", "OUTPUT", "-m", "dnsblock", "-j", "DROP"}`), made of
     * ordinary iptables-nft rules.
     * @param ipv6 boolean: ip6tables rather than iptables
     * @param args table: the command's words, strings
     * @return string: the iptables commands the rule was translated into, a line each
     * @raise "bad argument #2 to 'iptables' (strings expected)"; the reason the rule cannot be made,
     *   such as "no xtable extension in this rule (-m <match> or -j <target> that a running script
     *   registered)"
     * @differs Ours: Lunatik's rules are added with iptables itself and its libxt_<name>.so.
     */
    /*lua xtable.family
     * As `netfilter.family`.
     */
    /*lua xtable.action
     * As `netfilter.action`.
     */
    /*lua xtable.inet_hooks
     * As `netfilter.inet_hooks`.
     */
    /*lua xtable.bridge_hooks
     * As `netfilter.bridge_hooks`.
     */
    /*lua xtable.arp_hooks
     * As `netfilter.arp_hooks`.
     */
    /*lua xtable.netdev_hooks
     * As `netfilter.netdev_hooks`.
     */
    /*lua xtable.ip_priority
     * As `netfilter.ip_priority`.
     */
    /*lua xtable.bridge_priority
     * As `netfilter.bridge_priority`.
     */
    public static Object open(LuaState L) {
        Objects.metatable(L, CLASS);
        LuaTable lib = new LuaTable();
        LibFunction.register(L, lib, "xtable", "match", a -> register(a, "match"));
        LibFunction.register(L, lib, "xtable", "target", a -> register(a, "target"));
        LibFunction.register(L, lib, "xtable", "iptables", XtableLib::iptables);
        NetfilterLib.putConstants(lib);
        return lib;
    }

    /** The extensions of a host, by name. */
    private static Map<String, Extension> registry(Host h) {
        return h.shared(XtableLib.class, ConcurrentHashMap::new);
    }

    private static Host host(LuaState L) {
        Runtime rt = Runtime.of(L);
        Host h = rt != null ? rt.host() : L.extension(Host.class);
        if (h == null) {
            throw new LuaError(Ops.str("no Lunatik host for this state"));
        }
        return h;
    }

    // ---------------------------------------------------------------- registration

    private static Object register(Args a, String kind) {
        LuaState L = a.state();
        LuaTable opts = a.checkTable(1);
        if (Lunatik.isSleepable(L)) {
            throw new LuaError(Ops.str("cannot use sleepable runtime in this context"));
        }
        LuaString name = field(opts, "name", LuaString.class, "string");
        if (name.length() > 28) {
            throw new LuaError(Ops.str("'name' is too long"));
        }
        field(opts, "revision", Long.class, "number");
        long family = field(opts, "family", Long.class, "number");
        field(opts, "proto", Long.class, "number");
        if (opts.get(Ops.str("hooks")) != null) {
            field(opts, "hooks", Long.class, "number");
        }
        field(opts, "checkentry", LuaFunction.class, "function");
        field(opts, "destroy", LuaFunction.class, "function");
        field(opts, kind, LuaFunction.class, "function");
        Host host = host(L);
        Extension ext = new Extension(L, kind, name.toString(), opts, family, NetNamespace.path(), host);
        if (registry(host).putIfAbsent(ext.name, ext) != null) {
            throw new LuaError(Ops.str("unable to register " + kind));
        }
        LuaUserdata u = Objects.push(L, new LunatikObject(CLASS, ext, false));
        ext.pin(u, opts); // lives until its runtime stops
        return u;
    }

    private static <T> T field(LuaTable opts, String name, Class<T> type, String expected) {
        Object v = opts.get(Ops.str(name));
        if (!type.isInstance(v)) {
            throw new LuaError(Ops.str("bad field '" + name + "' (" + expected + " expected, got " + Ops.typeName(v) + ")"));
        }
        return type.cast(v);
    }

    /** A registered match or target, and the rules that use it. */
    static final class Extension extends Registered {
        final String kind;
        final String name;
        final LuaTable opts;
        final long family;
        final String ns;
        final Host host;
        final List<Rule> rules = new CopyOnWriteArrayList<>();
        volatile boolean released;

        Extension(LuaState L, String kind, String name, LuaTable opts, long family, String ns, Host host) {
            super(L);
            this.kind = kind;
            this.name = name;
            this.opts = opts;
            this.family = family;
            this.ns = ns;
            this.host = host;
        }

        boolean isMatch() {
            return kind.equals("match");
        }

        /** The runtime stops: the rules that use the extension go, and its name is free. */
        void release() {
            if (released) {
                return;
            }
            released = true;
            registry(host).remove(name, this);
            for (Rule r : rules) {
                r.remove();
            }
            rules.clear();
            unpin();
        }

        /** Calls {@code checkentry} or {@code destroy} with the userargs, in the extension's runtime. */
        void callback(String which, LuaString userargs) throws LuaException {
            inRuntime(S -> S.call(opts.get(Ops.str(which)), userargs));
        }
    }

    // ---------------------------------------------------------------- rules

    /** The mark bits in use (the top byte of the mark is ours). */
    private static final boolean[] BITS_USED = new boolean[8];

    /** Takes {@code n} consecutive free bits of the mark's top byte; their mask, or 0 when there are none. */
    private static synchronized long takeBits(int n) {
        for (int b = 0; b + n <= 8; b++) {
            boolean free = true;
            for (int i = b; i < b + n; i++) {
                free &= !BITS_USED[i];
            }
            if (free) {
                long mask = 0;
                for (int i = b; i < b + n; i++) {
                    BITS_USED[i] = true;
                    mask |= 1L << (24 + i);
                }
                return mask;
            }
        }
        return 0;
    }

    private static synchronized void giveBits(long mask) {
        for (int i = 0; i < 8; i++) {
            if ((mask & (1L << (24 + i))) != 0) {
                BITS_USED[i] = false;
            }
        }
    }

    /** One rule that uses an extension: its queue, its mark bits and the real rules made of it. */
    static final class Rule {
        final Extension ext;
        final boolean ipv6;
        final String table;
        final String chain;
        final List<String> spec;            // the user's rule, without the command and chain
        final LuaString userargs;
        final long evaluated;
        final long matched;
        final List<List<String>> installed = new ArrayList<>();
        final PacketQueue pq;

        Rule(Extension ext, boolean ipv6, String table, String chain, List<String> spec, LuaString userargs, long bits) {
            this.ext = ext;
            this.ipv6 = ipv6;
            this.table = table;
            this.chain = chain;
            this.spec = spec;
            this.userargs = userargs;
            this.evaluated = Long.lowestOneBit(bits);
            this.matched = bits & ~evaluated;
            int options = ext.isMatch() ? DataLib.Buffer.OPT_READONLY : DataLib.Buffer.OPT_NONE;
            this.pq = new PacketQueue(ext, ext.ns, false, options, "xtable-") {
                @Override
                void answer(LuaState S, NfQueue.Packet p, Answer a) {
                    decide(S, p, a, skbValue);
                }

                @Override
                void readerEnded(Throwable failure) {
                    uninstall();
                    ext.log("xtable " + ext.name + ": queue " + queue + ": its reader ended"
                        + (failure == null ? "" : " (" + failure + ")") + "; its rules were removed, packets pass");
                }
            };
        }

        /** The Lua function's answer for one packet, as a verdict and the mark bits. */
        private void decide(LuaState S, NfQueue.Packet p, PacketQueue.Answer a, LuaUserdata skb) {
            LuaTable par = parameters(p);
            Object fn = ext.opts.get(Ops.str(ext.kind));
            Object first;
            try {
                first = Varargs.first(S.call(fn, skb, par, userargs));
            } catch (LuaError e) {
                ext.log(e.getMessage());
                first = ext.isMatch() ? Boolean.FALSE : Long.valueOf(-1); // no match; XT_CONTINUE
            }
            long mark = p.mark() & ~(evaluated | matched) | evaluated;
            if (ext.isMatch()) {
                if (Ops.isTrue(par.get(HOTDROP))) {
                    a.verdict = NfQueue.NF_DROP;
                    return;
                }
                a.verdict = NfQueue.NF_REPEAT;
                a.mark = Ops.isTrue(first) ? mark | matched : mark;
                return;
            }
            if (first == null) {
                a.verdict = NfQueue.NF_DROP; // nil converts to 0, as in Lunatik
            } else if (first instanceof Long v && v >= 0 && v <= 5 && v != 4) {
                a.verdict = v == 1 || v == 3 || v == 5 ? NfQueue.NF_ACCEPT : NfQueue.NF_DROP;
            } else {
                a.verdict = NfQueue.NF_REPEAT; // XT_CONTINUE: the next rule
                a.mark = mark;
            }
        }

        /** {@code par}: hotdrop, the transport header's offset, the fragment offset, the hook. */
        private static LuaTable parameters(NfQueue.Packet p) {
            LuaTable par = new LuaTable(0, 4);
            par.put(HOTDROP, Boolean.FALSE);
            java.lang.foreign.MemorySegment b = p.payload();
            long thoff = 0;
            long fragoff = 0;
            if (b.byteSize() >= 20 && (b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) & 0xf0) == 0x40) {
                thoff = (b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) & 0x0f) * 4L;
                fragoff = ((b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 6) & 0x1f) << 8)
                    | (b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 7) & 0xff);
            } else if (b.byteSize() >= 40) {
                thoff = 40;
            }
            par.put(THOFF, thoff);
            par.put(FRAGOFF, fragoff);
            par.put(HOOKNUM, (long) p.hook());
            return par;
        }

        /** The real rules of this rule, in the order they go in a chain. */
        List<List<String>> translate(List<String> conditions, List<String> target, int queue) {
            List<String> toQueue = new ArrayList<>(conditions);
            toQueue.addAll(List.of("-m", "mark", "!", "--mark", hex(evaluated) + "/" + hex(evaluated),
                "-j", "NFQUEUE", "--queue-num", Integer.toString(queue), "--queue-bypass"));
            if (!ext.isMatch()) {
                return List.of(toQueue);
            }
            List<String> apply = new ArrayList<>(conditions);
            long both = evaluated | matched;
            apply.addAll(List.of("-m", "mark", "--mark", hex(both) + "/" + hex(both)));
            apply.addAll(target);
            return List.of(toQueue, apply);
        }

        /** Adds the real rules at the end of the chain ({@code position} null) or at a position. */
        void install(List<List<String>> real, Integer position) throws IOException {
            if (position == null) {
                for (List<String> r : real) {
                    NfRules.xtablesRule(ext.ns, ipv6, table, "-A", chain, null, r);
                    installed.add(r);
                }
            } else {
                for (int i = real.size() - 1; i >= 0; i--) {
                    NfRules.xtablesRule(ext.ns, ipv6, table, "-I", chain, position, real.get(i));
                    installed.add(real.get(i));
                }
            }
        }

        /** Deletes the real rules (those still there). */
        void uninstall() {
            for (List<String> r : installed) {
                try {
                    NfRules.xtablesRule(ext.ns, ipv6, table, "-D", chain, null, r);
                } catch (IOException e) {
                    // flushed by someone already
                }
            }
            installed.clear();
        }

        /** The rule goes: its real rules, its queue, its mark bits. */
        void remove() {
            uninstall();
            pq.close();
            giveBits(evaluated | matched);
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    // ---------------------------------------------------------------- xtable.iptables

    /**
     * {@code xtable.iptables(ipv6, {args...})}: adds ({@code -A}, {@code -I}) or deletes
     * ({@code -D}) a rule written as for Lunatik's iptables extension, and returns the iptables
     * commands it was translated into, a line each.
     */
    private static Object iptables(Args a) {
        boolean ipv6 = a.toBoolean(1);
        LuaTable t = a.checkTable(2);
        List<String> args = new ArrayList<>();
        for (long i = 1; t.get(i) != null; i++) {
            Object v = t.get(i);
            if (!(v instanceof LuaString s)) {
                throw a.argError(2, "strings expected");
            }
            args.add(s.toString());
        }
        try {
            return Ops.str(apply(host(a.state()), ipv6, args));
        } catch (IOException e) {
            throw new LuaError(Ops.str(e.getMessage()));
        }
    }

    /** The command of a rule: -A/-I/-D, the chain, and -I's position. */
    private record Command(String op, String chain, Integer position, String table, List<String> rest) {
    }

    private static Command command(List<String> args) throws IOException {
        String op = null;
        String chain = null;
        Integer position = null;
        String table = "filter";
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            switch (w) {
                case "-t", "--table" -> table = next(args, ++i, w);
                case "-A", "--append", "-D", "--delete", "-I", "--insert" -> {
                    if (op != null) {
                        throw new IOException("one command at a time (-A, -I or -D)");
                    }
                    op = w.startsWith("--") ? "-" + Character.toUpperCase(w.charAt(2)) : w;
                    chain = next(args, ++i, w);
                    if (op.equals("-I") && i + 1 < args.size() && args.get(i + 1).matches("\\d+")) {
                        position = Integer.parseInt(args.get(++i));
                    } else if (op.equals("-I")) {
                        position = 1;
                    }
                }
                default -> rest.add(w);
            }
        }
        if (op == null) {
            throw new IOException("a rule needs -A, -I or -D and a chain");
        }
        return new Command(op, chain, position, table, rest);
    }

    private static String next(List<String> args, int i, String option) throws IOException {
        if (i >= args.size()) {
            throw new IOException(option + " needs a value");
        }
        return args.get(i);
    }

    /** Applies the rule; the translation, one iptables command a line. */
    static String apply(Host host, boolean ipv6, List<String> args) throws IOException {
        Command c = command(args);
        Map<String, Extension> exts = registry(host);
        int at = -1;
        Extension ext = null;
        for (int i = 0; i + 1 < c.rest.size(); i++) {
            String w = c.rest.get(i);
            Extension e = exts.get(c.rest.get(i + 1));
            if (e != null && ((w.equals("-m") || w.equals("--match")) && e.isMatch()
                    || (w.equals("-j") || w.equals("--jump")) && !e.isMatch())) {
                at = i;
                ext = e;
                break;
            }
        }
        if (ext == null) {
            throw new IOException("no xtable extension in this rule (-m <match> or -j <target> that a running script registered)");
        }
        if (c.op.equals("-D")) {
            return delete(ext, ipv6, c);
        }
        List<String> conditions = new ArrayList<>(c.rest.subList(0, at));
        List<String> after = new ArrayList<>(c.rest.subList(at + 2, c.rest.size()));
        List<String> target = new ArrayList<>();
        int j = indexOfJump(after);
        if (ext.isMatch()) {
            if (j < 0) {
                throw new IOException("a rule with -m " + ext.name + " needs a target (-j)");
            }
            conditions.addAll(after.subList(0, j));
            target.addAll(after.subList(j, after.size()));
        } else {
            conditions.addAll(after); // extension options are not parsed: the rest are conditions
        }
        LuaString userargs = userargs(ext);
        try {
            ext.callback("checkentry", userargs);
        } catch (LuaException e) {
            throw new IOException("rule rejected by " + ext.name + "'s checkentry (EINVAL): " + e.getMessage());
        }
        long bits = takeBits(ext.isMatch() ? 2 : 1);
        if (bits == 0) {
            throw new IOException("no mark bits left for another xtable rule (the top byte of the mark holds eight)");
        }
        Rule r = new Rule(ext, ipv6, c.table, c.chain, normalized(c.rest), userargs, bits);
        try {
            r.pq.open();
            List<List<String>> real = r.translate(conditions, target, r.pq.queue);
            r.install(real, c.position);
            ext.rules.add(r);
            return describe(ipv6, c, real);
        } catch (IOException | RuntimeException e) {
            r.remove();
            throw e instanceof IOException io ? io : new IOException(e.toString(), e);
        }
    }

    private static int indexOfJump(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("-j") || w.equals("--jump") || w.equals("-g") || w.equals("--goto")) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> normalized(List<String> words) {
        return List.copyOf(words);
    }

    private static String describe(boolean ipv6, Command c, List<List<String>> real) {
        StringBuilder b = new StringBuilder();
        String tool = ipv6 ? "ip6tables" : "iptables";
        if (c.position == null) {
            for (List<String> r : real) {
                b.append(tool).append(" -t ").append(c.table).append(" -A ").append(c.chain).append(' ')
                    .append(String.join(" ", r)).append('\n');
            }
        } else {
            for (int i = real.size() - 1; i >= 0; i--) {
                b.append(tool).append(" -t ").append(c.table).append(" -I ").append(c.chain).append(' ')
                    .append(c.position).append(' ').append(String.join(" ", real.get(i))).append('\n');
            }
        }
        return b.toString().stripTrailing();
    }

    /** -D: the rule added with the same words goes, and the extension's destroy is called. */
    private static String delete(Extension ext, boolean ipv6, Command c) throws IOException {
        List<String> spec = normalized(c.rest);
        for (Rule r : ext.rules) {
            if (r.ipv6 == ipv6 && r.table.equals(c.table) && r.chain.equals(c.chain) && r.spec.equals(spec)) {
                List<List<String>> real = new ArrayList<>(r.installed);
                ext.rules.remove(r);
                r.remove();
                try {
                    ext.callback("destroy", r.userargs);
                } catch (LuaException e) {
                    ext.log(ext.name + ": destroy: " + e.getMessage());
                }
                StringBuilder b = new StringBuilder();
                for (List<String> x : real) {
                    b.append(ipv6 ? "ip6tables" : "iptables").append(" -t ").append(c.table).append(" -D ")
                        .append(c.chain).append(' ').append(String.join(" ", x)).append('\n');
                }
                return b.toString().stripTrailing();
            }
        }
        throw new IOException("no such rule of " + ext.name + " (delete it with the words it was added with)");
    }

    /**
     * The userargs of a new rule: what the extension's {@code libxt_<name>.lua} (next to its
     * script; Lunatik's userspace iptables extension runs the same file) puts in
     * {@code par.userargs} from its {@code init(par)}, padded with zeros to 256 bytes; 256 zero
     * bytes when there is no such file.
     */
    static LuaString userargs(Extension ext) throws IOException {
        byte[] args = new byte[USERARGS];
        Runtime rt = ext.rt;
        if (rt == null) {
            return LuaString.wrap(args);
        }
        Path file = rt.host().scriptPath(rt.script()).getParent().resolve("libxt_" + ext.name + ".lua");
        if (!Files.isRegularFile(file)) {
            return LuaString.wrap(args);
        }
        LuaState U = new LuaState(Dialect.FULL); // userspace Lua, as the iptables extension runs it
        U.setIn(java.io.InputStream.nullInputStream());
        Stdlib.open(U);
        Object[] registered = new Object[1];
        LuaTable luaxt = new LuaTable();
        LibFunction.Body reg = a -> {
            registered[0] = a.checkTable(1);
            return Varargs.NONE;
        };
        LibFunction.register(U, luaxt, "luaxt", "match", reg);
        LibFunction.register(U, luaxt, "luaxt", "target", reg);
        NetfilterLib.putConstants(luaxt);
        lunatik.lua.lib.PackageLib.registerJavaModule(U, "luaxt", S -> luaxt);
        try {
            U.call(U.loadFile(Files.readAllBytes(file), "@" + file, null));
            if (registered[0] instanceof LuaTable ops && ops.get(Ops.str("init")) instanceof LuaFunction init) {
                LuaTable par = new LuaTable();
                U.call(init, par);
                if (par.get(Ops.str("userargs")) instanceof LuaString s) {
                    byte[] b = s.bytes();
                    System.arraycopy(b, 0, args, 0, Math.min(b.length, USERARGS));
                }
            }
        } catch (LuaError e) {
            throw new IOException(file + ": " + e.getMessage());
        }
        return LuaString.wrap(args);
    }

    /** For tests: the rules of an extension by name, as their real rules. */
    static List<List<String>> realRules(Host h, String name) {
        Extension e = registry(h).get(name);
        List<List<String>> all = new ArrayList<>();
        if (e != null) {
            for (Rule r : e.rules) {
                all.addAll(r.installed);
            }
        }
        return all;
    }

    static List<String> words(String... w) {
        return Arrays.asList(w);
    }
}
