package lunatik.lua.interp;

import lunatik.lua.parse.Ast;
import lunatik.lua.parse.Parser;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaState;

/** Turns Lua source into an executable function: parse, resolve, build interpreter nodes. */
public final class Compiler {
    private Compiler() {
    }

    /** Compiles a chunk; its single upvalue {@code _ENV} is set to {@code env}. */
    public static LuaFunction load(LuaState L, byte[] source, String chunkName, Object env) {
        Ast.Function main = Parser.parse(source, chunkName, L.dialect == Dialect.KERNEL);
        Proto p = TreeCompiler.compile(main);
        return new Closure(L, p, new Cell[] {new Cell(env)});
    }
}
