package lunatik.lua.jit;

import static java.lang.constant.ConstantDescs.CD_Boolean;
import static java.lang.constant.ConstantDescs.CD_Double;
import static java.lang.constant.ConstantDescs.CD_Long;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lunatik.lua.interp.Cell;
import lunatik.lua.interp.ClosureFactory;
import lunatik.lua.interp.FunctionShape;
import lunatik.lua.parse.Ast;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.parse.Names;
import lunatik.lua.vm.CompileStats;
import lunatik.lua.vm.FuncName;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * Compiles a Lua function to a JVM class (with the JDK's {@code java.lang.classfile}), one
 * hidden class per function, defined in this package and unloaded with its closures.
 *
 * <p>The shape of the generated code: Lua locals are JVM locals ({@code Object}, a {@link Cell}
 * when a closure captures them, or a {@code long} for a numeric-for variable that is an integer
 * and never assigned); operations call the small static helpers of {@link Rt}, whose fast paths
 * HotSpot inlines; every call site is its own {@code invokevirtual} of
 * {@link LuaFunction#invokeTail}, so HotSpot profiles and inlines each one separately. Every
 * valid function is compiled (but a main chunk whose statements run once at most, which the
 * interpreter runs: lunatik.lua.interp.Compiler); the interpreter's factory is only a safety net
 * for a compiler failure (an error under {@code -Dlunatik.jit.strict=true}, as in the tests),
 * and {@link LuaState#compileStats()} counts both.
 *
 * <p>Control flow is structured JVM code: a loop's {@code break} and a {@code goto} are jumps
 * to a {@link Target}, which first close the to-be-closed values they leave (a {@code <close>}
 * local's scope is a protected region holding its value in a JVM local); a backward goto ticks
 * like any loop. A label that ends its block is bound after the block's regions, since Lua
 * counts it outside the scope of the block's locals. A local declared after a label gets a new
 * cell each time a backward goto runs its declaration again, as in Lua.
 *
 * <p>A body too large for one JVM method (64 KiB of code, 65,535 locals or constant-pool
 * entries) is generated again in split mode: its locals move to a frame array and parts of it
 * to helper methods (see "split mode" in {@link FnGen}). Functions that fit are generated as
 * if split mode did not exist.
 */
public final class JitCompiler {
    private static final ClassDesc CD_RT = desc(Rt.class);
    private static final ClassDesc CD_CFRAME = desc(CFrame.class);
    private static final ClassDesc CD_CF = desc(CompiledFunction.class);
    private static final ClassDesc CD_CELL = desc(Cell.class);
    private static final ClassDesc CD_FNINFO = desc(FnInfo.class);
    private static final ClassDesc CD_LUASTATE = desc(LuaState.class);
    private static final ClassDesc CD_LUAFUNCTION = desc(LuaFunction.class);
    private static final ClassDesc CD_LUATABLE = desc(LuaTable.class);
    private static final ClassDesc CD_LUASTRING = desc(LuaString.class);
    private static final ClassDesc CD_VARARGS = desc(Varargs.class);
    private static final ClassDesc CD_OPS = desc(Ops.class);
    private static final ClassDesc CD_FACTORY = desc(ClosureFactory.class);

    /** The type of {@code LuaFunction.tailN}: n values in, one out. */
    private static MethodTypeDesc tailType(int n) {
        ClassDesc[] ps = new ClassDesc[n];
        java.util.Arrays.fill(ps, CD_Object);
        return MethodTypeDesc.of(CD_Object, ps);
    }
    private static final ClassDesc CD_FORLOOP = desc(Rt.ForLoop.class);
    private static final ClassDesc CD_OBJARR = CD_Object.arrayType();
    private static final ClassDesc CD_CELLARR = CD_CELL.arrayType();
    private static final ClassDesc CD_THROWABLE = desc(Throwable.class);
    private static final ClassDesc CD_LUAERROR = desc(lunatik.lua.vm.LuaError.class);
    private static final MethodTypeDesc MT_RUN = MethodTypeDesc.of(CD_Object, CD_CFRAME, CD_OBJARR);
    private static final MethodTypeDesc MT_INIT = MethodTypeDesc.of(CD_void, CD_LUASTATE, CD_CELLARR, CD_FNINFO);
    private static final MethodTypeDesc MT_MAKE = MethodTypeDesc.of(CD_CF, CD_LUASTATE, CD_CELLARR, CD_FNINFO);

    /**
     * How classes are built: one ClassFile for all, whose resolver of the class hierarchy (for
     * the stack maps) remembers what it found, where a resolver per class read the classes
     * again from the JDK's image and our jar for every function.
     */
    private static final ClassFile CLASS_FILE = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
        ClassHierarchyResolver.defaultResolver().orElse(
            ClassHierarchyResolver.ofClassLoading(JitCompiler.class.getClassLoader())).cached()));

    /** The prototype a compiled function's class hands over as it is initialized (see FnGen.build). */
    private static final ThreadLocal<CompiledFunction> MADE = new ThreadLocal<>();

    /** Called by the static initializer of a compiled function's class with its prototype. */
    static void made(CompiledFunction proto) {
        MADE.set(proto);
    }

    private JitCompiler() {
    }

    private static ClassDesc desc(Class<?> c) {
        return ClassDesc.of(c.getName());
    }

    /** Thrown while generating when the function uses something not compiled yet. */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String what) {
            super(what, null, false, false);
        }
    }

    /**
     * A factory of closures for {@code fn}: compiled when it can be, interpreted otherwise.
     * {@code interpreted} makes the interpreter's factory for a function (and counts what it
     * builds); {@code stats} counts the functions compiled. With {@code -Dlunatik.jit.strict=true}
     * a function that is not compiled is an error instead (tests: no valid chunk falls back).
     * {@code split} > 0 compiles every function in split mode with that budget (tests).
     */
    public static ClosureFactory factory(Ast.Function fn, java.util.function.Function<Ast.Function, ClosureFactory> interpreted,
                                         CompileStats stats, int split) {
        int[] compiled = new int[4];
        ClosureFactory f = factory(fn, fn.localsVisible, interpreted, compiled, split);
        stats.addCompiled(compiled[0]);
        stats.addLongLocals(compiled[1]);
        stats.addLoopMethods(compiled[2]);
        stats.addLeaves(compiled[3]);
        return f;
    }

    /**
     * As {@link #factory(Ast.Function, java.util.function.Function, CompileStats, int)};
     * {@code localsVisible}: the compiled code spills its locals at calls for the debug library
     * (see {@link CFrame}); {@code compiled} accumulates the functions compiled, counted only
     * when the enclosing function's class is built too (else the interpreter takes them all),
     * and (second element) their locals kept as JVM longs; third, the loop methods made (a
     * main chunk's, see FnGen.loopMethod); fourth, the leaves (FnGen.isLeaf).
     */
    private static ClosureFactory factory(Ast.Function fn, boolean localsVisible,
                                          java.util.function.Function<Ast.Function, ClosureFactory> interpreted,
                                          int[] compiled, int forced) {
        FnGen gen = new FnGen(fn, localsVisible, interpreted, 0, new IdentityHashMap<>(), new int[4], forced);
        try {
            if (forced > 0) {
                gen = gen.split(forced);
            } else if (fn.body.endLine - fn.line > 1000 && gen.size.block(fn.body) > SURELY_TOO_LARGE) {
                // (estimated only for long functions: the others cost no walk at load)
                debug("too large, splitting: " + fn.name + " at " + fn.source + ":" + fn.line);
                gen = gen.split(FIRST_BUDGET); // no use trying one method
            }
            ClosureFactory f;
            for (;;) {
                try {
                    f = gen.build();
                    break;
                } catch (IllegalArgumentException e) {
                    // the JVM's limits: code length, locals or constants of a method
                    if (gen.budget != 0 && gen.budget < MIN_BUDGET) {
                        throw e;
                    }
                    debug("too large (" + e.getMessage() + "), splitting: " + fn.name + " at " + fn.source + ":" + fn.line);
                    gen = gen.split(gen.budget == 0 ? FIRST_BUDGET : gen.budget / 3);
                }
            }
            compiled[0] += 1 + gen.nestedCompiled[0];
            compiled[1] += gen.longVars.size() + gen.nestedCompiled[1];
            compiled[2] += gen.loopMethodCount;
            compiled[3] += (gen.leaf ? 1 : 0) + gen.nestedCompiled[3];
            return f;
        } catch (Unsupported e) {
            return fallback(fn, interpreted, "not compiled (" + e.getMessage() + ")", new IllegalStateException(e.getMessage()));
        } catch (RuntimeException | LinkageError e) {
            return fallback(fn, interpreted, "compiler failed: " + e, e);
        }
    }

    /**
     * {@code cf}'s function as a stackless coroutine body ({@link lunatik.lua.vm.StacklessBody}):
     * its code generated again as a {@link ResumableCode}, or {@link FnInfo#NOT_RESUMABLE} when
     * the function is not simple enough ({@link ResumableCheck}) or not compiled so.
     *
     * <p>The resumable code is the function's code with three differences. Each call goes
     * through {@link Rt#rcall}: a yield there stores the method's JVM locals in the frame and
     * returns; the method, called again, restores them and goes on after the call with the
     * resume's values as its results. Each statement is covered by a handler of
     * {@link lunatik.lua.vm.StacklessBody.Migrate}, which stores the locals the same way, to go
     * on from the statement's start (on a continuation). And the method's entry jumps to where
     * the frame says. Every JVM local gets a value of its one type at the entry, so that any
     * point can be reached from there.
     */
    static Object resumable(CompiledFunction cf) {
        try {
            Ast.Function fn = Rt.astOf(cf);
            if (!ResumableCheck.eligible(fn)) {
                return FnInfo.NOT_RESUMABLE;
            }
            FnGen gen = new FnGen(fn, cf.info.localsVisible, null, 0, new IdentityHashMap<>(), new int[4], 0);
            return gen.buildResumable(cf.info);
        } catch (IllegalArgumentException e) {
            // the JVM's limits (a body too large for one method): such a body runs on a continuation
            debug("no resumable code (" + e.getMessage() + "): " + cf.name());
            return FnInfo.NOT_RESUMABLE;
        } catch (Unsupported | RuntimeException | LinkageError e) {
            debug("no resumable code (" + e + "): " + cf.name());
            if (Boolean.getBoolean("lunatik.jit.strict")) {
                throw new IllegalStateException(e);
            }
            return FnInfo.NOT_RESUMABLE;
        }
    }

    /** Estimated bytes beyond which a body is split at once (it cannot fit one JVM method). */
    private static final int SURELY_TOO_LARGE = 4 * 65535;
    /**
     * Estimated bytes of code per method in split mode: small enough that HotSpot compiles
     * the helpers (it leaves methods over 8,000 bytes to its interpreter).
     */
    private static final int FIRST_BUDGET = 6000;
    private static final int MIN_BUDGET = 200;

    /** The interpreter for a function the compiler could not take; an error when strict. */
    private static ClosureFactory fallback(Ast.Function fn,
            java.util.function.Function<Ast.Function, ClosureFactory> interpreted, String why, Throwable e) {
        debug(why + ": " + fn.name + " at " + fn.source + ":" + fn.line);
        if (Boolean.getBoolean("lunatik.jit.strict")) {
            if (e instanceof Error err) {
                throw err;
            }
            throw (RuntimeException) e;
        }
        return interpreted.apply(fn);
    }

    private static void debug(String msg) {
        if (Boolean.getBoolean("lunatik.jit.debug")) {
            System.err.println("lunatik.jit: " + msg);
        }
    }

    /** A Lua local in the generated method. */
    private static final class Var {
        final int slot;
        final boolean isLong;
        final boolean isCell;
        /** In split mode: the local's index in the frame array (then {@code slot} is unused), else -1. */
        final int index;
        /**
         * Of a local kept as a long and never assigned after its declaration: a JVM local
         * holding its value boxed too, so that reading it as an Object allocates nothing (one
         * box for many reads); -1 for none: a local assigned again (a counter, a loop
         * variable) is boxed where it is read as an Object, which is where a value is needed
         * far less often than at each assignment.
         */
        int box = -1;

        Var(int slot, boolean isLong, boolean isCell) {
            this(slot, isLong, isCell, -1);
        }

        Var(int slot, boolean isLong, boolean isCell, int index) {
            this.slot = slot;
            this.isLong = isLong;
            this.isCell = isCell;
            this.index = index;
        }
    }

    /** A to-be-closed value held in a JVM local of the method being generated. */
    private record Closing(int slot) {
    }

    /**
     * Where a {@code break} or {@code goto} lands: a JVM label in the code of the method that
     * owns it, and how many to-be-closed values are open there (a jump closes the ones above).
     */
    private static final class Target {
        /** The method (its generation context) whose code holds the label. */
        final Object owner;
        /** What a helper method returns to reach the target (split mode; 0 is "go on", -1 "return"). */
        final int id;
        Label label;
        /** Closings open at the target, or -1 while a forward label's is not known yet. */
        int closeDepth = -1;
        /** Whether the label is bound already: a jump to it is backward (a loop: it ticks). */
        boolean bound;
        /** Where lua5.4 closes variables on a jump here: a loop's end, a label's line. */
        int line;

        Target(Object owner, int id) {
            this.owner = owner;
            this.id = id;
        }
    }

    /** A block being generated: the method that owns its labels, and its closings so far. */
    private static final class BlockInfo {
        final Object owner;
        final int startDepth;
        /** Closings open at the block's current statement. */
        int depth;
        /** Index of the first of the labels that end the block (bound after its closings). */
        int trailing;
        /** Where lua5.4 closes the block's variables when it ends normally. */
        int exitLine;

        BlockInfo(Object owner, int startDepth) {
            this.owner = owner;
            this.startDepth = startDepth;
            this.depth = startDepth;
        }
    }

    /** Classes written by -Dlunatik.jit.dump so far (their names' numbers). */
    private static final java.util.concurrent.atomic.AtomicInteger DUMPED = new java.util.concurrent.atomic.AtomicInteger();

    /** Generates one function's class. */
    private static final class FnGen {
        final Ast.Function fn;
        /** Whether locals are spilled at calls for the debug library (costly: only when asked). */
        final boolean localsVisible;
        final java.util.function.Function<Ast.Function, ClosureFactory> interpreted;
        /** What the code needs besides its bytecode (resumable code: the function's, its sites added). */
        FnInfo info = new FnInfo();
        final List<Object> consts = new ArrayList<>();
        final Map<Object, Integer> constIndex = new java.util.HashMap<>();
        final List<Site> sites = new ArrayList<>();
        final List<ClosureFactory> nested = new ArrayList<>();
        /** How many functions nested in this one were compiled (at any depth). */
        final int[] nestedCompiled;
        /** The nested functions' factories, kept when the function is generated again (split). */
        final Map<Ast.Function, ClosureFactory> nestedCache;
        /** Split mode's estimated bytes per method, or 0: the body is one method. */
        final int budget;
        final SizeEstimate size;
        /** The split budget every function gets (tests), or 0. */
        final int forced;
        final Map<Ast.LocalVar, Var> vars = new IdentityHashMap<>();
        /** The JVM locals of each call site's active locals (for reloading after debug.setlocal). */
        final Map<Integer, Var[]> siteVars = new java.util.HashMap<>();
        final Set<Ast.LocalVar> longVars = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        /** Of the longVars, locals never assigned after their declaration (see {@link Var#box}). */
        final Set<Ast.LocalVar> constantLongs = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        /** The break target of each enclosing loop, innermost last. */
        final List<Target> loops = new ArrayList<>();
        List<Closing> closings = new ArrayList<>();
        final Map<Ast.Label, Target> labels = new IdentityHashMap<>();
        final Map<Ast.Block, BlockInfo> blocks = new IdentityHashMap<>();
        /** Identifies the method being generated (the owner of the labels it binds). */
        Object ctx = new Object();
        CodeBuilder cb;
        int fSlot;
        int argsSlot;
        int upsSlot;
        int constsSlot;
        int vaSlot;
        int lSlot;

        int nextTarget = 1;
        // split mode (see Split): the class being built, the frame array, the method's context
        java.lang.classfile.ClassBuilder clb;
        ClassDesc self;
        /** The JVM local holding the frame array (split mode), else -1. */
        int rSlot = -1;
        /** Closings open in the methods that called this one (helpers): a return there is no tail call. */
        int outerClosings;
        /** The targets outside a helper that it jumps to (its caller dispatches on them). */
        Set<Target> exits = new java.util.LinkedHashSet<>();
        /** Whether a helper returns from the Lua function (its caller then does too). */
        boolean returns;
        int helpers;

        FnGen(Ast.Function fn, boolean localsVisible, java.util.function.Function<Ast.Function, ClosureFactory> interpreted,
              int budget, Map<Ast.Function, ClosureFactory> nestedCache, int[] nestedCompiled, int forced) {
            this.fn = fn;
            this.forced = forced;
            this.localsVisible = localsVisible;
            this.interpreted = interpreted;
            this.budget = budget;
            this.nestedCache = nestedCache;
            this.nestedCompiled = nestedCompiled;
            this.size = new SizeEstimate(localsVisible);
        }

        /** A generator of the same function in split mode with {@code budget} (nested functions kept). */
        FnGen split(int b) {
            return new FnGen(fn, localsVisible, interpreted, Math.max(b, 1), nestedCache, nestedCompiled, forced);
        }

        ClosureFactory build() throws Unsupported {
            if (budget == 0) {
                findLongVars(fn.body); // split mode keeps every local in the frame array
            }
            info.shape = FunctionShape.of(fn);
            info.ast = fn.chunkText == null ? fn : null; // else parsed again from its chunk's text when needed
            info.localsVisible = localsVisible;
            ClassDesc self = ClassDesc.of("lunatik.lua.jit.LuaFn");
            Unsupported[] failure = new Unsupported[1];
            byte[] bytes = generate(self, failure);
            if (failure[0] != null) {
                throw failure[0];
            }
            info.consts = consts.toArray();
            info.sites = sites.toArray(new Site[0]);
            info.nested = nested.toArray(new ClosureFactory[0]);
            dumpClass("LuaFn-", bytes);
            // defined and initialized: its static initializer hands over a prototype (made()),
            // whose make() builds the closures; no method handle, none of the JDK's code that
            // spins them at the first one (about 15 ms of a start-up)
            CompiledFunction proto;
            try {
                MethodHandles.lookup().defineHiddenClassWithClassData(bytes, java.util.Arrays.asList(info.consts), true);
                proto = MADE.get();
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } finally {
                MADE.remove();
            }
            FnInfo inf = info;
            return (L, ups) -> {
                CompiledFunction cf = proto.make(L, ups, inf);
                if (inf.resumable == null && L.jitResumableAll()) {
                    inf.resumable = resumable(cf); // (tests: see LuaState.setJitResumableAll)
                }
                return cf;
            };
        }

        // ---------------------------------------------------------------- resumable code

        /** Whether this generates a function's resumable code (see {@link JitCompiler#resumable}). */
        boolean resumable;
        /** The kind of each JVM local (by slot; null: a parameter, or the second half of a long). */
        final List<TypeKind> slotKinds = new ArrayList<>();
        /** The class of the reference locals that hold something more than an Object (see {@link #newLocal(ClassDesc)}). */
        final Map<Integer, ClassDesc> slotTypes = new java.util.HashMap<>();
        /** Where the code goes on for each point id (id - 1): after a yielding call, a statement's start. */
        final List<Label> resumePoints = new ArrayList<>();
        /** The Migrate handlers to emit: {label, point id}. */
        final List<Object[]> restartHandlers = new ArrayList<>();
        /** The JVM local holding the point id on the way to {@link #stopLabel}, and that code's label. */
        int kSlot;
        Label stopLabel;
        private static final ClassDesc CD_RESUMABLE = desc(ResumableCode.class);
        private static final ClassDesc CD_MIGRATE = desc(lunatik.lua.vm.StacklessBody.Migrate.class);
        private static final MethodTypeDesc MT_RESUME = MethodTypeDesc.of(CD_Object, CD_CF, CD_CFRAME, CD_OBJARR);

        private int resumePoint(Label l) {
            resumePoints.add(l);
            return resumePoints.size();
        }

        /** Code that can be started again from its beginning when a Migrate stops it. */
        private void restartable(Emitter e) throws Unsupported {
            Label from = cb.newBoundLabel();
            cb.nop(); // (never an empty range)
            int id = resumePoint(from);
            e.emit();
            Label to = cb.newBoundLabel();
            Label h = cb.newLabel();
            restartHandlers.add(new Object[] {h, id});
            cb.exceptionCatch(from, to, h, CD_MIGRATE);
        }

        /**
         * A call in resumable code (a simple one: see {@link ResumableCheck}) through
         * {@link Rt#rcall}; when that yields, the method stops, and goes on here with the
         * resume's values as the call's results.
         */
        private void resumableCall(Ast.Call c, boolean multi) throws Unsupported {
            int site = callSite(c);
            int self = -1;
            emit(c.fn);
            if (c.method != null) {
                self = newLocal();
                cb.astore(self);
                cb.aload(self);
                lookupMethod(c);
            }
            callable(site);
            argArray(c.args, self);
            spill(c, site);
            setPc(site);
            cb.aload(fSlot);
            rt("rcall", CD_Object, CD_LUAFUNCTION, CD_OBJARR, CD_CFRAME);
            Label after = cb.newLabel();
            cb.dup();
            cb.getstatic(desc(lunatik.lua.vm.StacklessBody.class), "SUSPEND", CD_Object);
            cb.if_acmpne(after);
            cb.pop();
            Label back = cb.newLabel();
            pushInt(resumePoint(back));
            cb.istore(kSlot);
            cb.goto_(stopLabel);
            cb.labelBinding(back);
            cb.aload(fSlot);
            rt("resumed", CD_Object, CD_CFRAME);
            cb.labelBinding(after);
            reload(site);
            if (!multi) {
                rt("first", CD_Object, CD_Object);
            }
        }

        /**
         * Constants in static fields up to here: each takes about 12 bytes of the static
         * initializer, which must stay within a JVM method's 64 KiB.
         */
        private static final int STATIC_CONSTS = 1000;

        /**
         * The static fields of the constants {@link #loadConst} reads, and their setting at the
         * start of the static initializer {@code c} (from the class's data, the constants' list:
         * a plain call, where the first dynamic constant of a process made the JDK generate
         * method-handle classes for about 10 ms). Uses local 0.
         */
        private void emitConstants(java.lang.classfile.ClassBuilder clb, CodeBuilder c) {
            int n = Math.min(consts.size(), STATIC_CONSTS);
            if (n == 0) {
                return;
            }
            ClassDesc cdList = desc(List.class);
            ClassDesc cdLookup = desc(MethodHandles.Lookup.class);
            ClassDesc cdHandles = desc(MethodHandles.class);
            for (int i = 0; i < n; i++) {
                clb.withField("k" + i, constType(consts.get(i)), ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC | ClassFile.ACC_FINAL);
            }
            c.invokestatic(cdHandles, "lookup", MethodTypeDesc.of(cdLookup));
            c.ldc(ConstantDescs.DEFAULT_NAME);
            c.ldc(cdList);
            c.invokestatic(cdHandles, "classData", MethodTypeDesc.of(CD_Object, cdLookup, CD_String, desc(Class.class)));
            c.checkcast(cdList);
            c.astore(0);
            for (int i = 0; i < n; i++) {
                ClassDesc t = constType(consts.get(i));
                c.aload(0);
                c.loadConstant(i);
                c.invokeinterface(cdList, "get", MethodTypeDesc.of(CD_Object, CD_int));
                if (!t.equals(CD_Object)) {
                    c.checkcast(t);
                }
                c.putstatic(self, "k" + i, t);
            }
        }

        /**
         * Writes a generated class to the folder {@code -Dlunatik.jit.dump} names, if any, as
         * prefix, line, and a number (functions of several chunks can start on one line).
         */
        private void dumpClass(String prefix, byte[] bytes) {
            String dump = System.getProperty("lunatik.jit.dump");
            if (dump != null) {
                try {
                    String name = prefix + fn.line + "-" + DUMPED.incrementAndGet() + ".class";
                    java.nio.file.Files.write(java.nio.file.Path.of(dump, name), bytes);
                } catch (java.io.IOException e) {
                    debug("cannot dump: " + e);
                }
            }
        }

        ResumableCode buildResumable(FnInfo of) throws Unsupported {
            resumable = true;
            info = of;
            sites.addAll(java.util.Arrays.asList(of.sites)); // (its sites keep their numbers)
            findLongVars(fn.body);
            ClassDesc self = ClassDesc.of("lunatik.lua.jit.LuaResume");
            Unsupported[] failure = new Unsupported[1];
            byte[] bytes = CLASS_FILE
                .build(self, clb -> {
                    this.clb = clb;
                    this.self = self;
                    clb.withSuperclass(CD_RESUMABLE);
                    clb.withFlags(AccessFlag.FINAL, AccessFlag.SYNTHETIC);
                    clb.withMethodBody("<init>", MethodTypeDesc.of(CD_void), ClassFile.ACC_PUBLIC, c -> {
                        c.aload(0);
                        c.invokespecial(CD_RESUMABLE, "<init>", MethodTypeDesc.of(CD_void));
                        c.return_();
                    });
                    clb.withMethodBody("run", MT_RESUME, ClassFile.ACC_STATIC, c -> {
                        try {
                            resumableBody(c);
                        } catch (Unsupported u) {
                            failure[0] = u;
                            c.aconst_null();
                            c.areturn();
                        }
                    });
                    clb.withMethodBody("resume", MT_RESUME, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, c -> {
                        c.aload(1);
                        c.aload(2);
                        c.aload(3);
                        c.invokestatic(self, "run", MT_RESUME);
                        c.areturn();
                    });
                    clb.withMethodBody("<clinit>", MethodTypeDesc.of(CD_void), ClassFile.ACC_STATIC, c -> {
                        emitConstants(clb, c);
                        c.return_();
                    });
                });
            if (failure[0] != null) {
                throw failure[0];
            }
            dumpClass("LuaResume-", bytes);
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(bytes, java.util.Arrays.asList(consts.toArray()), true);
                ResumableCode code = (ResumableCode) lookup.findConstructor(lookup.lookupClass(),
                    MethodType.methodType(void.class)).invoke();
                of.sites = sites.toArray(new Site[0]);
                return code;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /**
         * The resumable code's method: {@code (self, frame, args)}. Its entry gives every JVM
         * local a value, then starts the body (point 0) or restores the locals the frame keeps
         * and jumps to the point it names.
         */
        private void resumableBody(CodeBuilder c) throws Unsupported {
            cb = c;
            fSlot = 1;
            argsSlot = 2;
            int np = fn.params.size();
            lSlot = alloc(TypeKind.REFERENCE);
            retSlot = alloc(TypeKind.REFERENCE);
            upsSlot = alloc(TypeKind.REFERENCE);
            kSlot = alloc(TypeKind.INT);
            stopLabel = c.newLabel();
            exitLabel = c.newLabel();
            Label entry = c.newLabel();
            c.goto_(entry);
            Label first = c.newBoundLabel();
            tick();
            for (int i = 0; i < np; i++) {
                Var v = declare(fn.params.get(i));
                c.aload(argsSlot);
                c.loadConstant(i);
                rt("arg", CD_Object, CD_OBJARR, CD_int);
                storeNew(v);
            }
            c.aconst_null();
            c.astore(argsSlot);
            statementsAndExits(c, first);
            // a Migrate: stop, to go on from the statement's start (a negative id says so)
            for (Object[] h : restartHandlers) {
                c.labelBinding((Label) h[0]);
                c.pop();
                pushInt(-(Integer) h[1]);
                c.istore(kSlot);
                c.goto_(stopLabel);
            }
            int n = slotKinds.size();
            // stop: the JVM locals into the frame, the point into resumeAt (Rt.stop)
            c.labelBinding(stopLabel);
            c.aload(fSlot);
            pushInt(n);
            rt("saveArea", CD_void, CD_CFRAME, CD_int);
            for (int i = 0; i < n; i++) {
                TypeKind k = slotKinds.get(i);
                if (k == null) {
                    continue;
                }
                c.aload(fSlot);
                if (k == TypeKind.REFERENCE) {
                    c.getfield(CD_CFRAME, "savedRefs", CD_OBJARR);
                    pushInt(i);
                    c.aload(i);
                    c.aastore();
                } else {
                    c.getfield(CD_CFRAME, "savedPrims", CD_long.arrayType());
                    pushInt(i);
                    if (k == TypeKind.LONG) {
                        c.lload(i);
                    } else {
                        c.iload(i);
                        c.i2l();
                    }
                    c.lastore();
                }
            }
            c.aload(fSlot);
            c.iload(kSlot);
            rt("stop", CD_Object, CD_CFRAME, CD_int);
            c.areturn();
            // the entry: every local a value of its type; then the start, or the point to go on at
            c.labelBinding(entry);
            for (int i = 0; i < n; i++) {
                TypeKind k = slotKinds.get(i);
                if (k == TypeKind.REFERENCE) {
                    c.aconst_null();
                    c.astore(i);
                } else if (k == TypeKind.LONG) {
                    c.lconst_0();
                    c.lstore(i);
                } else if (k != null) {
                    c.iconst_0();
                    c.istore(i);
                }
            }
            c.aload(0);
            c.getfield(CD_CF, "L", CD_LUASTATE);
            c.astore(lSlot);
            c.aload(0);
            c.getfield(CD_CF, "upvals", CD_CELLARR);
            c.astore(upsSlot);
            c.aload(fSlot);
            c.getfield(CD_CFRAME, "resumeAt", CD_int);
            c.ifeq(first);
            for (int i = 0; i < n; i++) {
                TypeKind k = slotKinds.get(i);
                if (k == null || i == lSlot || i == upsSlot) {
                    continue;
                }
                c.aload(fSlot);
                if (k == TypeKind.REFERENCE) {
                    c.getfield(CD_CFRAME, "savedRefs", CD_OBJARR);
                    pushInt(i);
                    c.aaload();
                    ClassDesc t = slotTypes.get(i);
                    if (t != null) {
                        c.checkcast(t);
                    }
                    c.astore(i);
                } else {
                    c.getfield(CD_CFRAME, "savedPrims", CD_long.arrayType());
                    pushInt(i);
                    c.laload();
                    if (k == TypeKind.LONG) {
                        c.lstore(i);
                    } else {
                        c.l2i();
                        c.istore(i);
                    }
                }
            }
            c.aload(fSlot);
            rt("restored", CD_void, CD_CFRAME);
            c.aload(fSlot);
            c.getfield(CD_CFRAME, "resumeAt", CD_int);
            List<java.lang.classfile.instruction.SwitchCase> cases = new ArrayList<>();
            for (int i = 0; i < resumePoints.size(); i++) {
                cases.add(java.lang.classfile.instruction.SwitchCase.of(i + 1, resumePoints.get(i)));
            }
            c.tableswitch(1, resumePoints.size(), first, cases);
        }

        private byte[] generate(ClassDesc self, Unsupported[] failure) {
            return CLASS_FILE
                .build(self, clb -> {
                    this.clb = clb;
                    this.self = self;
                    clb.withSuperclass(CD_CF);
                    clb.withFlags(AccessFlag.FINAL, AccessFlag.SYNTHETIC);
                    clb.withMethodBody("make", MT_MAKE, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, c -> {
                        c.new_(self);
                        c.dup();
                        c.aload(1);
                        c.aload(2);
                        c.aload(3);
                        c.invokespecial(self, "<init>", MT_INIT);
                        c.areturn();
                    });
                    clb.withMethodBody("<init>", MT_INIT, ClassFile.ACC_PUBLIC, c -> {
                        c.aload(0);
                        c.aload(1);
                        c.aload(2);
                        c.aload(3);
                        c.invokespecial(CD_CF, "<init>", MT_INIT);
                        c.return_();
                    });
                    int np = fn.params.size();
                    boolean fixed = !fn.isVararg && np <= 3;
                    // the body lives in one entry, with the frame bookkeeping around it, so a
                    // Lua call is one Java frame; the other entries adapt their arguments to it
                    ClassDesc[] ps = new ClassDesc[fixed ? np : 1];
                    java.util.Arrays.fill(ps, fixed ? CD_Object : CD_OBJARR);
                    MethodTypeDesc mtBody = MethodTypeDesc.of(CD_Object, ps);
                    String bodyName = fixed ? "tail" + np : "invokeTail";
                    clb.withMethodBody(bodyName, mtBody, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, c -> {
                        try {
                            body(c, fixed);
                        } catch (Unsupported u) {
                            failure[0] = u;
                            c.aconst_null();
                            c.areturn();
                        }
                    });
                    if (fixed) {
                        clb.withMethodBody("invokeTail", MethodTypeDesc.of(CD_Object, CD_OBJARR),
                            ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, c -> {
                                c.aload(0);
                                for (int i = 0; i < np; i++) {
                                    c.aload(1);
                                    c.loadConstant(i);
                                    c.invokestatic(CD_RT, "arg", MethodTypeDesc.of(CD_Object, CD_OBJARR, CD_int));
                                }
                                c.invokevirtual(self, bodyName, mtBody);
                                c.areturn();
                            });
                        for (int k = 0; k <= 3; k++) {
                            if (k == np) {
                                continue;
                            }
                            int kk = k;
                            clb.withMethodBody("tail" + k, tailType(k),
                                ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, c -> {
                                    c.aload(0);
                                    for (int i = 0; i < np; i++) {
                                        if (i < kk) {
                                            c.aload(1 + i);
                                        } else {
                                            c.aconst_null();
                                        }
                                    }
                                    c.invokevirtual(self, bodyName, mtBody);
                                    c.areturn();
                                });
                        }
                    }
                    // the constants, then the prototype handed over (see build), as the class is initialized
                    clb.withMethodBody("<clinit>", MethodTypeDesc.of(CD_void), ClassFile.ACC_STATIC, c -> {
                        emitConstants(clb, c);
                        c.new_(self);
                        c.dup();
                        c.aconst_null();
                        c.aconst_null();
                        c.aconst_null();
                        c.invokespecial(self, "<init>", MT_INIT);
                        c.invokestatic(desc(JitCompiler.class), "made", MethodTypeDesc.of(CD_void, CD_CF));
                        c.return_();
                    });
                });
        }


        // ---------------------------------------------------------------- pre-passes

        /**
         * The locals kept as JVM longs: numeric-for variables that are integers for sure and
         * never assigned; and, unless the debug library may see this function's locals (a
         * setlocal may store any value), every local that is not captured and is only ever
         * given integers by the form of what is assigned to it: each of its assignments,
         * declaration included, is an {@link #isIntExpr}, counting the locals found so. That is
         * the largest such set: every candidate at first, then those with an assignment that is
         * not an integer expression dropped, until none is.
         */
        private void findLongVars(Ast.Block b) {
            if (localsVisible) {
                Set<Ast.LocalVar> assigned = new HashSet<>();
                collectAssigned(b, assigned);
                markLoops(b, assigned);
                return;
            }
            // (the loops markLoops takes are among the candidates here, and stay)
            Map<Ast.LocalVar, List<Ast.Expr>> sources = new IdentityHashMap<>();
            Set<Ast.LocalVar> bad = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            Set<Ast.LocalVar> forVars = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            collectSources(b, sources, bad, forVars);
            for (Ast.LocalVar v : sources.keySet()) {
                if (!bad.contains(v)) {
                    longVars.add(v);
                }
            }
            for (Ast.LocalVar v : longVars) {
                List<Ast.Expr> src = sources.get(v);
                if (src != null && src.size() == 1 && !forVars.contains(v)) {
                    constantLongs.add(v);
                }
            }
            boolean dropped = true;
            while (dropped) {
                dropped = false;
                for (java.util.Iterator<Ast.LocalVar> it = longVars.iterator(); it.hasNext();) {
                    List<Ast.Expr> src = sources.get(it.next());
                    if (src != null && !src.stream().allMatch(this::isIntExpr)) {
                        it.remove();
                        dropped = true;
                    }
                }
            }
        }

        /*
         * For findLongVars: the locals declared in b (local statements and numeric fors: the
         * candidates, each with the expressions it is given there) and the expressions assigned
         * to them; bad: those given a value that has no expression of its own (nil, one of a
         * call's results) or that cannot be a long (captured, to be closed).
         */
        private static void collectSources(Ast.Block b, Map<Ast.LocalVar, List<Ast.Expr>> sources, Set<Ast.LocalVar> bad,
                                           Set<Ast.LocalVar> forVars) {
            for (Ast.Stat s : b.stats) {
                if (s instanceof Ast.LocalStat ls) {
                    for (int i = 0; i < ls.vars.size(); i++) {
                        Ast.LocalVar v = ls.vars.get(i);
                        sources.put(v, new ArrayList<>());
                        addSource(v, ls.exprs, i, sources, bad);
                        if (v.captured || v.attrib == Ast.LocalVar.ATTR_CLOSE) {
                            bad.add(v);
                        }
                    }
                } else if (s instanceof Ast.NumFor n) {
                    List<Ast.Expr> src = new ArrayList<>();
                    src.add(n.start); // the variable is an integer when start and step are
                    if (n.step != null) {
                        src.add(n.step);
                    }
                    sources.put(n.var, src);
                    forVars.add(n.var);
                    if (n.var.captured) {
                        bad.add(n.var);
                    }
                } else if (s instanceof Ast.Assign a) {
                    for (int i = 0; i < a.targets.size(); i++) {
                        if (a.targets.get(i) instanceof Ast.Local l && sources.containsKey(l.var)) {
                            addSource(l.var, a.exprs, i, sources, bad);
                        }
                    }
                }
                for (Ast.Block inner : Ast.blocksOf(s)) {
                    collectSources(inner, sources, bad, forVars);
                }
            }
        }

        /* The i-th value of an expression list, as given to v. */
        private static void addSource(Ast.LocalVar v, List<Ast.Expr> exprs, int i,
                                      Map<Ast.LocalVar, List<Ast.Expr>> sources, Set<Ast.LocalVar> bad) {
            if (i < exprs.size()) {
                sources.get(v).add(exprs.get(i)); // a call or a vararg is no integer expression
            } else {
                bad.add(v); // nil, or a further result of the list's last call
            }
        }

        private void markLoops(Ast.Block b, Set<Ast.LocalVar> assigned) {
            for (Ast.Stat s : b.stats) {
                if (s instanceof Ast.NumFor n) {
                    if (!n.var.captured && !assigned.contains(n.var) && isIntExpr(n.start)
                            && (n.step == null || isIntExpr(n.step))) {
                        longVars.add(n.var);
                    }
                    markLoops(n.block, assigned);
                } else {
                    for (Ast.Block inner : Ast.blocksOf(s)) {
                        markLoops(inner, assigned);
                    }
                }
            }
        }

        private static void collectAssigned(Ast.Block b, Set<Ast.LocalVar> out) {
            for (Ast.Stat s : b.stats) {
                if (s instanceof Ast.Assign a) {
                    for (Ast.Expr t : a.targets) {
                        if (t instanceof Ast.Local l) {
                            out.add(l.var);
                        }
                    }
                }
                for (Ast.Block inner : Ast.blocksOf(s)) {
                    collectAssigned(inner, out);
                }
            }
        }

        /** Whether an expression is an integer (JVM long) by its form alone. */
        private boolean isIntExpr(Ast.Expr e) {
            if (e instanceof Ast.Const c) {
                return c.value instanceof Long;
            }
            if (e instanceof Ast.Local l) {
                return longVars.contains(l.var);
            }
            if (e instanceof Ast.Paren p) {
                return isIntExpr(p.e);
            }
            if (e instanceof Ast.UnOp u) {
                return (u.op == Ast.OP_UNM || u.op == Ast.OP_BNOT) && isIntExpr(u.a);
            }
            if (e instanceof Ast.BinOp b) {
                switch (b.op) {
                    case Ast.OP_ADD, Ast.OP_SUB, Ast.OP_MUL, Ast.OP_IDIV, Ast.OP_MOD, Ast.OP_BAND, Ast.OP_BOR,
                         Ast.OP_BXOR, Ast.OP_SHL, Ast.OP_SHR:
                        return isIntExpr(b.a) && isIntExpr(b.b);
                    default:
                        return false;
                }
            }
            return false;
        }

        // ---------------------------------------------------------------- helpers

        private int site(int line, String[] desc, FuncName callee) {
            sites.add(new Site(line, desc, callee));
            return sites.size() - 1;
        }

        /** The site of an operation: its metamethod, if it calls one, is named after it (getinfo's "metamethod"). */
        private int site(Ast.Expr e, String... desc) {
            return site(e.line, desc, Names.metamethodOf(e));
        }

        /** The site of an assignment to {@code t[k]}: a function there is the "newindex" metamethod. */
        private int storeSite(Ast.Expr e, String... desc) {
            return site(e.line, desc, FuncName.metamethod("newindex"));
        }

        private int constant(Object v) {
            Integer i = constIndex.get(v);
            if (i == null || !(consts.get(i).getClass() == v.getClass())) {
                consts.add(v);
                i = consts.size() - 1;
                constIndex.put(v, i);
            }
            return i;
        }

        private static ClassDesc constType(Object v) {
            return v instanceof LuaString ? CD_LUASTRING : v instanceof Long ? CD_Long
                : v instanceof Double ? CD_Double : CD_Object;
        }

        private void loadConst(Object v) {
            if (budget == 0) {
                // a static final field of the class, set from its data as it is initialized
                // (emitConstants): three bytes, and a constant to HotSpot's compilers (no array
                // load, no cast, no boxing); past STATIC_CONSTS, a dynamic constant of the data
                ClassDesc t = constType(v);
                int i = constant(v);
                if (i < STATIC_CONSTS) {
                    cb.getstatic(self, "k" + i, t);
                } else {
                    cb.ldc(DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, t, i));
                }
                return;
            }
            cb.aload(constsSlot);
            pushInt(constant(v));
            cb.aaload();
            if (v instanceof LuaString) {
                cb.checkcast(CD_LUASTRING);
            }
        }

        private void fs(int site) {
            cb.aload(fSlot);
            pushInt(site);
        }

        private void rt(String name, ClassDesc ret, ClassDesc... params) {
            cb.invokestatic(CD_RT, name, MethodTypeDesc.of(ret, params));
        }

        /** Reference temporaries of the statement being generated (cleared when it ends). */
        List<Integer> temps = new ArrayList<>();

        /** A JVM local of the method (in resumable code recorded, see {@link #resumableBody}). */
        private int alloc(TypeKind k) {
            int slot = cb.allocateLocal(k);
            if (resumable) {
                while (slotKinds.size() <= slot) {
                    slotKinds.add(null);
                }
                slotKinds.set(slot, k);
            }
            return slot;
        }

        /**
         * A temporary holding a {@code type} that its uses take without a cast (resumable code
         * casts it so when it restores the temporary).
         */
        private int newLocal(ClassDesc type) {
            int t = newLocal();
            if (resumable) {
                slotTypes.put(t, type);
            }
            return t;
        }

        private int newLocal() {
            int slot = budget != 0 && !freeTemps.isEmpty() ? freeTemps.remove(freeTemps.size() - 1)
                : alloc(TypeKind.REFERENCE);
            temps.add(slot);
            return slot;
        }

        /** Split mode: temporaries of finished statements, reused (a huge body would exhaust the JVM's locals). */
        List<Integer> freeTemps = new ArrayList<>();

        private void boxLong() {
            cb.invokestatic(CD_Long, "valueOf", MethodTypeDesc.of(CD_Long, CD_long));
        }

        /**
         * Copies the locals active at a call into the frame's spill array (see {@link CFrame}),
         * recording their names and kinds in the call's site.
         */
        private void spill(Ast.Call c, int site) {
            if (!localsVisible) {
                return;
            }
            List<Ast.LocalVar> act = c.active;
            int n = act.size();
            String[] names = new String[n];
            byte[] kinds = new byte[n];
            Var[] sv = new Var[n];
            siteVars.put(site, sv);
            for (int i = 0; i < n; i++) {
                Ast.LocalVar lv = act.get(i);
                Var v = vars.get(lv);
                sv[i] = v;
                names[i] = lv.name;
                kinds[i] = v == null ? Site.NONE : v.isCell ? Site.CELL : v.isLong ? Site.LONG : Site.PLAIN;
            }
            Site s = sites.get(site);
            s.localNames = names;
            s.localKinds = kinds;
            info.maxActive = Math.max(info.maxActive, n);
            if (n > 0) {
                cb.aload(fSlot);
                cb.getfield(CD_CFRAME, "locals", CD_OBJARR);
                for (int i = 0; i < n; i++) {
                    if (kinds[i] == Site.NONE) {
                        continue;
                    }
                    Var v = sv[i];
                    cb.dup();
                    cb.loadConstant(i);
                    if (v.isLong) {
                        cb.lload(v.slot);
                        boxLong();
                    } else {
                        loadRaw(v);
                    }
                    cb.aastore();
                }
                cb.pop();
            }
            cb.aload(fSlot);
            cb.loadConstant(n);
            rt("spilled", CD_void, CD_CFRAME, CD_int);
        }

        /** After a call: loads back the spilled locals when debug.setlocal changed one. */
        private void reload(int site) {
            Site s = sites.get(site);
            byte[] kinds = s.localKinds;
            if (kinds == null) {
                return;
            }
            boolean any = false;
            for (byte k : kinds) {
                any |= k == Site.PLAIN || k == Site.LONG;
            }
            if (!any) {
                return;
            }
            Label skip = cb.newLabel();
            cb.aload(fSlot);
            cb.getfield(CD_CFRAME, "dirty", CD_boolean);
            cb.ifeq(skip);
            cb.aload(fSlot);
            cb.getfield(CD_CFRAME, "locals", CD_OBJARR);
            for (int i = 0; i < kinds.length; i++) {
                if (kinds[i] != Site.PLAIN && kinds[i] != Site.LONG) {
                    continue;
                }
                Var v = siteVars.get(site)[i];
                cb.dup();
                cb.loadConstant(i);
                cb.aaload();
                if (v.isLong) {
                    storeLong(v);
                } else {
                    storeRaw(v);
                }
            }
            cb.pop();
            cb.aload(fSlot);
            cb.loadConstant(0);
            cb.putfield(CD_CFRAME, "dirty", CD_boolean);
            cb.labelBinding(skip);
        }

        private void setPc(int site) {
            cb.aload(fSlot);
            pushInt(site);
            cb.putfield(CD_CFRAME, "pc", CD_int);
        }

        // ---------------------------------------------------------------- body

        /**
         * The function body with its frame bookkeeping: push a frame, run, pop it on every exit;
         * an error first goes through the state's message handler (with the frame still there).
         * {@code fixed}: the parameters are the JVM parameters 1..n, else an Object[] in 1.
         */
        private void body(CodeBuilder c, boolean fixed) throws Unsupported {
            cb = c;
            argsSlot = 1;
            int np = fn.params.size();
            fSlot = c.allocateLocal(TypeKind.REFERENCE);
            lSlot = c.allocateLocal(TypeKind.REFERENCE);
            retSlot = c.allocateLocal(TypeKind.REFERENCE);
            exitLabel = c.newLabel();
            // the entry tick and the frame pushed (Rt.enter); with a call, return or line hook
            // set, no frame: the function runs instrumented
            Label plain = c.newLabel();
            c.aload(0);
            // (a function whose locals the debug library cannot see spills none: its frame
            // needs no spill array, and its entry does not read the array's size)
            leaf = isLeaf();
            rt(leaf ? "enterLeaf" : localsVisible ? "enterSpilling" : "enter", CD_CFRAME, CD_CF);
            c.dup();
            c.astore(fSlot);
            c.ifnonnull(plain);
            // (as few bytes as can be: the entry's size decides whether HotSpot inlines it)
            c.aload(0);
            if (fixed) {
                ClassDesc[] ps = new ClassDesc[np + 1];
                java.util.Arrays.fill(ps, CD_Object);
                ps[0] = CD_CF;
                for (int i = 0; i < np; i++) {
                    c.aload(1 + i);
                }
                c.invokestatic(CD_RT, "hooked", MethodTypeDesc.of(CD_Object, ps));
            } else {
                c.aload(argsSlot);
                c.invokestatic(CD_RT, "hooked", MethodTypeDesc.of(CD_Object, CD_CF, CD_OBJARR));
            }
            c.areturn();
            c.labelBinding(plain);
            c.aload(0);
            c.getfield(CD_CF, "L", CD_LUASTATE);
            c.astore(lSlot);
            Label start = c.newLabel();
            c.labelBinding(start);
            upsSlot = newLocal();
            if (!fn.upvalues.isEmpty()) {
                c.aload(0);
                c.getfield(CD_CF, "upvals", CD_CELLARR);
                c.astore(upsSlot);
            }
            if (budget != 0) {
                // (split mode: constants come from the frame info's array, see loadConst)
                constsSlot = newLocal();
                c.aload(0);
                c.getfield(CD_CF, "info", CD_FNINFO);
                c.getfield(CD_FNINFO, "consts", CD_OBJARR);
                c.astore(constsSlot);
                // split mode: the Lua locals live in a frame array the helper methods share
                rSlot = c.allocateLocal(TypeKind.REFERENCE);
                retIndex = Math.max(fn.numSlots, np);
                pushInt(retIndex + 1);
                c.anewarray(CD_Object);
                c.astore(rSlot);
            }
            for (int i = 0; i < np; i++) {
                Ast.LocalVar p = fn.params.get(i);
                if (fixed && !p.captured && budget == 0) {
                    vars.put(p, new Var(1 + i, false, false)); // the JVM parameter itself
                    continue;
                }
                Var v = declare(p);
                if (v.isCell) {
                    c.new_(CD_CELL);
                    c.dup();
                }
                if (fixed) {
                    c.aload(1 + i);
                } else {
                    c.aload(argsSlot);
                    c.loadConstant(i);
                    rt("arg", CD_Object, CD_OBJARR, CD_int);
                }
                if (v.isCell) {
                    c.invokespecial(CD_CELL, "<init>", MethodTypeDesc.of(CD_void, CD_Object));
                }
                storeRaw(v);
            }
            if (fn.isVararg) {
                vaSlot = newLocal();
                c.aload(argsSlot);
                c.loadConstant(np);
                rt("varargsOf", CD_OBJARR, CD_OBJARR, CD_int);
                c.astore(vaSlot);
                if (localsVisible) {
                    c.aload(fSlot);
                    c.aload(vaSlot);
                    c.putfield(CD_CFRAME, "varargs", CD_OBJARR);
                }
            }
            if (!fixed) {
                // the argument array would keep the arguments alive after their locals change
                c.aconst_null();
                c.astore(argsSlot);
            }
            statementsAndExits(c, start);
        }

        /**
         * The body's statements, then its exits: the normal one (the frame popped, the value
         * returned) and, for what escapes the code from {@code start} on, the error one (the
         * state's message handler first, then the frame popped: Rt.unwind).
         */
        private void statementsAndExits(CodeBuilder c, Label start) throws Unsupported {
            Label end = c.newLabel();
            block(fn.body);
            List<Ast.Stat> stats = fn.body.stats;
            if (budget != 0 || stats.isEmpty() || !(stats.get(stats.size() - 1) instanceof Ast.Return)) {
                c.getstatic(CD_VARARGS, "NONE", CD_VARARGS);
                c.astore(retSlot);
            }
            c.labelBinding(end);
            c.labelBinding(exitLabel);
            c.aload(fSlot);
            rt(leaf ? "leaveLeaf" : "leave", CD_void, CD_CFRAME);
            c.aload(retSlot);
            c.areturn();
            emitPendingTails();
            Label onAny = c.newLabel();
            c.labelBinding(onAny);
            c.aload(fSlot);
            rt("unwind", CD_THROWABLE, CD_THROWABLE, CD_CFRAME);
            c.athrow();
            c.exceptionCatchAll(start, end, onAny);
        }

        int retSlot;
        Label exitLabel;
        /** Whether this body runs on a frame it pushes only on a slow path (see {@link #isLeaf}). */
        boolean leaf;

        /**
         * Whether the function is a leaf: it calls nothing and has no loop, goto or to-be-closed
         * variable, so that nothing but its slow paths (a metamethod, an error) can see the
         * stack while it runs; its frame is pushed only there (Rt.enterLeaf, Rt.at). Not for a
         * main chunk, split or resumable code, or code whose locals the debug library sees.
         */
        private boolean isLeaf() {
            return LEAVES && fn.index != 0 && budget == 0 && !resumable && !localsVisible && !helper && leafBlock(fn.body);
        }

        private static final boolean LEAVES = !"false".equals(System.getProperty("lunatik.jit.leaves"));

        private static boolean leafBlock(Ast.Block b) {
            if (b.hasClose) {
                return false;
            }
            for (Ast.Stat s : b.stats) {
                if (isLoop(s) || s instanceof Ast.Goto || s instanceof Ast.CallStat) {
                    return false;
                }
                for (Ast.Expr e : Ast.exprsOf(s)) {
                    if (Ast.anyExpr(e, x -> x instanceof Ast.Call)) {
                        return false;
                    }
                }
                for (Ast.Block in : Ast.blocksOf(s)) {
                    if (!leafBlock(in)) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** The frame array's entry that carries a helper's return value to the body (split mode). */
        int retIndex;

        /**
         * Returns the value on the stack: through the exit that pops the frame; from a helper,
         * through the frame array and the code -1, which each caller passes on.
         */
        private void emitReturn() {
            if (helper) {
                pushInt(retIndex);
                storeAt();
                returns = true;
                cb.iconst_m1();
                cb.ireturn();
                return;
            }
            cb.astore(retSlot);
            cb.goto_(exitLabel);
        }

        /** Stores the value on the stack at the frame-array index on the stack above it. */
        private void storeAt() {
            // value, index -> array, index, value
            cb.aload(rSlot);
            cb.dup_x2();
            cb.pop();
            cb.swap();
            cb.aastore();
        }

        /** Pushes what a Lua local's storage holds (its value, or its cell). */
        private void loadRaw(Var v) {
            if (v.index >= 0) {
                cb.aload(rSlot);
                pushInt(v.index);
                cb.aaload();
            } else {
                cb.aload(v.slot);
            }
        }

        /** Stores the reference on the stack as a Lua local's storage (its value, or its cell). */
        private void storeRaw(Var v) {
            if (v.index >= 0) {
                pushInt(v.index);
                storeAt();
            } else {
                cb.astore(v.slot);
            }
        }

        /** Pushes a Lua local's cell. */
        private void loadCell(Var v) {
            loadRaw(v);
            if (v.index >= 0) {
                cb.checkcast(CD_CELL);
            }
        }

        /**
         * Pushes an int; in split mode without a constant-pool entry even when it is large (a
         * site or constant index of a huge function: the class's pool holds 65,535 entries).
         */
        private void pushInt(int v) {
            if (v == (short) v || budget == 0) {
                cb.loadConstant(v);
                return;
            }
            cb.loadConstant(v >>> 16);
            cb.loadConstant(16);
            cb.ishl();
            cb.loadConstant(v & 0xffff);
            cb.ior();
        }

        /** Distinct long constants given a pool entry in split mode (past a bound they come from the constants array). */
        final Set<Long> pooledLongs = new HashSet<>();

        private void pushLong(long v) {
            if (budget == 0 || v == 0 || v == 1 || pooledLongs.contains(v) || pooledLongs.size() < 8000) {
                if (budget != 0 && v != 0 && v != 1) {
                    pooledLongs.add(v);
                }
                cb.loadConstant(v);
                return;
            }
            loadConst(v);
            cb.checkcast(CD_Long);
            cb.invokevirtual(CD_Long, "longValue", MethodTypeDesc.of(CD_long));
        }

        private Var declare(Ast.LocalVar lv) {
            if (budget != 0) {
                Var v = new Var(-1, false, lv.captured, lv.slot);
                vars.put(lv, v);
                return v;
            }
            boolean isLong = longVars.contains(lv);
            int slot = alloc(isLong ? TypeKind.LONG : TypeKind.REFERENCE);
            Var v = new Var(slot, isLong, lv.captured);
            if (isLong && constantLongs.contains(lv)) {
                v.box = alloc(TypeKind.REFERENCE);
            }
            vars.put(lv, v);
            return v;
        }

        private Var var(Ast.LocalVar lv) {
            Var v = vars.get(lv);
            if (v == null) {
                throw new IllegalStateException("undeclared local " + lv.name);
            }
            return v;
        }

        /** Stores the Long on the stack into a local kept as a JVM long. */
        private void storeLong(Var v) {
            cb.checkcast(CD_Long);
            if (v.box >= 0) {
                cb.dup();
                cb.astore(v.box);
            }
            cb.invokevirtual(CD_Long, "longValue", MethodTypeDesc.of(CD_long));
            cb.lstore(v.slot);
        }

        /** Stores the long on the stack into a local kept as a JVM long. */
        private void storeLongValue(Var v) {
            if (v.box >= 0) {
                cb.dup2();
                boxLong();
                cb.astore(v.box);
            }
            cb.lstore(v.slot);
        }

        /** Stores the Object on the stack into a Lua local (wrapping it in a new cell if captured). */
        private void storeNew(Var v) {
            if (v.isLong) {
                storeLong(v);
                return;
            }
            if (v.isCell) {
                int t = newLocal();
                cb.astore(t);
                cb.new_(CD_CELL);
                cb.dup();
                cb.aload(t);
                cb.invokespecial(CD_CELL, "<init>", MethodTypeDesc.of(CD_void, CD_Object));
            }
            storeRaw(v);
        }

        /** Stores the Object on the stack into an existing Lua local. */
        private void storeExisting(Var v) {
            if (v.isLong) {
                storeLong(v);
                return;
            }
            if (v.isCell) {
                int t = newLocal();
                cb.astore(t);
                loadCell(v);
                cb.aload(t);
                cb.putfield(CD_CELL, "v", CD_Object);
            } else {
                storeRaw(v);
            }
        }

        private void block(Ast.Block b) throws Unsupported {
            if (decomposing && size.block(b) > 2 * SizeEstimate.CALL) {
                outline(() -> block(b)); // a block of a statement too large for its method
                return;
            }
            blockBody(b, null, true);
            clearLocals(b.stats);
        }

        /**
         * A block's statements. A {@code <close>} local protects the rest of the block, so the
         * statements after it are generated inside its region ({@link #closeScope}); {@code tail}
         * (the condition of a repeat) is generated innermost, where the block's locals are still
         * open. The labels that end a block ({@code trailing}: not in a repeat, where 'until'
         * follows) are bound after its regions: Lua counts them outside the scope of the block's
         * locals, so a goto may reach them from before a local's declaration.
         */
        private void blockBody(Ast.Block b, Emitter tail, boolean trailing) throws Unsupported {
            BlockInfo bi = new BlockInfo(ctx, closings.size());
            bi.exitLine = tail != null ? b.closeLine : b == fn.body && fn.lastLine > 0 ? fn.lastLine : b.endLine;
            int n = b.stats.size();
            int t = n;
            while (trailing && t > 0 && b.stats.get(t - 1) instanceof Ast.Label) {
                t--;
            }
            bi.trailing = t;
            blocks.put(b, bi);
            statsFrom(b, bi, 0, t, tail);
            bi.depth = bi.startDepth;
            for (int i = t; i < n; i++) {
                bindLabel((Ast.Label) b.stats.get(i));
            }
        }

        /** A local with {@code <close>} at statement {@code i}: it, then the rest of the block in its close scope. */
        private void closingLocal(Ast.Block b, BlockInfo bi, Ast.LocalStat ls, int i, int to, Emitter tail) throws Unsupported {
            localStat(ls);
            int next = i + 1;
            closeScope(ls, bi.exitLine, () -> {
                if (next == to && tail == null) {
                    cb.nop(); // a JVM exception range may not be empty
                }
                statsFrom(b, bi, next, to, tail);
            });
        }

        /** Statements {@code from..to} of a block, then {@code tail}. */
        private void statsFrom(Ast.Block b, BlockInfo bi, int from, int to, Emitter tail) throws Unsupported {
            if (budget != 0 && size.stats(b.stats, from, to) > budget) {
                splitStats(b, bi, from, to, tail);
                return;
            }
            List<Ast.Stat> stats = b.stats;
            for (int i = from; i < to; i++) {
                Ast.Stat s = stats.get(i);
                bi.depth = closings.size();
                if (s instanceof Ast.LocalStat ls && hasClose(ls)) {
                    closingLocal(b, bi, ls, i, to, tail);
                    return;
                }
                stat(s);
            }
            if (tail != null) {
                tail.emit();
            }
        }

        /**
         * Clears the JVM locals of a block's Lua locals when it ends, so that what they held can
         * be collected (Lua reuses their registers; the JVM interpreter would keep them alive).
         */
        private void clearLocals(List<Ast.Stat> stats) {
            for (Ast.Stat s : stats) {
                List<Ast.LocalVar> declared = s instanceof Ast.LocalStat ls ? ls.vars
                    : s instanceof Ast.LocalFunction lf ? List.of(lf.var) : List.of();
                for (Ast.LocalVar lv : declared) {
                    Var v = vars.get(lv);
                    if (v != null && !v.isLong) {
                        cb.aconst_null();
                        storeRaw(v);
                    }
                }
            }
        }

        /**
         * Clears a loop's control variable when the loop ends: the JVM's interpreter takes every
         * local of reference type for a root, so the last value would live as long as the
         * function runs (and in split mode the frame array holds it).
         */
        private void clearVar(Var v) {
            if (!v.isLong) {
                cb.aconst_null();
                storeRaw(v);
            }
        }

        private static boolean hasClose(Ast.LocalStat ls) {
            for (Ast.LocalVar v : ls.vars) {
                if (v.attrib == Ast.LocalVar.ATTR_CLOSE) {
                    return true;
                }
            }
            return false;
        }

        /** The rest of a block after a {@code <close>} local, protected so the value is closed on every exit. */
        private void closeScope(Ast.LocalStat ls, int exitLine, Emitter rest) throws Unsupported {
            Ast.LocalVar cv = null;
            for (Ast.LocalVar v : ls.vars) {
                if (v.attrib == Ast.LocalVar.ATTR_CLOSE) {
                    cv = v;
                }
            }
            Var v = var(cv);
            int hold = newLocal();
            loadVar(v);
            cb.dup();
            cb.loadConstant(cv.name);
            int site = site(ls.line, null, null);
            fs(site);
            rt("checkClosable", CD_void, CD_Object, CD_String, CD_CFRAME, CD_int);
            cb.astore(hold);
            protectedRegion(hold, exitLine, rest);
        }

        private interface Emitter {
            void emit() throws Unsupported;
        }

        /**
         * Emits {@code body} so that the value in {@code hold} is closed on normal exit (at
         * {@code exitLine}) and on error.
         */
        private void protectedRegion(int hold, int exitLine, Emitter body) throws Unsupported {
            Label start = cb.newLabel();
            Label end = cb.newLabel();
            Label handler = cb.newLabel();
            Label after = cb.newLabel();
            closings.add(new Closing(hold));
            cb.labelBinding(start);
            body.emit();
            cb.labelBinding(end);
            closings.remove(closings.size() - 1);
            closeValue(hold, exitLine);
            cb.goto_(after);
            cb.labelBinding(handler);
            int t = newLocal();
            cb.astore(t);
            cb.aload(hold);
            cb.aload(t);
            cb.aload(fSlot);
            rt("closeOnError", CD_LUAERROR, CD_Object, CD_THROWABLE, CD_CFRAME);
            cb.athrow();
            cb.exceptionCatchAll(start, end, handler);
            cb.labelBinding(after);
        }

        /** Closes the values of the closings above {@code depth}, innermost first, at {@code line}. */
        private void closeDownTo(int depth, int line) {
            for (int i = closings.size() - 1; i >= depth; i--) {
                closeValue(closings.get(i).slot(), line);
            }
        }

        // ---------------------------------------------------------------- jumps

        /** A new target in this method, at the current closing depth (a loop's exit). */
        private Target here() {
            Target t = new Target(ctx, nextTarget++);
            t.label = cb.newLabel();
            t.closeDepth = closings.size();
            return t;
        }

        private Target labelTarget(Ast.Label l) {
            return labels.computeIfAbsent(l, k -> {
                Target t = new Target(blocks.get(k.block).owner, nextTarget++);
                t.line = k.line;
                return t;
            });
        }

        /** Binds a label where it stands (or at its block's end, for a trailing label). */
        private void bindLabel(Ast.Label l) {
            Target t = labelTarget(l);
            if (t.label == null) {
                t.label = cb.newLabel();
            }
            cb.labelBinding(t.label);
            t.bound = true;
            t.closeDepth = closings.size();
        }

        /**
         * {@code goto}: to a label of an enclosing block. Forward, it lands where no local of
         * that block was declared since (the parser checks), so at the block's current closing
         * depth, or at its start for a trailing label; backward, at the label's own depth.
         */
        private void gotoStat(Ast.Goto g) {
            Ast.Label l = g.target;
            Target t = labelTarget(l);
            if (!t.bound) {
                BlockInfo bi = blocks.get(l.block);
                t.closeDepth = l.index >= bi.trailing ? bi.startDepth : bi.depth;
            }
            // lua5.4 closes at the label going forward, at the goto going back
            jump(t, t.bound ? g.line : l.line);
        }

        /**
         * Closes what the jump leaves, ticks if it goes back (a loop), and jumps. A target in
         * another method (split mode) is left to the callers: this helper closes all it has
         * open and returns the target's code.
         */
        private void jump(Target t, int line) {
            if (t.owner != ctx) {
                closeDownTo(0, line);
                exits.add(t);
                pushInt(t.id);
                cb.ireturn();
                return;
            }
            closeDownTo(t.closeDepth, line);
            if (t.bound) {
                tick();
            }
            if (t.label == null) {
                t.label = cb.newLabel();
            }
            cb.goto_(t.label);
        }

        /**
         * Closes the value held in a local and clears it (so an error while closing does not
         * close it twice); the frame is at {@code line} meanwhile (0: left as it is).
         */
        private void closeValue(int hold, int line) {
            cb.aload(hold);
            cb.aconst_null();
            cb.astore(hold);
            cb.aload(fSlot);
            pushInt(line > 0 ? site(line, null, FuncName.CLOSE) : -1);
            rt("close", CD_void, CD_Object, CD_CFRAME, CD_int);
        }

        // ---------------------------------------------------------------- loop methods

        /*
         * A main chunk runs once, so HotSpot compiles its loops on stack replacement: the
         * whole method from a hot loop's entry, every loop and call of it in one compile. In a
         * chunk whose top-level loop holds other loops (a benchmark's repetitions around its
         * work), that compile was the largest by far (3 KB of bytecode, 84 KB of code, 0.5-1.1 s
         * of the one C2 thread on two cores, most of it register allocation), and the functions
         * the work calls waited for C2 behind it. So a loop inside a loop of a main chunk is
         * generated as a method of its own ("loop method", a helper of the same class as split
         * mode's: frame, transfer array, varargs -> code): the outer method keeps the glue and
         * calls it; the loop method is compiled on its own, small, as soon as it is hot. The
         * locals of the chunk the loop uses travel in a transfer array (boxed when kept as
         * longs; a captured one as its cell) into JVM locals of the loop method, and back when
         * it ends; inside, the loop is generated as before. A return inside ends the chunk
         * through the split-mode protocol (-1, the value in the array). Not taken: a loop with
         * a goto out of it, code the debug library may see the locals of, resumable code, and
         * loops inside a loop method (one level is enough to cut the compile).
         */

        /** Whether loops nested in loops become loop methods (a main chunk, see above). */
        private boolean loopMethods() {
            return LOOP_METHODS && fn.index == 0 && budget == 0 && !resumable && !localsVisible && !helper;
        }

        /** Loop methods made for this function. */
        int loopMethodCount;

        private static final boolean LOOP_METHODS =
            !"false".equals(System.getProperty("lunatik.jit.loopMethods"));

        private static boolean isLoop(Ast.Stat s) {
            return s instanceof Ast.While || s instanceof Ast.Repeat || s instanceof Ast.NumFor || s instanceof Ast.GenFor;
        }

        /**
         * The locals of this function declared outside {@code loop} that it uses (read, assign,
         * or capture), in a stable order; null when the loop cannot be a method of its own (a
         * goto to a label outside it).
         */
        private List<Ast.LocalVar> outerLocals(Ast.Stat loop) {
            java.util.LinkedHashSet<Ast.LocalVar> used = new java.util.LinkedHashSet<>();
            Set<Ast.LocalVar> inner = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            Set<Ast.Label> labelsIn = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            List<Ast.Goto> gotos = new ArrayList<>();
            scanStat(loop, used, inner, labelsIn, gotos);
            for (Ast.Goto g : gotos) {
                if (!labelsIn.contains(g.target)) {
                    return null;
                }
            }
            List<Ast.LocalVar> r = new ArrayList<>();
            for (Ast.LocalVar v : used) {
                if (!inner.contains(v) && vars.containsKey(v)) { // (a <const> folded away has none)
                    r.add(v);
                }
            }
            return r;
        }

        private static void scanStat(Ast.Stat s, Set<Ast.LocalVar> used, Set<Ast.LocalVar> inner,
                                     Set<Ast.Label> labelsIn, List<Ast.Goto> gotos) {
            inner.addAll(Ast.declaredBy(s));
            if (s instanceof Ast.GenFor g && g.hidden != null) {
                for (Ast.LocalVar h : g.hidden) {
                    if (h != null) {
                        inner.add(h);
                    }
                }
            } else if (s instanceof Ast.LocalFunction lf) {
                captures(lf.fn, used);
            } else if (s instanceof Ast.Goto g) {
                gotos.add(g);
            } else if (s instanceof Ast.Label l) {
                labelsIn.add(l);
            }
            for (Ast.Expr e : Ast.exprsOf(s)) {
                Ast.anyExpr(e, x -> {
                    if (x instanceof Ast.Local lx) {
                        used.add(lx.var);
                    } else if (x instanceof Ast.FunctionExpr fe) {
                        captures(fe.fn, used);
                    }
                    return false;
                });
            }
            for (Ast.Block b : Ast.blocksOf(s)) {
                for (Ast.Stat x : b.stats) {
                    scanStat(x, used, inner, labelsIn, gotos);
                }
            }
        }

        /** The locals of the enclosing function that a function defined in it captures. */
        private static void captures(Ast.Function f, Set<Ast.LocalVar> used) {
            for (Ast.UpvalDesc u : f.upvalues) {
                if (u.fromParentLocal() && u.local() != null) {
                    used.add(u.local());
                }
            }
        }

        /** Pushes a local's value for the transfer array: boxed if kept as a long, a captured one's cell. */
        private void loadForTransfer(Var v) {
            if (v.isCell) {
                cb.aload(v.slot);
            } else {
                loadVar(v);
            }
        }

        /** {@code loop} as a loop method (see above), called here; false when it cannot be one. */
        private boolean loopMethod(Ast.Stat loop) throws Unsupported {
            List<Ast.LocalVar> outer = outerLocals(loop);
            if (outer == null) {
                return false;
            }
            loopMethodCount++;
            outlined(outer, () -> stat(loop));
            return true;
        }

        /**
         * What {@code inside} generates, in a helper method called here (a loop method): the
         * locals of this function it uses, {@code outer}, travel in a transfer array into JVM
         * locals of the helper and back.
         */
        private void outlined(List<Ast.LocalVar> outer, Emitter inside) throws Unsupported {
            int n = outer.size();
            Var[] callerVars = new Var[n];
            for (int i = 0; i < n; i++) {
                callerVars[i] = var(outer.get(i));
            }
            int xs = newLocal();
            pushInt(n + 1);
            cb.anewarray(CD_Object);
            for (int i = 0; i < n; i++) {
                cb.dup();
                pushInt(i);
                loadForTransfer(callerVars[i]);
                cb.aastore();
            }
            cb.astore(xs);
            String name = "loop" + helpers++;
            List<Set<Target>> hExits = new ArrayList<>(1);
            boolean[] hReturns = new boolean[1];
            int savedRet = retIndex;
            retIndex = n;
            helperMethod(name, MT_STATS, () -> {
                Var[] mine = new Var[n];
                for (int i = 0; i < n; i++) {
                    Var c = callerVars[i];
                    Var v = new Var(alloc(c.isLong ? TypeKind.LONG : TypeKind.REFERENCE), c.isLong, c.isCell);
                    if (c.box >= 0) {
                        v.box = alloc(TypeKind.REFERENCE);
                    }
                    cb.aload(rSlot);
                    pushInt(i);
                    cb.aaload();
                    if (v.isCell) {
                        cb.checkcast(CD_CELL);
                        cb.astore(v.slot);
                    } else if (v.isLong) {
                        storeLong(v);
                    } else {
                        cb.astore(v.slot);
                    }
                    mine[i] = v;
                    vars.put(outer.get(i), v);
                }
                try {
                    inside.emit();
                } finally {
                    for (int i = 0; i < n; i++) {
                        vars.put(outer.get(i), callerVars[i]);
                    }
                }
                // the locals back to the caller (a cell is shared: nothing to copy)
                for (int i = 0; i < n; i++) {
                    if (!mine[i].isCell) {
                        cb.aload(rSlot);
                        pushInt(i);
                        loadVar(mine[i]);
                        cb.aastore();
                    }
                }
                cb.iconst_0();
                cb.ireturn();
                hExits.add(exits);
                hReturns[0] = returns;
            });
            int savedR = rSlot;
            rSlot = xs; // the helper's frame array; a return inside leaves its value there (dispatch)
            helperArgs();
            cb.invokevirtual(self, name, MT_STATS);
            dispatch(hExits.get(0), hReturns[0]);
            rSlot = savedR;
            retIndex = savedRet;
            // the locals back
            for (int i = 0; i < n; i++) {
                Var c = callerVars[i];
                if (!c.isCell) {
                    cb.aload(xs);
                    pushInt(i);
                    cb.aaload();
                    if (c.isLong) {
                        storeLong(c);
                    } else {
                        cb.astore(c.slot);
                    }
                }
            }
        }

        // ---------------------------------------------------------------- split mode

        /*
         * A body too large for one JVM method (64 KiB of code, 65,535 locals, or constants) is
         * generated again in split mode: every Lua local lives in a frame array (Object[], a
         * captured one as its cell), and parts of the body go to helper methods of the same
         * class that take (frame, frame array, varargs). So any statement or expression can be
         * moved out without looking at which locals it reads or assigns. What is moved:
         *  - runs of statements of a block over the budget (labels and <close> locals stay in
         *    the method that owns the block and cut the runs: a jump lands on a label in its
         *    own method, and a close local's protected region wraps the rest of its block);
         *  - inside a statement too large alone, its blocks (a loop body, each branch of an
         *    if; a long elseif chain is cut into nested else-helpers) and its large expressions;
         *  - a table constructor over the budget is filled by helpers, a chunk of entries each.
         * A helper returns 0 to go on, -1 when the Lua function returns (the value in the frame
         * array's last entry), or the id of a break or goto target outside it; its caller closes
         * what it has open and jumps there, or passes the code on. Functions that fit one method
         * are generated as before: split mode changes nothing for them.
         */

        /** At most about this many helper calls per statement list (bigger runs split again inside). */
        private static final int MAX_RUNS = 64;
        private static final MethodTypeDesc MT_STATS = MethodTypeDesc.of(CD_int, CD_CFRAME, CD_OBJARR, CD_OBJARR);
        private static final MethodTypeDesc MT_EXPR = MethodTypeDesc.of(CD_Object, CD_CFRAME, CD_OBJARR, CD_OBJARR);
        private static final MethodTypeDesc MT_FILL = MethodTypeDesc.of(CD_void, CD_CFRAME, CD_OBJARR, CD_OBJARR, CD_LUATABLE);

        /** Whether a statement too large for its method is being generated here: its blocks and expressions go out. */
        boolean decomposing;
        /** The expression an expression helper computes (emitted here, not moved out again). */
        Ast.Expr outlineRoot;
        boolean helper;

        /** Statements of a block over the budget: runs go to helpers (see above). */
        private void splitStats(Ast.Block b, BlockInfo bi, int from, int to, Emitter tail) throws Unsupported {
            List<Ast.Stat> stats = b.stats;
            int limit = Math.max(budget, size.stats(stats, from, to) / MAX_RUNS);
            int i = from;
            while (i < to) {
                Ast.Stat s = stats.get(i);
                bi.depth = closings.size();
                if (s instanceof Ast.LocalStat ls && hasClose(ls)) {
                    closingLocal(b, bi, ls, i, to, tail);
                    return;
                }
                if (s instanceof Ast.Label) {
                    stat(s);
                    i++;
                    continue;
                }
                if (size.stat(s) > limit) {
                    boolean was = decomposing;
                    decomposing = true;
                    stat(s);
                    decomposing = was;
                    i++;
                    continue;
                }
                int j = i;
                int w = 0;
                while (j < to && !(stats.get(j) instanceof Ast.Label) && !isCloseLocal(stats.get(j))
                        && w + size.stat(stats.get(j)) <= limit) {
                    w += size.stat(stats.get(j));
                    j++;
                }
                List<Ast.Stat> run = stats.subList(i, j);
                outline(() -> {
                    for (Ast.Stat x : run) {
                        stat(x);
                    }
                });
                i = j;
            }
            if (tail != null) {
                tail.emit();
            }
        }

        private static boolean isCloseLocal(Ast.Stat s) {
            return s instanceof Ast.LocalStat ls && hasClose(ls);
        }

        /** What branches {@code from..to} of an if leave in their method: conditions and calls of their blocks. */
        private int skeleton(Ast.If s, int from, int to) {
            int n = 0;
            for (int i = from; i < to; i++) {
                n += 16 + Math.min(size.expr(s.conds.get(i)), 2 * SizeEstimate.CALL)
                    + Math.min(size.block(s.blocks.get(i)), 2 * SizeEstimate.CALL);
            }
            return n;
        }

        /** What a helper of an elseif chain returns when none of its conditions held. */
        private static final int NO_BRANCH = -2;

        /**
         * Branches {@code from..to} of a long elseif chain: the one whose condition holds runs
         * and jumps to {@code end}; when none holds, control falls through. Too many for this
         * method, they go to up to {@link #MAX_RUNS} helpers tried one after the other (each
         * returns {@link #NO_BRANCH} when none of its conditions held), which split again: the
         * depth of helpers grows with the logarithm of the chain's length.
         */
        private void chainRange(Ast.If s, int from, int to, Label end) throws Unsupported {
            int sk = skeleton(s, from, to);
            if (sk <= budget / 2 || to - from <= 1) {
                boolean was = decomposing;
                decomposing = true; // the blocks go out when large
                for (int i = from; i < to; i++) {
                    Label next = cb.newLabel();
                    cond(s.conds.get(i), next, false);
                    block(s.blocks.get(i));
                    cb.goto_(end);
                    cb.labelBinding(next);
                }
                decomposing = was;
                return;
            }
            int per = Math.max(sk / MAX_RUNS, budget / 2);
            int a = from;
            while (a < to) {
                int b = a + 1;
                int w = skeleton(s, a, b);
                while (b < to && w + skeleton(s, b, b + 1) <= per) {
                    w += skeleton(s, b, b + 1);
                    b++;
                }
                int lo = a;
                int hi = b;
                Label none = cb.newLabel();
                outlineCode(() -> {
                    Label hend = cb.newLabel();
                    chainRange(s, lo, hi, hend);
                    pushInt(NO_BRANCH);
                    cb.ireturn();
                    cb.labelBinding(hend);
                    cb.iconst_0();
                    cb.ireturn();
                }, none, end);
                cb.labelBinding(none);
                a = b;
            }
        }

        /** What a helper's generation changes in the generator; restored after it. */
        private record Saved(CodeBuilder cb, Object ctx, int fSlot, int rSlot, int vaSlot, int lSlot, int upsSlot,
                             int constsSlot, List<Integer> temps, List<Integer> freeTemps, List<Closing> closings,
                             int outerClosings, Set<Target> exits, boolean returns, boolean helper,
                             boolean decomposing, Ast.Expr outlineRoot) {
        }

        private Saved save() {
            return new Saved(cb, ctx, fSlot, rSlot, vaSlot, lSlot, upsSlot, constsSlot, temps, freeTemps, closings,
                outerClosings, exits, returns, helper, decomposing, outlineRoot);
        }

        private void restore(Saved v) {
            cb = v.cb();
            ctx = v.ctx();
            fSlot = v.fSlot();
            rSlot = v.rSlot();
            vaSlot = v.vaSlot();
            lSlot = v.lSlot();
            upsSlot = v.upsSlot();
            constsSlot = v.constsSlot();
            temps = v.temps();
            freeTemps = v.freeTemps();
            closings = v.closings();
            outerClosings = v.outerClosings();
            exits = v.exits();
            returns = v.returns();
            helper = v.helper();
            decomposing = v.decomposing();
            outlineRoot = v.outlineRoot();
        }

        /** Generates a helper method named {@code name}: parameters (frame, frame array, varargs, ...). */
        private void helperMethod(String name, MethodTypeDesc mt, Emitter body) {
            int outer = outerClosings + closings.size();
            Saved saved = save();
            clb.withMethodBody(name, mt, ClassFile.ACC_FINAL, c -> {
                cb = c;
                ctx = new Object();
                helper = true;
                fSlot = 1;
                rSlot = 2;
                vaSlot = 3;
                temps = new ArrayList<>();
                freeTemps = new ArrayList<>();
                closings = new ArrayList<>();
                outerClosings = outer;
                exits = new java.util.LinkedHashSet<>();
                returns = false;
                decomposing = false;
                outlineRoot = null;
                lSlot = c.allocateLocal(TypeKind.REFERENCE);
                c.aload(0);
                c.getfield(CD_CF, "L", CD_LUASTATE);
                c.astore(lSlot);
                upsSlot = c.allocateLocal(TypeKind.REFERENCE);
                c.aload(0);
                c.getfield(CD_CF, "upvals", CD_CELLARR);
                c.astore(upsSlot);
                constsSlot = c.allocateLocal(TypeKind.REFERENCE);
                c.aload(0);
                c.getfield(CD_CF, "info", CD_FNINFO);
                c.getfield(CD_FNINFO, "consts", CD_OBJARR);
                c.astore(constsSlot);
                try {
                    body.emit();
                } catch (Unsupported u) {
                    throw new IllegalStateException(u.getMessage());
                }
            });
            restore(saved);
        }

        /** Pushes this, the frame, the frame array and the varargs: a helper call's arguments. */
        private void helperArgs() {
            cb.aload(0);
            cb.aload(fSlot);
            cb.aload(rSlot);
            if (helper || fn.isVararg) {
                cb.aload(vaSlot);
            } else {
                cb.aconst_null();
            }
        }

        /** Statements in a helper, called here; then where it says to go. */
        private void outline(Emitter body) {
            outlineCode(() -> {
                body.emit();
                cb.iconst_0();
                cb.ireturn();
            }, null, null);
        }

        /**
         * A helper whose code {@code body} returns its own result, called here: then where it
         * says to go; with {@code none} set, its code {@link #NO_BRANCH} goes there, and the
         * code 0 to {@code done}.
         */
        private void outlineCode(Emitter body, Label none, Label done) {
            String name = "s" + helpers++;
            List<Set<Target>> hExits = new ArrayList<>(1);
            boolean[] hReturns = new boolean[1];
            helperMethod(name, MT_STATS, () -> {
                body.emit();
                hExits.add(exits);
                hReturns[0] = returns;
            });
            helperArgs();
            cb.invokevirtual(self, name, MT_STATS);
            if (none != null) {
                int code = alloc(TypeKind.INT);
                cb.istore(code);
                cb.iload(code);
                pushInt(NO_BRANCH);
                cb.if_icmpeq(none);
                cb.iload(code);
            }
            dispatch(hExits.get(0), hReturns[0]);
            if (done != null) {
                cb.goto_(done);
            }
        }

        /** After a statement helper: go on (0), return (-1), or jump to the target it names. */
        private void dispatch(Set<Target> hExits, boolean hReturns) {
            if (hExits.isEmpty() && !hReturns) {
                cb.pop();
                return;
            }
            int code = alloc(TypeKind.INT);
            cb.istore(code);
            Label done = cb.newLabel();
            cb.iload(code);
            cb.ifeq(done);
            for (Target t : hExits) {
                Label next = cb.newLabel();
                cb.iload(code);
                pushInt(t.id);
                cb.if_icmpne(next);
                jump(t, t.line);
                cb.labelBinding(next);
            }
            if (hReturns) {
                // the Lua function returns: the value is in the frame array
                if (!helper) {
                    cb.aload(rSlot);
                    pushInt(retIndex);
                    cb.aaload();
                    int t = alloc(TypeKind.REFERENCE);
                    cb.astore(t);
                    closeDownTo(0, 0);
                    cb.aload(t);
                    cb.astore(retSlot);
                    cb.goto_(exitLabel);
                } else {
                    closeDownTo(0, 0);
                    returns = true;
                    cb.iconst_m1();
                    cb.ireturn();
                }
            }
            cb.labelBinding(done);
        }

        /** An expression computed by a helper. */
        private void outlineExpr(Ast.Expr e) {
            String name = "e" + helpers++;
            helperMethod(name, MT_EXPR, () -> {
                outlineRoot = e;
                emit(e);
                cb.areturn();
            });
            helperArgs();
            cb.invokevirtual(self, name, MT_EXPR);
        }

        /** Fills the new table on the stack by helpers, each a chunk of entries within the budget. */
        private void tableSplit(Ast.TableCons t) {
            List<Integer> order = t.order;
            int i = 0;
            while (i < order.size()) {
                int j = i;
                int w = 0;
                while (j < order.size() && (j == i || w + entrySize(t, order.get(j)) <= budget / 2)) {
                    w += entrySize(t, order.get(j));
                    j++;
                }
                List<Integer> chunk = order.subList(i, j);
                String name = "t" + helpers++;
                helperMethod(name, MT_FILL, () -> {
                    for (int o : chunk) {
                        cb.aload(4);
                        tableEntry(t, o);
                    }
                    cb.return_();
                });
                cb.dup();
                int tab = alloc(TypeKind.REFERENCE);
                cb.astore(tab);
                helperArgs();
                cb.aload(tab);
                cb.invokevirtual(self, name, MT_FILL);
                cb.aconst_null();
                cb.astore(tab);
                i = j;
            }
        }

        private int entrySize(Ast.TableCons t, int o) {
            return 12 + (o >= 0 ? size.expr(t.items.get(o)) : size.expr(t.fields.get(-o - 1)[0]) + size.expr(t.fields.get(-o - 1)[1]));
        }

        // ---------------------------------------------------------------- statements

        /*
         * A statement's temporaries are cleared when it ends: a JVM local that still holds an
         * argument array or an intermediate value would keep it from being collected (and its
         * __gc from running) for as long as the function runs.
         */
        private void stat(Ast.Stat s) throws Unsupported {
            int mark = temps.size();
            if (resumable) {
                restartable(() -> stat0(s));
            } else {
                stat0(s);
            }
            // (after a return, break or goto nothing runs: no clearing, no dead code)
            boolean jumps = budget == 0 && (s instanceof Ast.Return || s instanceof Ast.Break || s instanceof Ast.Goto);
            for (int i = temps.size() - 1; i >= mark; i--) {
                if (!jumps) {
                    cb.aconst_null();
                    cb.astore(temps.get(i));
                }
                int t = temps.remove(i);
                if (budget != 0) {
                    freeTemps.add(t);
                }
            }
        }

        private void stat0(Ast.Stat s) throws Unsupported {
            if (!loops.isEmpty() && isLoop(s) && loopMethods() && loopMethod(s)) {
                return;
            }
            if (s instanceof Ast.LocalStat l) {
                localStat(l);
            } else if (s instanceof Ast.Assign a) {
                assign(a);
            } else if (s instanceof Ast.CallStat c) {
                call(c.call, false, false);
                cb.pop();
            } else if (s instanceof Ast.Do d) {
                block(d.block);
            } else if (s instanceof Ast.While w) {
                whileStat(w);
            } else if (s instanceof Ast.Repeat r) {
                repeatStat(r);
            } else if (s instanceof Ast.If i) {
                ifStat(i);
            } else if (s instanceof Ast.NumFor n) {
                numFor(n);
            } else if (s instanceof Ast.GenFor g) {
                genFor(g);
            } else if (s instanceof Ast.LocalFunction lf) {
                Var v = declare(lf.var);
                if (v.isCell) {
                    cb.new_(CD_CELL);
                    cb.dup();
                    cb.aconst_null();
                    cb.invokespecial(CD_CELL, "<init>", MethodTypeDesc.of(CD_void, CD_Object));
                    storeRaw(v);
                    closure(lf.fn);
                    storeExisting(v);
                } else {
                    closure(lf.fn);
                    storeRaw(v);
                }
            } else if (s instanceof Ast.Return r) {
                returnStat(r);
            } else if (s instanceof Ast.Break) {
                breakStat();
            } else if (s instanceof Ast.Goto g) {
                gotoStat(g);
            } else if (s instanceof Ast.Label l) {
                bindLabel(l);
            } else {
                throw new Unsupported(s.getClass().getSimpleName());
            }
        }

        private void localStat(Ast.LocalStat l) throws Unsupported {
            int n = l.vars.size();
            List<Ast.Expr> ex = l.exprs;
            if (n == 1 && ex.size() == 1 && !isMulti(ex.get(0))) {
                if (longVars.contains(l.vars.get(0))) { // (empty in split mode)
                    emitLong(ex.get(0));
                    storeLongValue(declare(l.vars.get(0)));
                    return;
                }
                emit(ex.get(0));
                storeNew(declare(l.vars.get(0)));
                return;
            }
            if (budget == 0) {
                // straight into the new locals: the expressions cannot see them
                Var[] vs = new Var[n];
                for (int i = 0; i < n; i++) {
                    vs[i] = declare(l.vars.get(i));
                }
                int m = ex.size();
                for (int i = 0; i < m; i++) {
                    Ast.Expr e = ex.get(i);
                    if (i == m - 1 && isMulti(e) && i < n) {
                        emitMulti(e);
                        for (int j = i; j < n; j++) {
                            if (j < n - 1) {
                                cb.dup();
                            }
                            cb.loadConstant(j - i);
                            cb.invokestatic(CD_VARARGS, "get", MethodTypeDesc.of(CD_Object, CD_Object, CD_int));
                            storeNew(vs[j]);
                        }
                        return;
                    } else if (i < n) {
                        emit(e);
                        storeNew(vs[i]);
                    } else {
                        emitMulti(e);
                        cb.pop();
                    }
                }
                for (int i = m; i < n; i++) {
                    cb.aconst_null();
                    storeNew(vs[i]);
                }
                return;
            }
            int[] temps = values(ex, n);
            for (int i = 0; i < n; i++) {
                Var v = declare(l.vars.get(i));
                if (temps[i] < 0) {
                    cb.aconst_null();
                } else {
                    cb.aload(temps[i]);
                }
                storeNew(v);
            }
        }

        private static boolean isMulti(Ast.Expr e) {
            return e instanceof Ast.Call || e instanceof Ast.Vararg;
        }

        /**
         * Evaluates an expression list adjusted to {@code n} values into fresh locals (index -1
         * where the value is nil). Extra expressions are evaluated for their effects.
         */
        private int[] values(List<Ast.Expr> ex, int n) throws Unsupported {
            int[] temps = new int[n];
            java.util.Arrays.fill(temps, -1);
            int m = ex.size();
            for (int i = 0; i < m; i++) {
                Ast.Expr e = ex.get(i);
                if (i == m - 1 && isMulti(e) && i < n) {
                    emitMulti(e);
                    int r = newLocal();
                    cb.astore(r);
                    for (int j = i; j < n; j++) {
                        cb.aload(r);
                        cb.loadConstant(j - i);
                        cb.invokestatic(CD_VARARGS, "get", MethodTypeDesc.of(CD_Object, CD_Object, CD_int));
                        int t = newLocal();
                        cb.astore(t);
                        temps[j] = t;
                    }
                } else if (i < n) {
                    emit(e);
                    int t = newLocal();
                    cb.astore(t);
                    temps[i] = t;
                } else {
                    emitMulti(e);
                    cb.pop();
                }
            }
            return temps;
        }

        private void assign(Ast.Assign a) throws Unsupported {
            if (a.targets.size() == 1 && a.exprs.size() == 1) {
                Ast.Expr t = a.targets.get(0);
                if (t instanceof Ast.Local l) {
                    Var v = var(l.var);
                    if (v.isLong) {
                        emitLong(a.exprs.get(0));
                        storeLongValue(v);
                        return;
                    }
                    emit(a.exprs.get(0));
                    storeExisting(v);
                } else if (t instanceof Ast.Upval u) {
                    cb.aload(upsSlot);
                    cb.loadConstant(u.index);
                    cb.aaload();
                    emit(a.exprs.get(0));
                    cb.putfield(CD_CELL, "v", CD_Object);
                } else {
                    Ast.Index ix = (Ast.Index) t;
                    emit(ix.obj);
                    boolean intKey = isIntExpr(ix.key);
                    if (intKey) {
                        emitLong(ix.key);
                    } else {
                        emit(ix.key);
                    }
                    emit(a.exprs.get(0));
                    fs(storeSite(ix, describe(ix.obj)));
                    if (intKey) {
                        rt("setIndexInt", CD_void, CD_Object, CD_long, CD_Object, CD_CFRAME, CD_int);
                    } else {
                        rt("setIndex", CD_void, CD_Object, CD_Object, CD_Object, CD_CFRAME, CD_int);
                    }
                }
                return;
            }
            int n = a.targets.size();
            int[] objs = new int[n];
            int[] keys = new int[n];
            for (int i = 0; i < n; i++) {
                if (a.targets.get(i) instanceof Ast.Index ix) {
                    emit(ix.obj);
                    objs[i] = newLocal();
                    cb.astore(objs[i]);
                    emit(ix.key);
                    keys[i] = newLocal();
                    cb.astore(keys[i]);
                }
            }
            int[] vals = values(a.exprs, n);
            for (int i = n - 1; i >= 0; i--) {
                Ast.Expr t = a.targets.get(i);
                if (t instanceof Ast.Local l) {
                    loadTemp(vals[i]);
                    storeExisting(var(l.var));
                } else if (t instanceof Ast.Upval u) {
                    cb.aload(upsSlot);
                    cb.loadConstant(u.index);
                    cb.aaload();
                    loadTemp(vals[i]);
                    cb.putfield(CD_CELL, "v", CD_Object);
                } else {
                    Ast.Index ix = (Ast.Index) t;
                    cb.aload(objs[i]);
                    cb.aload(keys[i]);
                    loadTemp(vals[i]);
                    fs(storeSite(ix, describe(ix.obj)));
                    rt("setIndex", CD_void, CD_Object, CD_Object, CD_Object, CD_CFRAME, CD_int);
                }
            }
        }

        private void loadTemp(int t) {
            if (t < 0) {
                cb.aconst_null();
            } else {
                cb.aload(t);
            }
        }

        private void tick() {
            cb.aload(lSlot);
            cb.invokevirtual(CD_LUASTATE, "tick", MethodTypeDesc.of(CD_void));
        }

        private void whileStat(Ast.While w) throws Unsupported {
            Label top = cb.newLabel();
            Target exit = here();
            exit.line = w.block.closeLine;
            cb.labelBinding(top);
            cond(w.cond, exit.label, false);
            loops.add(exit);
            block(w.block);
            loops.remove(loops.size() - 1);
            tick();
            cb.goto_(top);
            cb.labelBinding(exit.label);
        }

        private void repeatStat(Ast.Repeat r) throws Unsupported {
            Label top = cb.newLabel();
            Target exit = here();
            exit.line = r.block.closeLine;
            Label again = cb.newLabel();
            cb.labelBinding(top);
            loops.add(exit);
            if (r.block.hasClose) {
                repeatClosing(r, again);
            } else {
                blockBody(r.block, null, false);
                loops.remove(loops.size() - 1);
                if (resumable) {
                    restartable(() -> cond(r.cond, again, false)); // (not the body again)
                } else {
                    cond(r.cond, again, false);
                }
                clearLocals(r.block.stats);
                cb.goto_(exit.label);
            }
            cb.labelBinding(again);
            tick();
            cb.goto_(top);
            cb.labelBinding(exit.label);
        }

        /**
         * A repeat whose body has {@code <close>} locals: 'until' is evaluated inside their
         * scope (it sees them), its result kept in an int while they are closed.
         */
        private void repeatClosing(Ast.Repeat r, Label again) throws Unsupported {
            int done = alloc(TypeKind.INT);
            blockBody(r.block, () -> {
                Label t = cb.newLabel();
                Label j = cb.newLabel();
                cond(r.cond, t, true);
                cb.iconst_0();
                cb.istore(done);
                cb.goto_(j);
                cb.labelBinding(t);
                cb.iconst_1();
                cb.istore(done);
                cb.labelBinding(j);
            }, false);
            Target exit = loops.remove(loops.size() - 1);
            clearLocals(r.block.stats);
            cb.iload(done);
            cb.ifeq(again);
            cb.goto_(exit.label);
        }

        private void ifStat(Ast.If s) throws Unsupported {
            Label end = cb.newLabel();
            if (budget != 0 && skeleton(s, 0, s.conds.size()) > budget / 2) {
                chainRange(s, 0, s.conds.size(), end); // split mode: a long elseif chain
                if (s.orElse != null) {
                    block(s.orElse);
                }
                cb.labelBinding(end);
                return;
            }
            for (int i = 0; i < s.conds.size(); i++) {
                Label next = cb.newLabel();
                cond(s.conds.get(i), next, false);
                block(s.blocks.get(i));
                cb.goto_(end);
                cb.labelBinding(next);
            }
            if (s.orElse != null) {
                block(s.orElse);
            }
            cb.labelBinding(end);
        }

        /** The value of a loop's step when it is an integer constant (1 when absent), else null. */
        private static Long constantStep(Ast.Expr step) {
            if (step == null) {
                return 1L;
            }
            if (step instanceof Ast.Const c && c.value instanceof Long l) {
                return l;
            }
            if (step instanceof Ast.UnOp u && u.op == Ast.OP_UNM && u.a instanceof Ast.Const c && c.value instanceof Long l) {
                return -l;
            }
            return null;
        }

        private void numFor(Ast.NumFor n) throws Unsupported {
            int site = site(n.line, null, null);
            Target exitT = here();
            exitT.line = n.block.closeLine;
            Label exit = exitT.label;
            Var v = declare(n.var);
            boolean intLoop = isIntExpr(n.start) && (n.step == null || isIntExpr(n.step));
            if (intLoop) {
                int init = alloc(TypeKind.LONG);
                int step = alloc(TypeKind.LONG);
                int count = alloc(TypeKind.LONG);
                int i = alloc(TypeKind.LONG);
                emitLong(n.start);
                cb.lstore(init);
                Long k = isIntExpr(n.limit) ? constantStep(n.step) : null;
                if (k != null && k != 0) {
                    // an integer limit and a constant step: the checks are inline
                    int lim = alloc(TypeKind.LONG);
                    emitLong(n.limit);
                    cb.lstore(lim);
                    cb.loadConstant(k.longValue());
                    cb.lstore(step);
                    cb.lload(init);
                    cb.lload(lim);
                    cb.lcmp();
                    if (k > 0) {
                        cb.ifgt(exit);
                    } else {
                        cb.iflt(exit);
                    }
                    if (k == 1) {
                        cb.lload(lim);
                        cb.lload(init);
                        cb.lsub();
                    } else {
                        cb.lload(init);
                        cb.lload(lim);
                        cb.lload(step);
                        rt("forCount", CD_long, CD_long, CD_long, CD_long);
                    }
                } else {
                    int lim = newLocal();
                    emit(n.limit);
                    cb.astore(lim);
                    if (n.step == null) {
                        cb.loadConstant(1L);
                    } else {
                        emitLong(n.step);
                    }
                    cb.lstore(step);
                    cb.lload(init);
                    cb.aload(lim);
                    cb.lload(step);
                    fs(site);
                    rt("forSkip", CD_boolean, CD_long, CD_Object, CD_long, CD_CFRAME, CD_int);
                    cb.ifne(exit);
                    cb.lload(init);
                    cb.aload(lim);
                    cb.lload(step);
                    rt("forCount", CD_long, CD_long, CD_Object, CD_long);
                }
                cb.lstore(count);
                cb.lload(init);
                cb.lstore(i);
                Label top = cb.newLabel();
                Label cont = cb.newLabel();
                cb.labelBinding(top);
                if (v.isLong) {
                    cb.lload(i);
                    storeLongValue(v);
                } else {
                    cb.lload(i);
                    boxLong();
                    storeNew(v);
                }
                loops.add(exitT);
                block(n.block);
                loops.remove(loops.size() - 1);
                cb.labelBinding(cont);
                cb.lload(count);
                cb.lconst_0();
                cb.lcmp();
                cb.ifeq(exit);
                cb.lload(count);
                cb.lconst_1();
                cb.lsub();
                cb.lstore(count);
                cb.lload(i);
                cb.lload(step);
                cb.ladd();
                cb.lstore(i);
                tick();
                cb.goto_(top);
            } else {
                int loop = newLocal(CD_FORLOOP);
                emit(n.start);
                emit(n.limit);
                if (n.step == null) {
                    cb.loadConstant(1L);
                    boxLong();
                } else {
                    emit(n.step);
                }
                fs(site);
                rt("forPrep", CD_FORLOOP, CD_Object, CD_Object, CD_Object, CD_CFRAME, CD_int);
                cb.astore(loop);
                Label top = cb.newLabel();
                cb.labelBinding(top);
                cb.aload(loop);
                cb.invokevirtual(CD_FORLOOP, "next", MethodTypeDesc.of(CD_boolean));
                cb.ifeq(exit);
                cb.aload(loop);
                cb.invokevirtual(CD_FORLOOP, "value", MethodTypeDesc.of(CD_Object));
                storeNew(v);
                loops.add(exitT);
                block(n.block);
                loops.remove(loops.size() - 1);
                tick();
                cb.goto_(top);
            }
            cb.labelBinding(exit);
            clearVar(v);
        }

        private void genFor(Ast.GenFor g) throws Unsupported {
            // as lua5.4: the iterator's call is at the line of the expressions after 'in', and
            // the function it calls is named "for iterator" in messages
            int site = site(g.exprs.get(0).line, new String[] {Ops.FOR_ITERATOR}, FuncName.FOR_ITERATOR);
            int[] init = values(g.exprs, 4);
            int fnT = tempOf(init[0]);
            int sT = tempOf(init[1]);
            int ctlT = tempOf(init[2]);
            int closeT = tempOf(init[3]);
            // a closing value (4th) must be closable; it is closed when the loop ends in any way
            cb.aload(closeT);
            cb.loadConstant("(for state)");
            fs(site);
            rt("checkClosable", CD_void, CD_Object, CD_String, CD_CFRAME, CD_int);
            if (resumable) {
                // a stackless body keeps no value to close while it is suspended: with one, it
                // goes on on a continuation from here (the explist is not evaluated again)
                restartable(() -> {
                    cb.aload(closeT);
                    cb.aload(fSlot);
                    rt("noClosingStackless", CD_void, CD_Object, CD_CFRAME);
                });
            }
            protectedRegion(closeT, g.block.closeLine, () -> genForLoop(g, site, fnT, sT, ctlT));
        }

        private int tempOf(int t) {
            if (t >= 0) {
                return t;
            }
            int n = newLocal();
            cb.aconst_null();
            cb.astore(n);
            return n;
        }

        private void genForLoop(Ast.GenFor g, int site, int fnT, int sT, int ctlT) throws Unsupported {
            Target exitT = here();
            exitT.line = g.block.closeLine;
            Label exit = exitT.label;
            Label slow = cb.newLabel();
            Label assignVars = cb.newLabel();
            int fast = alloc(TypeKind.INT);
            int slot = alloc(TypeKind.INT);
            int table = newLocal(CD_LUATABLE);
            int res = newLocal();
            cb.aconst_null();
            cb.astore(res);
            cb.aconst_null();
            cb.astore(table);
            cb.iconst_0();
            cb.istore(slot);
            cb.aload(fnT);
            cb.aload(sT);
            rt("isNextLoop", CD_boolean, CD_Object, CD_Object);
            cb.istore(fast);
            cb.iload(fast);
            Label top = cb.newLabel();
            cb.ifeq(top);
            cb.aload(sT);
            cb.checkcast(CD_LUATABLE);
            cb.astore(table);
            cb.aload(table);
            cb.aload(ctlT);
            fs(site);
            rt("nextSlot", CD_int, CD_LUATABLE, CD_Object, CD_CFRAME, CD_int);
            cb.istore(slot);
            cb.labelBinding(top);
            List<Ast.LocalVar> lv = g.vars;
            int nv = lv.size();
            int[] vals = new int[nv];
            for (int i = 0; i < nv; i++) {
                vals[i] = newLocal();
                cb.aconst_null();
                cb.astore(vals[i]);
            }
            cb.iload(fast);
            cb.ifeq(slow);
            // fast: walk the table's slots
            cb.iload(slot);
            cb.iflt(exit);
            cb.aload(table);
            cb.iload(slot);
            cb.invokevirtual(CD_LUATABLE, "slotKey", MethodTypeDesc.of(CD_Object, CD_int));
            cb.astore(vals[0]);
            if (nv > 1) {
                cb.aload(table);
                cb.iload(slot);
                cb.invokevirtual(CD_LUATABLE, "slotValue", MethodTypeDesc.of(CD_Object, CD_int));
                cb.astore(vals[1]);
            }
            cb.goto_(assignVars);
            // slow: call the iterator
            cb.labelBinding(slow);
            if (resumable) {
                // a Lua iterator entered stops a stackless body here, to call it again on a continuation
                restartable(() -> iteratorCall(site, fnT, sT, ctlT, res, vals, exit, nv));
            } else {
                iteratorCall(site, fnT, sT, ctlT, res, vals, exit, nv);
            }
            cb.labelBinding(assignVars);
            cb.aload(vals[0]);
            cb.astore(ctlT);
            for (int i = 0; i < nv; i++) {
                Var v = declare(lv.get(i));
                cb.aload(vals[i]);
                storeNew(v);
            }
            loops.add(exitT);
            block(g.block);
            loops.remove(loops.size() - 1);
            tick();
            cb.iload(fast);
            cb.ifeq(top);
            cb.aload(table);
            cb.aload(ctlT);
            fs(site);
            rt("nextSlot", CD_int, CD_LUATABLE, CD_Object, CD_CFRAME, CD_int);
            cb.istore(slot);
            cb.goto_(top);
            cb.labelBinding(exit);
            for (Ast.LocalVar x : lv) {
                clearVar(var(x));
            }
        }

        /** A generic for's call of its iterator: its values into {@code vals}, to {@code exit} at nil. */
        private void iteratorCall(int site, int fnT, int sT, int ctlT, int res, int[] vals, Label exit, int nv) {
            // the call itself here, where HotSpot profiles its receivers loop by loop (an
            // ipairs loop gets the library's iterator compiled into it)
            setPc(site);
            cb.aload(fnT);
            callable(site);
            cb.aload(sT);
            cb.aload(ctlT);
            cb.invokevirtual(CD_LUAFUNCTION, "tail2", tailType(2));
            cb.invokestatic(CD_OPS, "resolve", MethodTypeDesc.of(CD_Object, CD_Object));
            cb.astore(res);
            cb.aload(res);
            rt("first", CD_Object, CD_Object);
            cb.dup();
            cb.astore(vals[0]);
            cb.ifnull(exit);
            for (int i = 1; i < nv; i++) {
                cb.aload(res);
                cb.loadConstant(i);
                cb.invokestatic(CD_VARARGS, "get", MethodTypeDesc.of(CD_Object, CD_Object, CD_int));
                cb.astore(vals[i]);
            }
        }

        private void returnStat(Ast.Return r) throws Unsupported {
            List<Ast.Expr> ex = r.exprs;
            if (ex.size() == 1 && ex.get(0) instanceof Ast.Call c && closings.isEmpty() && outerClosings == 0) {
                if (budget == 0 && !helper && !localsVisible && c.args.size() + (c.method != null ? 1 : 0) <= 3
                        && (c.args.isEmpty() || !isMulti(c.args.get(c.args.size() - 1)))) {
                    directTail(c);
                    return;
                }
                call(c, true, true);
                emitReturn();
                return;
            }
            if (ex.isEmpty()) {
                cb.getstatic(CD_VARARGS, "NONE", CD_VARARGS);
            } else if (ex.size() == 1) {
                emitMulti(ex.get(0));
            } else {
                argArray(ex, -1);
                rt("ret", CD_Object, CD_OBJARR);
            }
            if (!closings.isEmpty()) {
                int t = newLocal();
                cb.astore(t);
                closeDownTo(0, r.lastLine);
                cb.aload(t);
            }
            emitReturn();
        }

        /** A tail call to be made after the body (outside its error handler), see {@link #directTail}. */
        private record PendingTail(Label label, int fn, int[] args) {
        }

        private final List<PendingTail> pendingTails = new ArrayList<>();

        /**
         * {@code return f(args)} with up to three single-valued arguments (Rt.tailKind says how):
         * a Lua function is called from this method once its frame is popped, where HotSpot
         * profiles the call site by site and can compile the callee into it (a chain of such
         * calls is bounded per coroutine; past the bound, and with a hook on, the call goes back
         * to the pending-call trampoline, which runs in constant stack); a library function is
         * called with the frame still there, as Lua does; anything else through Rt.tailCall.
         */
        private void directTail(Ast.Call c) throws Unsupported {
            int nargs = c.args.size() + (c.method != null ? 1 : 0);
            int fnT = newLocal();
            int[] argT = new int[nargs];
            int site = callSite(c);
            int first = 0;
            emit(c.fn);
            if (c.method != null) {
                argT[0] = newLocal();
                cb.dup();
                cb.astore(argT[0]);
                lookupMethod(c);
                first = 1;
            }
            cb.astore(fnT);
            for (int i = first; i < nargs; i++) {
                emit(c.args.get(i - first));
                argT[i] = newLocal();
                cb.astore(argT[i]);
            }
            Label notDirect = cb.newLabel();
            Label other = cb.newLabel();
            Label direct = cb.newLabel();
            cb.aload(fnT);
            fs(site);
            rt("tailKind", CD_int, CD_Object, CD_CFRAME, CD_int);
            cb.dup();
            cb.ifne(notDirect);
            cb.pop();
            cb.goto_(direct);
            pendingTails.add(new PendingTail(direct, fnT, argT));
            cb.labelBinding(notDirect);
            cb.iconst_1();
            cb.if_icmpne(other);
            // a library function: called here, its frame still there
            cb.aload(fnT);
            cb.checkcast(CD_LUAFUNCTION);
            for (int a : argT) {
                cb.aload(a);
            }
            cb.invokevirtual(CD_LUAFUNCTION, "tail" + nargs, tailType(nargs));
            cb.invokestatic(CD_OPS, "resolve", MethodTypeDesc.of(CD_Object, CD_Object));
            emitReturn();
            cb.labelBinding(other);
            cb.aload(fnT);
            pushInt(nargs);
            cb.anewarray(CD_Object);
            for (int i = 0; i < nargs; i++) {
                cb.dup();
                pushInt(i);
                cb.aload(argT[i]);
                cb.aastore();
            }
            fs(site);
            rt("tailCall", CD_Object, CD_Object, CD_OBJARR, CD_CFRAME, CD_int);
            emitReturn();
        }

        /** The direct tail calls of {@link #directTail}, after the body's normal exit. */
        private void emitPendingTails() {
            for (PendingTail t : pendingTails) {
                int nargs = t.args().length;
                int was = alloc(TypeKind.INT);
                cb.labelBinding(t.label());
                cb.aload(fSlot);
                rt("tailEnter", CD_boolean, CD_CFRAME);
                cb.istore(was);
                Label from = cb.newLabel();
                Label to = cb.newLabel();
                Label onAny = cb.newLabel();
                cb.labelBinding(from);
                cb.aload(t.fn());
                cb.checkcast(CD_LUAFUNCTION);
                for (int a : t.args()) {
                    cb.aload(a);
                }
                cb.invokevirtual(CD_LUAFUNCTION, "tail" + nargs, tailType(nargs));
                cb.labelBinding(to);
                cb.aload(fSlot);
                cb.iload(was);
                rt("tailExit", CD_void, CD_CFRAME, CD_boolean);
                cb.areturn();
                cb.labelBinding(onAny);
                cb.aload(fSlot);
                cb.iload(was);
                rt("tailExit", CD_void, CD_CFRAME, CD_boolean);
                cb.athrow();
                cb.exceptionCatchAll(from, to, onAny);
            }
        }

        private void breakStat() {
            Target t = loops.get(loops.size() - 1);
            jump(t, t.line);
        }

        // ---------------------------------------------------------------- conditions

        /** Jumps to {@code target} when the truth of {@code e} equals {@code jumpIf}. */
        private void cond(Ast.Expr e, Label target, boolean jumpIf) throws Unsupported {
            if (e instanceof Ast.True) {
                if (jumpIf) {
                    cb.goto_(target);
                }
                return;
            }
            if (e instanceof Ast.Nil || e instanceof Ast.False) {
                if (!jumpIf) {
                    cb.goto_(target);
                }
                return;
            }
            if (e instanceof Ast.UnOp u && u.op == Ast.OP_NOT) {
                cond(u.a, target, !jumpIf);
                return;
            }
            if (e instanceof Ast.BinOp b) {
                if (b.op == Ast.OP_AND || b.op == Ast.OP_OR) {
                    boolean isAnd = b.op == Ast.OP_AND;
                    if (isAnd != jumpIf) {
                        // and/false or or/true: either operand decides
                        cond(b.a, target, jumpIf);
                        cond(b.b, target, jumpIf);
                    } else {
                        Label skip = cb.newLabel();
                        cond(b.a, skip, !jumpIf);
                        cond(b.b, target, jumpIf);
                        cb.labelBinding(skip);
                    }
                    return;
                }
                if (b.op >= Ast.OP_EQ && b.op <= Ast.OP_GE) {
                    compare(b, target, jumpIf);
                    return;
                }
            }
            emit(e);
            rt("truthy", CD_boolean, CD_Object);
            if (jumpIf) {
                cb.ifne(target);
            } else {
                cb.ifeq(target);
            }
        }

        private void compare(Ast.BinOp b, Label target, boolean jumpIf) throws Unsupported {
            int op = b.op;
            if ((op == Ast.OP_EQ || op == Ast.OP_NE) && (b.a instanceof Ast.Nil || b.b instanceof Ast.Nil)) {
                // nil equals nil only, and no __eq is called for it (Lua calls one for two tables or two userdata)
                emit(b.a instanceof Ast.Nil ? b.b : b.a);
                if ((op == Ast.OP_EQ) == jumpIf) {
                    cb.ifnull(target);
                } else {
                    cb.ifnonnull(target);
                }
                return;
            }
            if (isIntExpr(b.a) && isIntExpr(b.b)) {
                emitLong(b.a);
                emitLong(b.b);
                cb.lcmp();
                // lcmp gives -1/0/1; branch on the relation (or its negation)
                int rel = jumpIf ? op : negate(op);
                switch (rel) {
                    case Ast.OP_EQ -> cb.ifeq(target);
                    case Ast.OP_NE -> cb.ifne(target);
                    case Ast.OP_LT -> cb.iflt(target);
                    case Ast.OP_LE -> cb.ifle(target);
                    case Ast.OP_GT -> cb.ifgt(target);
                    default -> cb.ifge(target);
                }
                return;
            }
            emit(b.a);
            emit(b.b);
            int site = site(b.line, null, Names.metamethodOf(b));
            fs(site);
            String helper = switch (op) {
                case Ast.OP_EQ, Ast.OP_NE -> "eq";
                case Ast.OP_LT -> "lt";
                case Ast.OP_LE -> "le";
                case Ast.OP_GT -> "gt";
                default -> "ge";
            };
            if (op == Ast.OP_GT || op == Ast.OP_GE) {
                rt(helper.equals("gt") ? "gtSwap" : "geSwap", CD_boolean, CD_Object, CD_Object, CD_CFRAME, CD_int);
            } else {
                rt(helper, CD_boolean, CD_Object, CD_Object, CD_CFRAME, CD_int);
            }
            boolean whenTrue = op == Ast.OP_NE ? !jumpIf : jumpIf;
            if (whenTrue) {
                cb.ifne(target);
            } else {
                cb.ifeq(target);
            }
        }

        private static int negate(int op) {
            return switch (op) {
                case Ast.OP_EQ -> Ast.OP_NE;
                case Ast.OP_NE -> Ast.OP_EQ;
                case Ast.OP_LT -> Ast.OP_GE;
                case Ast.OP_LE -> Ast.OP_GT;
                case Ast.OP_GT -> Ast.OP_LE;
                default -> Ast.OP_LT;
            };
        }

        // ---------------------------------------------------------------- expressions

        /** Pushes the value of {@code e} (one value) as an Object. */
        private void emit(Ast.Expr e) throws Unsupported {
            if (budget != 0 && e != outlineRoot && !(e instanceof Ast.TableCons)
                    && size.expr(e) > (decomposing ? 2 * SizeEstimate.CALL : budget)) {
                outlineExpr(e);
                return;
            }
            if (isIntExpr(e) && !(e instanceof Ast.Const) && !(e instanceof Ast.Local)) {
                emitLong(e);
                boxLong();
                return;
            }
            if (e instanceof Ast.Const c) {
                Object v = c.value;
                if (v instanceof Long l && l >= -128 && l <= 127) {
                    cb.loadConstant(l.longValue());
                    boxLong();
                } else {
                    loadConst(v);
                }
            } else if (e instanceof Ast.Nil) {
                cb.aconst_null();
            } else if (e instanceof Ast.True) {
                cb.getstatic(CD_Boolean, "TRUE", CD_Boolean);
            } else if (e instanceof Ast.False) {
                cb.getstatic(CD_Boolean, "FALSE", CD_Boolean);
            } else if (e instanceof Ast.Vararg) {
                cb.aload(vaSlot);
                rt("vararg1", CD_Object, CD_OBJARR);
            } else if (e instanceof Ast.Local l) {
                loadVar(var(l.var));
            } else if (e instanceof Ast.Upval u) {
                cb.aload(upsSlot);
                cb.loadConstant(u.index);
                cb.aaload();
                cb.getfield(CD_CELL, "v", CD_Object);
            } else if (e instanceof Ast.Index ix) {
                index(ix);
            } else if (e instanceof Ast.Call c) {
                call(c, false, false);
            } else if (e instanceof Ast.FunctionExpr fe) {
                closure(fe.fn);
            } else if (e instanceof Ast.Paren p) {
                emit(p.e);
            } else if (e instanceof Ast.TableCons t) {
                table(t);
            } else if (e instanceof Ast.UnOp u) {
                unary(u);
            } else if (e instanceof Ast.BinOp b) {
                binary(b);
            } else {
                throw new Unsupported(e.getClass().getSimpleName());
            }
        }

        private void loadVar(Var v) {
            if (v.box >= 0) {
                cb.aload(v.box);
            } else if (v.isLong) {
                cb.lload(v.slot);
                boxLong();
            } else if (v.isCell) {
                loadCell(v);
                cb.getfield(CD_CELL, "v", CD_Object);
            } else {
                loadRaw(v);
            }
        }

        /** Pushes all the values of a multi-valued expression (a value or a Varargs). */
        private void emitMulti(Ast.Expr e) throws Unsupported {
            if (e instanceof Ast.Call c) {
                call(c, true, false);
            } else if (e instanceof Ast.Vararg) {
                cb.aload(vaSlot);
                rt("varargs", CD_Object, CD_OBJARR);
            } else {
                emit(e);
            }
        }

        /** Pushes a long for an expression {@link #isIntExpr} accepts. */
        private void emitLong(Ast.Expr e) throws Unsupported {
            if (e instanceof Ast.Const c) {
                pushLong((Long) c.value);
            } else if (e instanceof Ast.Local l) {
                cb.lload(var(l.var).slot);
            } else if (e instanceof Ast.Paren p) {
                emitLong(p.e);
            } else if (e instanceof Ast.UnOp u) {
                emitLong(u.a);
                if (u.op == Ast.OP_UNM) {
                    cb.lneg();
                } else {
                    cb.loadConstant(-1L);
                    cb.lxor();
                }
            } else if (e instanceof Ast.BinOp b) {
                emitLong(b.a);
                emitLong(b.b);
                switch (b.op) {
                    case Ast.OP_ADD -> cb.ladd();
                    case Ast.OP_SUB -> cb.lsub();
                    case Ast.OP_MUL -> cb.lmul();
                    case Ast.OP_BAND -> cb.land();
                    case Ast.OP_BOR -> cb.lor();
                    case Ast.OP_BXOR -> cb.lxor();
                    case Ast.OP_SHL -> cb.invokestatic(CD_OPS, "shl", MethodTypeDesc.of(CD_long, CD_long, CD_long));
                    case Ast.OP_SHR -> cb.invokestatic(CD_OPS, "shr", MethodTypeDesc.of(CD_long, CD_long, CD_long));
                    case Ast.OP_IDIV -> {
                        fs(site(b, describe(b.a), describe(b.b)));
                        rt("idiv", CD_long, CD_long, CD_long, CD_CFRAME, CD_int);
                    }
                    default -> {
                        fs(site(b, describe(b.a), describe(b.b)));
                        rt("mod", CD_long, CD_long, CD_long, CD_CFRAME, CD_int);
                    }
                }
            } else {
                throw new IllegalStateException("not an integer expression");
            }
        }

        private void index(Ast.Index ix) throws Unsupported {
            emit(ix.obj);
            int site = site(ix, describe(ix.obj), describe(ix.key));
            if (ix.key instanceof Ast.Const c && c.value instanceof LuaString s) {
                loadConst(s);
                fs(site);
                rt("indexStr", CD_Object, CD_Object, CD_LUASTRING, CD_CFRAME, CD_int);
            } else if (isIntExpr(ix.key)) {
                emitLong(ix.key);
                fs(site);
                rt("indexInt", CD_Object, CD_Object, CD_long, CD_CFRAME, CD_int);
            } else {
                emit(ix.key);
                fs(site);
                rt("index", CD_Object, CD_Object, CD_Object, CD_CFRAME, CD_int);
            }
        }

        /** Builds the Object[] of an expression list, with {@code self} (a local) first when >= 0. */
        private void argArray(List<Ast.Expr> args, int self) throws Unsupported {
            int n = args.size();
            boolean multi = n > 0 && isMulti(args.get(n - 1));
            int fixed = multi ? n - 1 : n;
            int off = self >= 0 ? 1 : 0;
            cb.loadConstant(fixed + off);
            cb.anewarray(CD_Object);
            if (self >= 0) {
                cb.dup();
                cb.iconst_0();
                cb.aload(self);
                cb.aastore();
            }
            for (int i = 0; i < fixed; i++) {
                cb.dup();
                cb.loadConstant(i + off);
                emit(args.get(i));
                cb.aastore();
            }
            if (multi) {
                emitMulti(args.get(n - 1));
                rt("expand", CD_OBJARR, CD_OBJARR, CD_Object);
            }
        }

        /** The site of call {@code c} (a method call's names the method). */
        private int callSite(Ast.Call c) {
            if (c.method != null) {
                return site(c.line, methodDesc(c), new FuncName(c.method.toString(), "method"));
            }
            return site(c.line, new String[] {describe(c.fn)}, FuncName.called(name(c.fn), Names.kind(c.fn)));
        }

        private String[] methodDesc(Ast.Call c) {
            return new String[] {" (method '" + c.method.toString() + "')", describe(c.fn)};
        }

        /** The receiver on the stack -> the method of call {@code c} (Rt.method, at a site of its own). */
        private void lookupMethod(Ast.Call c) {
            loadConst(c.method);
            fs(site(c.line, methodDesc(c), FuncName.metamethod("index")));
            rt("method", CD_Object, CD_Object, CD_LUASTRING, CD_CFRAME, CD_int);
        }

        /** A call; leaves one value, or all values when {@code multi}; a pending call when {@code tail}. */
        private void call(Ast.Call c, boolean multi, boolean tail) throws Unsupported {
            if (resumable) {
                resumableCall(c, multi);
                return;
            }
            int site;
            int self = -1;
            int nargs = c.args.size() + (c.method != null ? 1 : 0);
            boolean multiArg = !c.args.isEmpty() && isMulti(c.args.get(c.args.size() - 1));
            boolean fixed = !tail && !multiArg && nargs <= 3;
            site = callSite(c);
            emit(c.fn);
            if (c.method != null) {
                if (fixed) {
                    // self stays on the stack, under the method made callable
                    cb.dup();
                    lookupMethod(c);
                    callable(site);
                    cb.swap();
                    fixedCall(c, site, true, nargs, multi);
                    return;
                }
                self = newLocal();
                cb.astore(self);
                cb.aload(self);
                lookupMethod(c);
            }
            if (fixed) {
                fixedCall(c, site, false, nargs, multi);
                return;
            }
            if (tail) {
                argArray(c.args, self);
                fs(site);
                rt("tailCall", CD_Object, CD_Object, CD_OBJARR, CD_CFRAME, CD_int);
                return;
            }
            callable(site);
            argArray(c.args, self);
            // (the function was made callable before the arguments: see fixedCall)
            spill(c, site);
            setPc(site);
            cb.invokevirtual(CD_LUAFUNCTION, "invokeTail", MethodTypeDesc.of(CD_Object, CD_OBJARR));
            cb.invokestatic(CD_OPS, "resolve", MethodTypeDesc.of(CD_Object, CD_Object));
            reload(site);
            if (!multi) {
                rt("first", CD_Object, CD_Object);
            }
        }

        /**
         * A call with up to three arguments (function value on the stack, or for a method the
         * callable method and self): the call is {@code tailN(args...)}, allocating no array.
         */
        private void fixedCall(Ast.Call c, int site, boolean method, int nargs, boolean multi) throws Unsupported {
            if (!method) {
                callable(site);
            }
            for (Ast.Expr e : c.args) {
                emit(e);
            }
            spill(c, site);
            setPc(site);
            cb.invokevirtual(CD_LUAFUNCTION, "tail" + nargs, tailType(nargs));
            cb.invokestatic(CD_OPS, "resolve", MethodTypeDesc.of(CD_Object, CD_Object));
            reload(site);
            if (!multi) {
                rt("first", CD_Object, CD_Object);
            }
        }

        /**
         * The function value on the stack made a LuaFunction (Rt.callable): itself, or one that
         * calls its __call or raises the call's error once the arguments are evaluated. The
         * call itself stays here, where HotSpot profiles its receivers site by site.
         */
        private void callable(int site) {
            fs(site);
            rt("callable", CD_LUAFUNCTION, CD_Object, CD_CFRAME, CD_int);
        }

        private void closure(Ast.Function f) {
            ClosureFactory fac = nestedCache.get(f);
            if (fac == null) {
                fac = JitCompiler.factory(f, localsVisible, interpreted, nestedCompiled, forced);
                nestedCache.put(f, fac);
            }
            nested.add(fac);
            int idx = nested.size() - 1;
            cb.aload(0);
            cb.getfield(CD_CF, "info", CD_FNINFO);
            cb.getfield(CD_FNINFO, "nested", CD_FACTORY.arrayType());
            cb.loadConstant(idx);
            cb.aaload();
            cb.aload(lSlot);
            int n = f.upvalues.size();
            cb.loadConstant(n);
            cb.anewarray(CD_CELL);
            for (int i = 0; i < n; i++) {
                Ast.UpvalDesc d = f.upvalues.get(i);
                cb.dup();
                cb.loadConstant(i);
                if (d.fromParentLocal()) {
                    loadCell(var(d.local()));
                } else {
                    cb.aload(upsSlot);
                    cb.loadConstant(d.index());
                    cb.aaload();
                }
                cb.aastore();
            }
            rt("closure", CD_LUAFUNCTION, CD_FACTORY, CD_LUASTATE, CD_CELLARR);
        }

        private void table(Ast.TableCons t) throws Unsupported {
            cb.new_(CD_LUATABLE);
            cb.dup();
            // as Lua's constructor: a trailing multi-valued item is not counted in the size hint
            int ni = t.items.size();
            pushInt(ni > 0 && isMulti(t.items.get(ni - 1)) ? ni - 1 : ni);
            pushInt(t.fields.size());
            cb.invokespecial(CD_LUATABLE, "<init>", MethodTypeDesc.of(CD_void, CD_int, CD_int));
            if (budget != 0 && size.expr(t) > budget) {
                tableSplit(t);
                return;
            }
            for (int o : t.order) {
                cb.dup();
                tableEntry(t, o);
            }
        }

        /**
         * Whether every keyed field of the constructor is a constant string, no two alike: then
         * each goes into the new table with {@link LuaTable#initField} (no key can be there yet).
         */
        private boolean distinctNames(Ast.TableCons t) {
            return distinct.computeIfAbsent(t, FnGen::computeDistinct);
        }

        private final Map<Ast.TableCons, Boolean> distinct = new java.util.IdentityHashMap<>();

        private static boolean computeDistinct(Ast.TableCons t) {
            java.util.Set<Object> seen = new java.util.HashSet<>();
            for (Ast.Expr[] kv : t.fields) {
                if (!(kv[0] instanceof Ast.Const c && c.value instanceof LuaString k && seen.add(k))) {
                    return false;
                }
            }
            return true;
        }

        /** One entry of a constructor ({@code o} as in {@link Ast.TableCons#order}) into the table on the stack. */
        private void tableEntry(Ast.TableCons t, int o) throws Unsupported {
            if (o >= 0) {
                Ast.Expr item = t.items.get(o);
                if (budget != 0) {
                    pushInt(o + 1); // no constant-pool entry per index of a huge constructor
                    cb.i2l();
                } else {
                    cb.loadConstant((long) o + 1);
                }
                if (o == t.items.size() - 1 && isMulti(item)) {
                    emitMulti(item);
                    rt("tableMulti", CD_void, CD_LUATABLE, CD_long, CD_Object);
                } else {
                    emit(item);
                    cb.invokevirtual(CD_LUATABLE, "put", MethodTypeDesc.of(CD_void, CD_long, CD_Object));
                }
            } else {
                Ast.Expr[] kv = t.fields.get(-o - 1);
                if (kv[0] instanceof Ast.Const c && c.value instanceof LuaString) {
                    // a record field: its key is neither nil nor NaN
                    emit(kv[0]);
                    cb.checkcast(CD_LUASTRING); // (in split mode a constant may come as an Object)
                    if (distinctNames(t)) {
                        pushInt(((LuaString) c.value).hashCode());
                        emit(kv[1]);
                        cb.invokevirtual(CD_LUATABLE, "initField", MethodTypeDesc.of(CD_void, CD_LUASTRING, CD_int, CD_Object));
                        return;
                    }
                    emit(kv[1]);
                    cb.invokevirtual(CD_LUATABLE, "put", MethodTypeDesc.of(CD_void, CD_LUASTRING, CD_Object));
                    return;
                }
                emit(kv[0]);
                emit(kv[1]);
                fs(site(kv[0].line, new String[0], null));
                rt("tableSet", CD_void, CD_LUATABLE, CD_Object, CD_Object, CD_CFRAME, CD_int);
            }
        }

        private void unary(Ast.UnOp u) throws Unsupported {
            if (u.op == Ast.OP_NOT) {
                Label t = cb.newLabel();
                Label end = cb.newLabel();
                cond(u.a, t, true);
                cb.getstatic(CD_Boolean, "TRUE", CD_Boolean);
                cb.goto_(end);
                cb.labelBinding(t);
                cb.getstatic(CD_Boolean, "FALSE", CD_Boolean);
                cb.labelBinding(end);
                return;
            }
            emit(u.a);
            fs(site(u, describe(u.a)));
            String h = switch (u.op) {
                case Ast.OP_UNM -> "unm";
                case Ast.OP_LEN -> "len";
                default -> "bnot";
            };
            rt(h, CD_Object, CD_Object, CD_CFRAME, CD_int);
        }

        private void binary(Ast.BinOp b) throws Unsupported {
            switch (b.op) {
                case Ast.OP_AND, Ast.OP_OR -> {
                    Label end = cb.newLabel();
                    emit(b.a);
                    cb.dup();
                    rt("truthy", CD_boolean, CD_Object);
                    if (b.op == Ast.OP_AND) {
                        cb.ifeq(end);
                    } else {
                        cb.ifne(end);
                    }
                    cb.pop();
                    emit(b.b);
                    cb.labelBinding(end);
                }
                case Ast.OP_EQ, Ast.OP_NE, Ast.OP_LT, Ast.OP_LE, Ast.OP_GT, Ast.OP_GE -> {
                    Label f = cb.newLabel();
                    Label end = cb.newLabel();
                    compare(b, f, false);
                    cb.getstatic(CD_Boolean, "TRUE", CD_Boolean);
                    cb.goto_(end);
                    cb.labelBinding(f);
                    cb.getstatic(CD_Boolean, "FALSE", CD_Boolean);
                    cb.labelBinding(end);
                }
                case Ast.OP_CONCAT -> concat(b);
                default -> arith(b);
            }
        }

        private void arith(Ast.BinOp b) throws Unsupported {
            emit(b.a);
            emit(b.b);
            fs(site(b, describe(b.a), describe(b.b)));
            switch (b.op) {
                case Ast.OP_ADD -> rt("add", CD_Object, CD_Object, CD_Object, CD_CFRAME, CD_int);
                case Ast.OP_SUB -> rt("sub", CD_Object, CD_Object, CD_Object, CD_CFRAME, CD_int);
                case Ast.OP_MUL -> rt("mul", CD_Object, CD_Object, CD_Object, CD_CFRAME, CD_int);
                default -> rt(switch (b.op) {
                    case Ast.OP_MOD -> "mod";
                    case Ast.OP_POW -> "pow";
                    case Ast.OP_DIV -> "div";
                    case Ast.OP_IDIV -> "idiv";
                    case Ast.OP_BAND -> "band";
                    case Ast.OP_BOR -> "bor";
                    case Ast.OP_BXOR -> "bxor";
                    case Ast.OP_SHL -> "shl";
                    case Ast.OP_SHR -> "shr";
                    default -> throw new IllegalStateException("operator " + b.op);
                }, CD_Object, CD_Object, CD_Object, CD_CFRAME, CD_int);
            }
        }

        private void concat(Ast.BinOp b) throws Unsupported {
            List<Ast.Expr> parts = new ArrayList<>();
            flatten(b, parts);
            String[] desc = new String[parts.size()];
            for (int i = 0; i < desc.length; i++) {
                desc[i] = describe(parts.get(i));
            }
            int site = site(b.line, desc, FuncName.metamethod("concat"));
            if (parts.size() == 2) {
                emit(parts.get(0));
                emit(parts.get(1));
                fs(site);
                rt("concat2", CD_Object, CD_Object, CD_Object, CD_CFRAME, CD_int);
                return;
            }
            cb.loadConstant(parts.size());
            cb.anewarray(CD_Object);
            for (int i = 0; i < parts.size(); i++) {
                cb.dup();
                cb.loadConstant(i);
                emit(parts.get(i));
                cb.aastore();
            }
            fs(site);
            rt("concat", CD_Object, CD_OBJARR, CD_CFRAME, CD_int);
        }

        private static void flatten(Ast.Expr e, List<Ast.Expr> out) {
            if (e instanceof Ast.BinOp b && b.op == Ast.OP_CONCAT) {
                flatten(b.a, out);
                flatten(b.b, out);
            } else {
                out.add(e);
            }
        }

        // ---------------------------------------------------------------- names for messages

        private static String describe(Ast.Expr e) {
            return lunatik.lua.parse.Names.describe(e);
        }

        private static String name(Ast.Expr e) {
            return lunatik.lua.parse.Names.name(e);
        }
    }
}
