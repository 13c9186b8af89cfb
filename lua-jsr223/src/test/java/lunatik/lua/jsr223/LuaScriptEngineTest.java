package lunatik.lua.jsr223;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.util.List;
import java.util.function.IntBinaryOperator;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.Invocable;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
import javax.script.SimpleScriptContext;
import org.junit.jupiter.api.Test;

class LuaScriptEngineTest {
    private final ScriptEngineManager manager = new ScriptEngineManager();
    private final ScriptEngine lua = manager.getEngineByName("lua");

    @Test
    void theManagerFindsTheEngineByNameExtensionAndMimeType() {
        assertThat(lua).isInstanceOf(LuaScriptEngine.class);
        assertThat(manager.getEngineByExtension("lua")).isInstanceOf(LuaScriptEngine.class);
        assertThat(manager.getEngineByMimeType("text/x-lua")).isInstanceOf(LuaScriptEngine.class);
        assertThat(lua.getFactory().getLanguageVersion()).isEqualTo("5.4");
        assertThat(lua.getFactory().getNames()).contains("lua", "lunatik");
        assertThat(lua.getFactory().getParameter(ScriptEngine.NAME)).isEqualTo("lua");
        assertThat(lua.getFactory().getOutputStatement("a \"b\"")).isEqualTo("print(\"a \\\"b\\\"\")");
    }

    @Test
    void evalReturnsTheFirstResultAsAJavaValue() throws Exception {
        assertThat(lua.eval("return 6 * 7")).isEqualTo(42L);
        assertThat(lua.eval("return 7 / 2")).isEqualTo(3.5);
        assertThat(lua.eval("return 'h\\u{e9}llo', 2")).isEqualTo("héllo");
        assertThat(lua.eval("return nil")).isNull();
        assertThat(lua.eval("x = 1")).isNull();
    }

    @Test
    void bindingsAreTheGlobals() throws Exception {
        lua.put("n", 20);
        lua.put("name", "Lua");
        lua.put("list", List.of(1, 2));
        assertThat(lua.eval("return n + 1")).isEqualTo(21L);
        assertThat(lua.eval("return math.type(n)")).isEqualTo("integer");
        assertThat(lua.eval("return #name")).isEqualTo(3L);
        assertThat(lua.eval("return type(list)")).isEqualTo("userdata");
        assertThat(lua.eval("return list")).isEqualTo(List.of(1, 2)); // the Java object comes back
        lua.eval("result = n * 2; greeting = 'hi ' .. name");
        Bindings b = lua.getBindings(ScriptContext.ENGINE_SCOPE);
        assertThat(b.get("result")).isEqualTo(40L);
        assertThat(b.get("greeting")).isEqualTo("hi Lua");
        assertThat(b).containsKey("string"); // the standard library is there too
        b.remove("result");
        assertThat(lua.eval("return result")).isNull();
    }

    @Test
    void otherBindingsAreCopiedInAndReadBack() throws Exception {
        Bindings mine = new SimpleBindings();
        mine.put("a", 5);
        mine.put("b", 0);
        assertThat(lua.eval("b = a * 3; return b", mine)).isEqualTo(15L);
        assertThat(mine.get("b")).isEqualTo(15L);
    }

    @Test
    void globalScopeBindingsAreSeenWhenTheGlobalIsNotSet() throws Exception {
        manager.put("shared", 7);
        assertThat(lua.eval("return shared")).isEqualTo(7L);
        lua.put("shared", 8);
        assertThat(lua.eval("return shared")).isEqualTo(8L);
    }

    @Test
    void printGoesToTheContextsWriterAndErrorsAreScriptExceptions() throws Exception {
        StringWriter out = new StringWriter();
        ScriptContext ctx = new SimpleScriptContext();
        ctx.setBindings(lua.createBindings(), ScriptContext.ENGINE_SCOPE);
        ctx.setWriter(out);
        lua.eval("print('one', 2) io.write('caf\\u{e9}\\n')", ctx);
        assertThat(out).hasToString("one\t2\ncafé\n");
        assertThatThrownBy(() -> lua.eval("local t = nil; return t.x"))
            .isInstanceOf(ScriptException.class)
            .hasMessageContaining("attempt to index a nil value (local 't')");
        assertThatThrownBy(() -> lua.eval("return +"))
            .isInstanceOf(ScriptException.class).hasMessageContaining("unexpected symbol");
        assertThatThrownBy(() -> lua.eval("error({code = 1})")).isInstanceOf(ScriptException.class);
    }

    @Test
    void compiledScriptsRunManyTimes() throws Exception {
        CompiledScript c = ((Compilable) lua).compile("count = (count or 0) + 1; return count * k");
        lua.put("k", 10);
        assertThat(c.eval()).isEqualTo(10L);
        assertThat(c.eval()).isEqualTo(20L);
        assertThat(c.getEngine()).isSameAs(lua);
    }

    public interface Calculator {
        int add(int a, int b);

        String describe();
    }

    @Test
    void invocableCallsFunctionsMethodsAndImplementsInterfaces() throws Exception {
        lua.eval("""
            function add(a, b) return a + b end
            function describe() return 'global calculator' end
            acc = {total = 0}
            function acc:add(n) self.total = self.total + n; return self.total end
            function acc:describe() return 'accumulator' end
            """);
        Invocable inv = (Invocable) lua;
        assertThat(inv.invokeFunction("add", 2, 3)).isEqualTo(5L);
        Object acc = lua.get("acc");
        assertThat(inv.invokeMethod(acc, "add", 4)).isEqualTo(4L);
        assertThat(inv.invokeMethod(acc, "add", 5)).isEqualTo(9L);
        assertThatThrownBy(() -> inv.invokeFunction("nope")).isInstanceOf(NoSuchMethodException.class);
        Calculator calc = inv.getInterface(Calculator.class);
        assertThat(calc.add(40, 2)).isEqualTo(42);
        assertThat(calc.describe()).isEqualTo("global calculator");
        IntBinaryOperator op = inv.getInterface(IntBinaryOperator.class); // no applyAsInt function
        assertThat(op).isNull();
    }

    /** The README's javax.script example, statement for statement. */
    @Test
    void theReadmeExample() throws Exception {
        ScriptEngine lua = new ScriptEngineManager().getEngineByName("lua");
        lua.put("n", 20);
        lua.eval("function twice(x) return 2 * x end; m = twice(n) + 2");
        Object m = lua.get("m");
        Object r = ((Invocable) lua).invokeFunction("twice", 21);
        CompiledScript c = ((Compilable) lua).compile("return n * n");
        assertThat(m).isEqualTo(42L);
        assertThat(r).isEqualTo(42L);
        assertThat(c.eval()).isEqualTo(400L);
    }

    @Test
    void coroutinesRunThroughTheEngine() throws Exception {
        Object r = lua.eval("""
            local gen = coroutine.wrap(function()
              for i = 1, 3 do coroutine.yield(i * i) end
            end)
            return gen() + gen() + gen()
            """);
        assertThat(r).isEqualTo(14L);
    }
}
