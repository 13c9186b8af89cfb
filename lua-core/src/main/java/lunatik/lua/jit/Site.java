package lunatik.lua.jit;

import lunatik.lua.vm.Ops;

/**
 * A place in compiled code that may raise or call: its line and the descriptions of its
 * operands for messages. Compiled code records the site index in its frame before calls (and
 * the runtime helpers do it on their slow paths), so messages and tracebacks get the line.
 */
public final class Site implements Ops.VarInfo {
    final int line;
    final String[] desc;
    /** What the code here calls: the function of a call, an operation's metamethod (see {@link lunatik.lua.vm.FuncName}). */
    final lunatik.lua.vm.FuncName callee;
    /** At a call: the names of the active locals, in order (for debug.getlocal), else null. */
    String[] localNames;
    /** At a string-key index or method lookup: what the last lookup through a metatable found (see Rt.indexStr). */
    IndexCache indexCache;
    /** At a call: how each active local is spilled ({@link #PLAIN}, {@link #CELL}, {@link #LONG}, {@link #NONE}). */
    byte[] localKinds;

    static final byte PLAIN = 0;
    static final byte CELL = 1;
    static final byte LONG = 2;
    /** A local the compiled code keeps no JVM local for: seen as nil, cannot be set. */
    static final byte NONE = 3;

    Site(int line, String[] desc, lunatik.lua.vm.FuncName callee) {
        this.line = line;
        this.desc = desc;
        this.callee = callee;
    }

    @Override
    public String describe(int i) {
        return desc != null && i < desc.length && desc[i] != null ? desc[i] : "";
    }
}
