package lunatik.lua.jit;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.vm.CallFrame;

/** The call-stack frame of a compiled function: which site it is at (for lines and names). */
public final class CFrame extends CallFrame {
    final CompiledFunction fn;
    /** Index of the current site in the function's {@link FnInfo#sites}, -1 at entry. */
    public int pc = -1;

    public CFrame(CompiledFunction fn) {
        this.fn = fn;
    }

    @Override
    public LuaFunction function() {
        return fn;
    }

    @Override
    public int currentLine() {
        int p = pc;
        return p < 0 ? fn.info.shape.line() : fn.info.sites[p].line;
    }

    @Override
    public String shortSource() {
        return fn.info.shape.source();
    }

    @Override
    public boolean isLua() {
        return true;
    }

    @Override
    public String callsiteName() {
        int p = pc;
        return p < 0 ? null : fn.info.sites[p].calleeName;
    }

    @Override
    public boolean callsiteIsMethod() {
        int p = pc;
        return p >= 0 && fn.info.sites[p].isMethod;
    }

    @Override
    public String describe() {
        return fn.info.shape.describe();
    }

    Site site(int i) {
        return fn.info.sites[i];
    }
}
