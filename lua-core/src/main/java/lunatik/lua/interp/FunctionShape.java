package lunatik.lua.interp;

import lunatik.lua.parse.Ast;

/**
 * What the debug library and tracebacks see of a Lua function, whichever back-end runs it:
 * its name, where it is defined (the short source, and the chunk name as given to load), its
 * parameters and its upvalues' names; and for {@code string.dump}, the text of its chunk, its
 * number in it, and whether it was rebuilt without debug information (then it has no line,
 * parameter or upvalue names); the lines that have code (activelines).
 */
public record FunctionShape(String name, String source, int line, int lastLine, String[] paramNames,
        boolean isVararg, String[] upNames, String chunkName, byte[] chunkText, int index, boolean stripped, int[] activeLines) {

    /** The shape of the parsed function {@code fn}. */
    public static FunctionShape of(Ast.Function fn) {
        String[] params = new String[fn.params.size()];
        for (int i = 0; i < params.length; i++) {
            params[i] = fn.stripped ? null : fn.params.get(i).name;
        }
        String[] ups = new String[fn.upvalues.size()];
        for (int i = 0; i < ups.length; i++) {
            ups[i] = fn.stripped ? "(no name)" : fn.upvalues.get(i).name();
        }
        return new FunctionShape(fn.name, fn.source, fn.line, fn.lastLine, params, fn.isVararg, ups, fn.chunkName,
            fn.chunkText, fn.index, fn.stripped, lunatik.lua.parse.Lines.active(fn, "main chunk".equals(fn.name)));
    }

    public int numParams() {
        return paramNames.length;
    }

    /** Whether this is a chunk's main function. */
    public boolean isMainChunk() {
        return "main chunk".equals(name);
    }

    /** How a traceback names the function: "main chunk" or "function <source:line>". */
    public String describe() {
        return isMainChunk() ? "main chunk" : "function <" + source + ":" + line + ">";
    }
}
