package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Everything mutable in the engine and its libraries hangs off a LuaState: no class of
 * lunatik.lua.* has a static field that is not final (many states share one JVM).
 */
class NoStaticStateTest {
    @Test
    void noMutableStaticFieldsInTheEngine() throws Exception {
        List<String> offenders = new ArrayList<>();
        for (String module : new String[] {"../lua-core/target/classes", "../lua-stdlib/target/classes"}) {
            Path root = Path.of(module);
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                    if (name.endsWith("package-info")) {
                        continue;
                    }
                    Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                    for (Field f : c.getDeclaredFields()) {
                        int m = f.getModifiers();
                        if (Modifier.isStatic(m) && !Modifier.isFinal(m) && !f.isSynthetic()) {
                            offenders.add(name + "." + f.getName());
                        }
                    }
                }
            }
        }
        assertThat(offenders).as("static fields that are not final").isEmpty();
    }
}
