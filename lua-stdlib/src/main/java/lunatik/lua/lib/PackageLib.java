package lunatik.lua.lib;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * The package library (manual §6.3): {@code require} with {@code package.loaded},
 * {@code preload}, {@code searchers}, {@code searchpath} and {@code path}.
 *
 * <p>Modules written in Java take the place of C modules: a host registers them by name
 * ({@link #registerJavaModule}), and the third searcher finds them, so
 * {@code require("crypto.shash")} works as it does in Lunatik, after the Lua-file searcher (a
 * {@code .lua} file shadows a Java module of the same name, as in the original).
 * KERNEL: {@code package.path} is the script root's ({@code /lib/modules/lua/?.lua;...}) and
 * there is no {@code cpath}.
 */
public final class PackageLib {
    private PackageLib() {
    }

    /** The default KERNEL script root. */
    public static final String KERNEL_ROOT = "/lib/modules/lua";
    private static final String FULL_PATH = "/usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;"
        + "/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;"
        + "/usr/share/lua/5.4/?.lua;/usr/share/lua/5.4/?/init.lua;./?.lua;./?/init.lua";
    private static final Object JAVA_MODULES = new Object();

    /** The path of a script root: "ROOT/?.lua;ROOT/?/init.lua". */
    public static String rootPath(String root) {
        String r = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        return r + "/?.lua;" + r + "/?/init.lua";
    }

    /** Makes {@code require(name)} find a module implemented in Java: {@code opener} builds its value. */
    public static void registerJavaModule(LuaState L, String name, Function<LuaState, Object> opener) {
        javaModules(L).put(name, opener);
    }

    private static java.util.Map<String, Function<LuaState, Object>> javaModules(LuaState L) {
        java.util.Map<String, Function<LuaState, Object>> m = L.extension(JAVA_MODULES);
        if (m == null) {
            m = new java.util.HashMap<>();
            L.setExtension(JAVA_MODULES, m);
        }
        return m;
    }

    public static void open(LuaState L) {
        LuaTable pkg = new LuaTable();
        LuaTable loaded = new LuaTable();
        LuaTable preload = new LuaTable();
        pkg.put(Ops.str("loaded"), loaded);
        pkg.put(Ops.str("preload"), preload);
        pkg.put(Ops.str("config"), Ops.str("/\n;\n?\n!\n-\n"));
        String path;
        if (L.dialect == Dialect.KERNEL) {
            path = rootPath(KERNEL_ROOT);
        } else {
            String env = System.getenv("LUA_PATH_5_4");
            if (env == null) {
                env = System.getenv("LUA_PATH");
            }
            path = env == null ? FULL_PATH : env.replace(";;", ";" + FULL_PATH + ";");
            pkg.put(Ops.str("cpath"), Ops.str(""));
        }
        pkg.put(Ops.str("path"), Ops.str(path));
        L.registry.put(Ops.str("_LOADED"), loaded);
        L.registry.put(Ops.str("_PRELOAD"), preload);

        LuaTable searchers = new LuaTable();
        searchers.put(1L, new LibFunction(L, "searcher_preload", "searcher_preload", a -> {
            LuaString name = a.checkString(1);
            Object v = preload.get(name);
            if (v == null) {
                return Ops.str("no field package.preload['" + name + "']");
            }
            return Varargs.of(v, Ops.str(":preload:"));
        }));
        searchers.put(2L, new LibFunction(L, "searcher_Lua", "searcher_Lua", a -> searchLua(L, pkg, a)));
        searchers.put(3L, new LibFunction(L, "searcher_Java", "searcher_Java", a -> {
            String name = a.checkString(1).toString();
            Function<LuaState, Object> found = javaModules(L).get(name);
            if (found == null) {
                // as Lunatik's C searcher: "crypto.shash" is the module "crypto_shash"
                found = javaModules(L).get(name.replace('.', '_'));
            }
            Function<LuaState, Object> opener = found;
            if (opener == null) {
                return notFoundInCpath(L, pkg, name, name);
            }
            LibFunction loader = new LibFunction(L, name, name, x -> opener.apply(L));
            return Varargs.of(loader, Ops.str(":java:"));
        }));
        if (L.dialect == Dialect.FULL) {
            // Lua's all-in-one searcher: C libraries are none here, but its message is the same
            searchers.put(4L, new LibFunction(L, "searcher_Croot", "searcher_Croot", a -> {
                String name = a.checkString(1).toString();
                int dot = name.indexOf('.');
                return dot < 0 ? Varargs.NONE : notFoundInCpath(L, pkg, name, name.substring(0, dot));
            }));
        }
        pkg.put(Ops.str("searchers"), searchers);

        LibFunction.register(L, pkg, "package", "searchpath", a -> {
            LuaString name = a.checkString(1);
            LuaString p = a.checkString(2);
            LuaString sep = a.optString(3, Ops.str("."));
            LuaString rep = a.optString(4, Ops.str("/"));
            StringBuilder tried = new StringBuilder();
            String found = searchPath(L, name.toString(), p.toString(), sep.toString(), rep.toString(), tried);
            if (found != null) {
                return Ops.str(found);
            }
            return Varargs.of(null, Ops.str(tried.toString()));
        });
        L.globals.put(Ops.str("package"), pkg);
        LibFunction.register(L, L.globals, null, "require", a -> require(L, pkg, loaded, a));
        for (String lib : new String[] {"_G", "package", "coroutine", "table", "string", "math", "utf8", "debug", "io", "os"}) {
            Object v = lib.equals("_G") ? L.globals : L.globals.get(Ops.str(lib));
            if (v != null) {
                loaded.put(Ops.str(lib), v);
            }
        }
    }

    /** Records an opened library in package.loaded (libraries opened after package). */
    public static void markLoaded(LuaState L, String name, Object value) {
        if (L.registry.get(Ops.str("_LOADED")) instanceof LuaTable loaded) {
            loaded.put(Ops.str(name), value);
        }
    }

    private static Object searchLua(LuaState L, LuaTable pkg, Args a) {
        LuaString name = a.checkString(1);
        Object p = pkg.get(Ops.str("path"));
        if (!(p instanceof LuaString path)) {
            throw a.error("'package.path' must be a string");
        }
        StringBuilder tried = new StringBuilder();
        String file = searchPath(L, name.toString(), path.toString(), ".", "/", tried);
        if (file == null) {
            return Ops.str(tried.toString());
        }
        byte[] src;
        try {
            src = BaseLib.readFile(L, file);
        } catch (IOException e) {
            throw a.error("error loading module '" + name + "' from file '" + file + "':\n\t" + e.getMessage());
        }
        LuaFunction f;
        try {
            f = L.loadFile(src, "@" + file, null);
        } catch (LuaError e) {
            throw a.error("error loading module '" + name + "' from file '" + file + "':\n\t" + e.getMessage());
        }
        return Varargs.of(f, Ops.str(file));
    }

    /*
     * The first readable file of path's templates, or null with "tried" holding Lua's message:
     * every template, empty ones too ("no file ''"), as pusherrornotfound writes it.
     */
    private static String searchPath(LuaState L, String name, String path, String sep, String rep, StringBuilder tried) {
        if (!sep.isEmpty()) {
            name = name.replace(sep, rep);
        }
        String[] files = path.replace("?", name).split(";", -1);
        for (String file : files) {
            if (!file.isEmpty() && readable(L, file)) {
                return file;
            }
        }
        for (String file : files) {
            tried.append(tried.length() > 0 ? "\n\tno file '" : "no file '").append(file).append('\'');
        }
        return null;
    }

    /*
     * The message of a module not found among the Java modules: as Lua's C searchers, the
     * files of package.cpath that were (here, would have been) tried for {@code file}.
     */
    private static Object notFoundInCpath(LuaState L, LuaTable pkg, String name, String file) {
        if (!(pkg.get(Ops.str("cpath")) instanceof LuaString cpath)) {
            return Ops.str("no Java module '" + name + "'");
        }
        StringBuilder tried = new StringBuilder();
        searchPath(L, file, cpath.toString(), ".", "/", tried);
        return Ops.str(tried.toString());
    }

    /* A name with a zero byte is no file (C would cut it short there); nor is one the platform cannot encode. */
    private static boolean readable(LuaState L, String file) {
        if (file.indexOf('\0') >= 0) {
            return false;
        }
        java.util.function.Predicate<String> check = L.extension("package.readable");
        if (check != null) {
            return check.test(file);
        }
        Path p = FileNames.path(file);
        return p != null && Files.isReadable(p) && !Files.isDirectory(p);
    }

    private static Object require(LuaState L, LuaTable pkg, LuaTable loaded, Args a) {
        LuaString name = a.checkString(1);
        Object v = loaded.get(name);
        if (v != null && v != Boolean.FALSE) {
            return v;
        }
        Object s = pkg.get(Ops.str("searchers"));
        if (!(s instanceof LuaTable searchers)) {
            throw a.error("'package.searchers' must be a table");
        }
        StringBuilder msg = new StringBuilder();
        for (long i = 1;; i++) {
            Object searcher = searchers.get(i);
            if (searcher == null) {
                throw a.error("module '" + name + "' not found:" + msg);
            }
            Object r = L.call(searcher, name);
            Object loader = Varargs.get(r, 0);
            if (loader instanceof LuaFunction) {
                Object extra = Varargs.get(r, 1);
                Object res = L.call1(loader, name, extra);
                if (res != null) {
                    loaded.put(name, res);
                } else if (loaded.get(name) == null) {
                    loaded.put(name, Boolean.TRUE);
                }
                return Varargs.of(loaded.get(name), extra);
            }
            if (loader instanceof LuaString str) {
                msg.append("\n\t").append(str);
            }
        }
    }
}
