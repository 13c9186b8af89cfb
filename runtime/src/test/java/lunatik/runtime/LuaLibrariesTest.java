package lunatik.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Lua libraries that ship in lua/ (net, util, mailbox, lunatik.runner), run in runtimes. */
class LuaLibrariesTest {
    /** The checkout's lua/ tree (tests run in the runtime module's folder). */
    static final Path LIBRARIES = Path.of("../lua").toAbsolutePath().normalize();

    @TempDir
    Path root;
    final List<String> log = new CopyOnWriteArrayList<>();

    Host host() {
        Host h = new Host(root, log::add);
        h.setLibraryPath(LIBRARIES);
        return h;
    }

    Object run(String src) throws Exception {
        Files.writeString(root.resolve("t.lua"), "return function()\n" + src + "\nend");
        Runtime rt = host().runtime("t", true);
        try {
            return rt.run(L -> L.call(rt.entry()));
        } finally {
            rt.stop();
        }
    }

    @Test
    void netConvertsAddresses() throws Exception {
        run("""
            local net = require("net")
            print(net.aton("127.0.0.1"), net.aton("10.1.2.3"), net.aton("1-2-3-260"))
            print(net.ntoa(2130706433), net.ntoa(0x1ffffffff))
            print(pcall(net.aton, "1.2.3.4.5"))
            """);
        assertThat(log.get(0)).isEqualTo("2130706433\t167838211\t16909060");
        assertThat(log.get(1)).isEqualTo("127.0.0.1\t255.255.255.255");
        assertThat(log.get(2)).startsWith("false\t").contains("net.lua:").contains("invalid IPv4 address");
    }

    @Test
    void utilConvertsHexAndLogsTests() throws Exception {
        run("""
            local util = require("util")
            print(util.bin2hex("\\0\\1\\255AZ"), util.hex2bin("41ff00") == "A\\255\\0")
            util.log("pass", "name", "extra")
            util.test("good", function() end)
            util.test("bad", function() error("nope") end)
            """);
        assertThat(log.get(0)).isEqualTo("0001ff415a\ttrue");
        assertThat(log.get(1)).isEqualTo("PASS\tname\textra");
        assertThat(log.get(2)).isEqualTo("PASS\tgood");
        assertThat(log.get(3)).startsWith("FAIL\tbad\t").contains("nope");
    }

    @Test
    void cryptoModulesByTheirDottedNamesAndTheLuaWrappers() throws Exception {
        run("""
            local shash = require("crypto.shash")
            local util = require("util")
            local h = shash.new("sha256")
            print(util.bin2hex(h:digest("abc")))
            local aead = require("crypto.aead")
            local hkdf = require("crypto.hkdf")
            print(type(aead), type(hkdf), package.loaded["crypto.aead"] ~= package.loaded["crypto_aead"])
            """);
        assertThat(log.get(0)).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(log.get(1)).isEqualTo("table\ttable\ttrue");
    }
}
