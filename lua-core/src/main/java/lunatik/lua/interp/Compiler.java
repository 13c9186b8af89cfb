package lunatik.lua.interp;

import lunatik.lua.parse.Ast;
import lunatik.lua.parse.Parser;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.vm.CompileStats;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaState;

/** Turns Lua source into an executable function: parse, resolve, build interpreter nodes. */
public final class Compiler {
    private Compiler() {
    }

    /** Compiles a chunk; its single upvalue {@code _ENV} is set to {@code env}. */
    public static LuaFunction load(LuaState L, byte[] source, String chunkName, Object env) {
        Ast.Function main = Parser.parse(source, chunkName, L.dialect == Dialect.KERNEL, L::intern);
        return closure(L, main, new Cell[] {new Cell(env)});
    }

    /**
     * A closure of the parsed function {@code fn} with upvalues {@code ups}, compiled or
     * interpreted, counted in the state's {@link CompileStats} (a chunk, or one rebuilt from
     * {@code string.dump}).
     */
    static LuaFunction closure(LuaState L, Ast.Function fn, Cell[] ups) {
        CompileStats stats = L.compileStats();
        if (JIT && L.jitEnabled()) {
            return lunatik.lua.jit.JitCompiler.factory(fn, f -> interpreted(f, stats), stats, L.jitSplit()).create(L, ups);
        }
        return new Closure(L, compile(fn, stats), ups);
    }

    /** The interpreter's function for {@code fn} and those nested in it, counted in {@code stats}. */
    private static Proto compile(Ast.Function fn, CompileStats stats) {
        TreeCompiler tc = new TreeCompiler();
        Proto p = tc.compileAll(fn);
        stats.addInterpreted(tc.functions);
        return p;
    }

    /**
     * The interpreter's factory for {@code fn}, not counted: what a compiled function runs
     * while a call, return or line hook is set (the interpreter has the hooks' events).
     */
    public static ClosureFactory instrumented(Ast.Function fn) {
        Proto p = compile(fn, new CompileStats());
        return (L, ups) -> new Closure(L, p, ups);
    }

    /** Whether functions are compiled to JVM bytecode (-Dlunatik.jit=false runs everything interpreted). */
    private static final boolean JIT = !"false".equals(System.getProperty("lunatik.jit"));

    /** The interpreter's factory of closures for one function (the JIT's fallback). */
    private static ClosureFactory interpreted(Ast.Function fn, CompileStats stats) {
        Proto p = compile(fn, stats);
        return (L, ups) -> new Closure(L, p, ups);
    }
}
