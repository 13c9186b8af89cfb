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
            if (fn.index == 0 && runsOnce(fn.body)) {
                TreeCompiler tc = new TreeCompiler();
                Proto p = tc.compileAll(fn);
                stats.addRunOnce(tc.functions);
                return new Closure(L, p, ups);
            }
            return lunatik.lua.jit.JitCompiler.factory(fn, f -> interpreted(f, stats), stats, L.jitSplit()).create(L, ups);
        }
        return new Closure(L, compile(fn, stats), ups);
    }

    /**
     * Whether a main chunk's body runs each of its statements once at most: no loop, no
     * {@code goto}, no function defined in it. The interpreter runs such a chunk (an empty
     * script, a line of the REPL, a {@code -e}): generating and loading a JVM class for code
     * that runs once costs more than running it (about 20 ms of a fresh JVM's start, most of it
     * the JDK's class-file library warming up).
     */
    static boolean runsOnce(Ast.Block b) {
        for (Ast.Stat s : b.stats) {
            if (s instanceof Ast.While || s instanceof Ast.Repeat || s instanceof Ast.NumFor || s instanceof Ast.GenFor
                    || s instanceof Ast.Goto || s instanceof Ast.LocalFunction) {
                return false;
            }
            for (Ast.Block inner : Ast.blocksOf(s)) {
                if (!runsOnce(inner)) {
                    return false;
                }
            }
            if (definesFunction(s)) {
                return false;
            }
        }
        return true;
    }

    /** Whether statement {@code s} (not counting its blocks) has a function expression. */
    private static boolean definesFunction(Ast.Stat s) {
        if (!(s instanceof Ast.LocalStat || s instanceof Ast.Assign || s instanceof Ast.CallStat
                || s instanceof Ast.Return || s instanceof Ast.If || s instanceof Ast.Do
                || s instanceof Ast.Break || s instanceof Ast.Label)) {
            return true; // (anything else: compiled, as before)
        }
        return Ast.anyExpr(Ast.exprsOf(s), e -> e instanceof Ast.FunctionExpr);
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
