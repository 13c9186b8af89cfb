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
    final String calleeName;
    final boolean isMethod;

    Site(int line, String[] desc, String calleeName, boolean isMethod) {
        this.line = line;
        this.desc = desc;
        this.calleeName = calleeName;
        this.isMethod = isMethod;
    }

    @Override
    public String describe(int i) {
        return desc != null && i < desc.length && desc[i] != null ? desc[i] : "";
    }
}
