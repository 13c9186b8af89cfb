package lunatik.lua.vm;

/**
 * How many Lua functions of the chunks a state loaded went to each back-end: compiled to JVM
 * bytecode, or left to the tree interpreter (the JIT turned off, or a function it failed on).
 * Tests read it to prove that every function of a program was compiled.
 */
public final class CompileStats {
    private long compiled;
    private long interpreted;
    private long longLocals;

    /** Functions compiled to JVM classes. */
    public long compiled() {
        return compiled;
    }

    /** Functions that run in the tree interpreter. */
    public long interpreted() {
        return interpreted;
    }

    /** Locals of the compiled functions kept as JVM longs (integers for sure, see the JIT). */
    public long longLocals() {
        return longLocals;
    }

    public void addLongLocals(int n) {
        longLocals += n;
    }

    public void addCompiled(int n) {
        compiled += n;
    }

    public void addInterpreted(int n) {
        interpreted += n;
    }

    private long runOnce;

    /**
     * Main chunks the interpreter ran though the compiler is on, because each of their
     * statements runs once at most (see lunatik.lua.interp.Compiler): by choice, not by a
     * failure of the compiler ({@link #interpreted} counts those).
     */
    public long runOnce() {
        return runOnce;
    }

    public void addRunOnce(int n) {
        runOnce += n;
    }

    private long loopMethods;

    /**
     * Loops of main chunks compiled as JVM methods of their own (loops inside loops: see
     * lunatik.lua.jit.JitCompiler's "loop methods").
     */
    public long loopMethods() {
        return loopMethods;
    }

    public void addLoopMethods(int n) {
        loopMethods += n;
    }

    private long leaves;

    /**
     * Compiled functions that run without pushing their frame unless a slow path needs it (they
     * call nothing: lunatik.lua.jit.JitCompiler's leaves).
     */
    public long leaves() {
        return leaves;
    }

    public void addLeaves(int n) {
        leaves += n;
    }

    private long stackless;
    private long migrated;

    /** Coroutines whose body started without a continuation ({@link StacklessBody}). */
    public long stacklessBodies() {
        return stackless;
    }

    /** Of those, bodies that went on on a continuation (they called a Lua function, entered a metamethod...). */
    public long migratedBodies() {
        return migrated;
    }

    void addStackless() {
        stackless++;
    }

    void addMigrated() {
        migrated++;
    }

    @Override
    public String toString() {
        return compiled + " compiled, " + interpreted + " interpreted";
    }
}
