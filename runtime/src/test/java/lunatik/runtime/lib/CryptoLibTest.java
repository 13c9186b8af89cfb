package lunatik.runtime.lib;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import lunatik.lua.lib.PackageLib;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the crypto tests share: a KERNEL state with the five crypto modules registered under
 * their Lunatik names (C name and dotted name), {@code package.path} pointing at the Lua
 * libraries in the resources ({@code crypto.aead}, {@code crypto.hkdf}), and the helpers
 * {@code hex(s)} / {@code unhex(h)} / {@code err(f, ...)} (the error value of a failing call).
 */
abstract class CryptoLibTest {
    protected LuaState L;
    protected ByteArrayOutputStream out;

    @BeforeEach
    void setUpState() {
        L = newState(true);
        out = new ByteArrayOutputStream();
        L.setOut(new PrintStream(out, true));
    }

    static LuaState newState(boolean sleepable) {
        LuaState L = Stdlib.newState(Dialect.KERNEL);
        Lunatik.open(L, sleepable);
        Map<String, Function<LuaState, Object>> mods = new LinkedHashMap<>();
        mods.put("shash", CryptoShashLib::open);
        mods.put("skcipher", CryptoSkcipherLib::open);
        mods.put("aead", CryptoAeadLib::open);
        mods.put("rng", CryptoRngLib::open);
        mods.put("comp", CryptoCompLib::open);
        mods.forEach((name, opener) -> {
            PackageLib.registerJavaModule(L, "crypto_" + name, opener);
            if (!name.equals("aead")) { // crypto.aead is the Lua wrapper
                PackageLib.registerJavaModule(L, "crypto." + name, opener);
            }
        });
        LuaTable pkg = (LuaTable) L.globals.get(Ops.str("package"));
        pkg.put(Ops.str("path"), Ops.str(luaRoot() + "/?.lua"));
        L.call(L.load("""
                function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end
                function unhex(h) return (h:gsub('%x%x', function(x) return string.char(tonumber(x, 16)) end)) end
                function err(f, ...) local ok, e = pcall(f, ...); assert(not ok, 'expected an error'); return e end
                """, "=helpers"));
        return L;
    }

    /** The checkout's lua/ tree (where {@code crypto/aead.lua} lives; tests run in runtime/). */
    static String luaRoot() {
        return Path.of("../lua").toAbsolutePath().normalize().toString();
    }

    /** Runs a chunk; returns its first result. */
    protected Object run(String code) {
        return Varargs.first(L.call(L.load(code, "=test")));
    }

    /** Runs a chunk and returns its first result as Java text (tostring). */
    protected String eval(String code) {
        Object v = run(code);
        return v == null ? "nil" : Ops.tostring(L, v).toString();
    }
}
