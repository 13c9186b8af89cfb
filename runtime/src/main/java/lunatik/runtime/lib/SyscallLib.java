package lunatik.runtime.lib;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * The {@code syscall} module (spec §8.14): system call numbers by name ({@code syscall.numbers},
 * the host architecture's, from the kernel's uapi header) and {@code syscall.address(nr)}, the
 * system call's entry point. Lunatik returns the entry of {@code sys_call_table} as a light
 * userdata; here an address is a userdata naming the entry point's symbol
 * ({@code __x64_sys_openat}, with its kallsyms address for {@code tostring}), which is what
 * {@code probe.new} needs. The same symbol is the same userdata in a state, so addresses compare
 * equal as light userdata do. {@code require("syscall.table")} (lua/syscall/table.lua) maps
 * every name to its address.
 */
public final class SyscallLib {
    private SyscallLib() {
    }

    /** A kernel entry point, as a value scripts pass around. */
    public record Address(String symbol, long value) {
    }

    private static final String PREFIX = "__x64_sys_";
    private static Map<String, Long> numbers;
    private static Map<String, Long> symbols;
    private static final Object CACHE_KEY = new Object();

    /** The host's system call numbers by name (x86-64 only). */
    static synchronized Map<String, Long> numbers() {
        if (numbers == null) {
            Map<String, Long> m = new LinkedHashMap<>();
            if ("amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch"))) {
                try (InputStream in = SyscallLib.class.getResourceAsStream("/lunatik/runtime/syscalls-x86_64.txt")) {
                    for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                        if (!line.startsWith("#") && !line.isBlank()) {
                            String[] f = line.trim().split(" ");
                            m.put(f[0], Long.parseLong(f[1]));
                        }
                    }
                } catch (IOException | NullPointerException e) {
                    m.clear();
                }
            }
            numbers = m;
        }
        return numbers;
    }

    /** Kernel addresses of the system call entry points, by symbol (from /proc/kallsyms). */
    static synchronized Map<String, Long> symbols() {
        if (symbols == null) {
            Map<String, Long> m = new java.util.HashMap<>();
            try (var lines = Files.lines(Path.of("/proc/kallsyms"))) {
                lines.filter(l -> l.contains(" " + PREFIX)).forEach(l -> {
                    String[] f = l.split(" ");
                    if (f.length >= 3) {
                        m.put(f[2], Long.parseUnsignedLong(f[0], 16));
                    }
                });
            } catch (IOException | RuntimeException e) {
                m.clear();
            }
            symbols = m;
        }
        return symbols;
    }

    /** The address value for {@code symbol} in {@code L} (one userdata per symbol and state). */
    static LuaUserdata address(LuaState L, String symbol) {
        return address(L, symbol, symbols().getOrDefault(symbol, 0L));
    }

    /**
     * The address value of {@code symbol} at {@code value} in {@code L} (one userdata per symbol
     * and state); a null symbol is the null address (printed as Lua prints a NULL light userdata).
     */
    static LuaUserdata address(LuaState L, String symbol, long value) {
        Map<String, LuaUserdata> cache = L.extension(CACHE_KEY);
        if (cache == null) {
            cache = new java.util.HashMap<>();
            L.setExtension(CACHE_KEY, cache);
        }
        String key = symbol == null ? "" : symbol;
        return cache.computeIfAbsent(key, s -> {
            LuaTable mt = new LuaTable();
            String text = symbol == null ? "userdata: (nil)" : "userdata: 0x" + Long.toHexString(value);
            mt.put(Ops.str("__tostring"), new LibFunction(L, "__tostring", "__tostring", a -> Ops.str(text)));
            mt.put(Ops.str("__name"), Ops.str("address"));
            return new LuaUserdata(new Address(symbol, value), mt);
        });
    }

    /**
     * The address of a kernel symbol in /proc/kallsyms (the first one of that name; 0 when this
     * process may not see addresses), or null when there is none of that name.
     */
    static Long kallsyms(String symbol) throws IOException {
        if (symbol.isEmpty() || symbol.indexOf(' ') >= 0 || symbol.indexOf('\n') >= 0) {
            return null;
        }
        Long known = symbols().get(symbol);
        if (known != null) {
            return known;
        }
        String tail = " " + symbol;
        try (var lines = Files.lines(Path.of("/proc/kallsyms"), StandardCharsets.US_ASCII)) {
            // "address type name" or "address type name\t[module]"
            return lines.filter(l -> l.endsWith(tail) || l.contains(tail + "\t")).findFirst()
                .map(l -> Long.parseUnsignedLong(l.substring(0, l.indexOf(' ')), 16)).orElse(null);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The entry-point symbol of the system call {@code name}, or null when the kernel has none. */
    static String entry(String name) {
        String s = PREFIX + name;
        return symbols().containsKey(s) ? s : null;
    }

    /** {@code require("syscall")}. */
    /*lua @module syscall
     * System call numbers and entry points of the host architecture (x86-64 only: requiring the
     * module elsewhere raises "syscall: the system call numbers of <arch> are not known").
     * @differs `syscall.address` returns a userdata naming the entry point's symbol
     * (`__x64_sys_openat`; `tostring` shows its kallsyms address) instead of a light userdata
     * holding the `sys_call_table` entry; the same number gives the same userdata in a state, and
     * `probe.new` takes it.
     */
    /*lua syscall.numbers
     * System call numbers by name, from the kernel's uapi header `unistd_64.h`.
     */
    /*lua syscall.address(number)
     * The entry point of a system call.
     * @param number integer: a system call number
     * @return an address userdata (`__x64_sys_<name>`, or `__x64_sys_ni_syscall` for a number
     *   with no entry point)
     * @raise "bad argument #1 to 'address' (out of bounds)" for a number outside the table
     */
    public static Object open(LuaState L) {
        Map<String, Long> nums = numbers();
        if (nums.isEmpty()) {
            throw new LuaError(Ops.str("syscall: the system call numbers of " + System.getProperty("os.arch")
                + " are not known"));
        }
        LuaTable lib = new LuaTable();
        LuaTable t = new LuaTable(0, nums.size());
        String[] byNumber = new String[(int) nums.values().stream().mapToLong(Long::longValue).max().orElse(0) + 1];
        nums.forEach((name, nr) -> {
            t.put(Ops.str(name), nr);
            byNumber[nr.intValue()] = name;
        });
        lib.put(Ops.str("numbers"), t);
        LibFunction.register(L, lib, "syscall", "address", a -> {
            long nr = a.checkInteger(1);
            if (nr < 0 || nr >= byNumber.length) {
                throw a.argError(1, "out of bounds");
            }
            String name = byNumber[(int) nr];
            String sym = name == null ? null : entry(name);
            return address(a.state(), sym == null ? PREFIX + "ni_syscall" : sym);
        });
        return lib;
    }

    /** The symbol an argument names: a string, or an address from this module. */
    static String symbol(Object v) {
        if (v instanceof LuaString s) {
            return s.toString();
        }
        if (v instanceof LuaUserdata u && u.payload() instanceof Address a) {
            return a.symbol();
        }
        return null;
    }
}
