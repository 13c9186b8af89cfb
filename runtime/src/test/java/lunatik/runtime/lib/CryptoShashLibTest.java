package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.Objects;
import org.junit.jupiter.api.Test;

class CryptoShashLibTest extends CryptoLibTest {
    static final String FOX = "The quick brown fox jumps over the lazy dog";
    static final String SHA256_FOX = "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592";
    static final String HMAC_FOX = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";

    @Test
    void digestSizes() {
        assertThat(eval("local s = require('crypto.shash'); return s.new('sha256'):digestsize()")).isEqualTo("32");
        assertThat(eval("local s = require('crypto_shash'); return s.new('hmac(sha256)'):digestsize()")).isEqualTo("32");
        assertThat(eval("local s = require('crypto.shash'); return s.new('md5'):digestsize() .. s.new('sha1'):digestsize()"
                + " .. s.new('sha512'):digestsize() .. s.new('sha3-256'):digestsize()")).isEqualTo("16206432");
    }

    @Test
    void oneShotVectors() {
        assertThat(eval("local h = require('crypto.shash').new('sha256'); return hex(h:digest('" + FOX + "'))"))
                .isEqualTo(SHA256_FOX);
        assertThat(eval("local h = require('crypto.shash').new('hmac(sha256)'); h:setkey('key');"
                + " return hex(h:digest('" + FOX + "'))")).isEqualTo(HMAC_FOX);
        assertThat(eval("return hex(require('crypto.shash').new('md5'):digest(''))"))
                .isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(eval("return hex(require('crypto.shash').new('sha1'):digest('abc'))"))
                .isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        assertThat(eval("return hex(require('crypto.shash').new('sha512'):digest('abc'))"))
                .isEqualTo("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                        + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
        // RFC 4231 test case 2 (HMAC-SHA-512), and HMAC with an empty key
        assertThat(eval("local h = require('crypto.shash').new('hmac(sha512)'); h:setkey('Jefe');"
                + " return hex(h:digest('what do ya want for nothing?'))"))
                .isEqualTo("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                        + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
        assertThat(eval("local h = require('crypto.shash').new('hmac(sha256)'); h:setkey('');"
                + " return hex(h:digest(''))"))
                .isEqualTo("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    }

    @Test
    void multiPart() {
        assertThat(eval("local h = require('crypto.shash').new('sha256'); h:init(); h:update('The quick ');"
                + " h:update('brown fox '); h:update('jumps over the lazy dog'); return hex(h:final())"))
                .isEqualTo(SHA256_FOX);
        assertThat(eval("local h = require('crypto.shash').new('sha256'); h:init(); h:update('The quick brown fox ');"
                + " return hex(h:finup('jumps over the lazy dog'))")).isEqualTo(SHA256_FOX);
        assertThat(eval("local h = require('crypto.shash').new('hmac(sha256)'); h:setkey('key'); h:init();"
                + " h:update('The quick brown '); return hex(h:finup('fox jumps over the lazy dog'))")).isEqualTo(HMAC_FOX);
    }

    @Test
    void exportImport() {
        assertThat(eval("""
                local shash = require('crypto.shash')
                local a = shash.new('sha256')
                a:init(); a:update('The quick brown fox ')
                local state = a:export()
                assert(#state == 104, #state)
                local b = shash.new('sha256')
                b:import(state)
                b:update('jumps over the lazy dog')
                local r1 = hex(b:final())
                -- final after export: the digest of the data so far
                assert(a:final() == shash.new('sha256'):digest('The quick brown fox '))
                -- a state can be imported again, into the object that exported it too
                a:import(state); a:update('jumps over the lazy dog')
                assert(hex(a:final()) == r1)
                return r1
                """)).isEqualTo(SHA256_FOX);
        assertThat(eval("""
                local shash = require('crypto.shash')
                local a = shash.new('hmac(sha256)'); a:setkey('key'); a:init(); a:update('The quick brown fox ')
                local b = shash.new('hmac(sha256)'); b:setkey('other')
                b:import(a:export()); b:update('jumps over the lazy dog')
                return hex(b:final())
                """)).isEqualTo(HMAC_FOX);
    }

    @Test
    void importErrors() {
        assertThat(eval("local h = require('crypto.shash').new('sha256'); return err(h.import, h, 'short')"))
                .isEqualTo("bad argument #2 to '?' (incorrect state length for import)");
        assertThat(run("local h = require('crypto.shash').new('sha256'); return err(h.import, h, string.rep('x', 104))"))
                .isEqualTo(22L);
        // a state of another algorithm with the same size
        assertThat(run("local s = require('crypto.shash'); local a = s.new('sha224'); a:init()"
                + " local b = s.new('sha256'); return err(b.import, b, a:export())")).isEqualTo(22L);
    }

    @Test
    void kernelErrorsAreErrnos() {
        // setkey on an unkeyed hash: ENOSYS; an HMAC without key: ENOKEY
        assertThat(run("local h = require('crypto.shash').new('sha256'); return err(h.setkey, h, 'k')")).isEqualTo(38L);
        for (String m : new String[] {"digest, h, 'x'", "init, h", "update, h, 'x'", "final, h", "finup, h, 'x'", "export, h"}) {
            assertThat(run("local h = require('crypto.shash').new('hmac(sha1)'); return err(h." + m + ")"))
                    .as(m).isEqualTo(126L);
        }
    }

    @Test
    void argumentErrors() {
        assertThat(eval("local h = require('crypto.shash').new('sha256'); return err(h.digest, h)"))
                .isEqualTo("bad argument #2 to '?' (string expected, got no value)");
        assertThat(eval("local h = require('crypto.shash').new('sha256'); return err(h.update, h, {})"))
                .isEqualTo("bad argument #2 to '?' (string expected, got table)");
        assertThat(eval("local h = require('crypto.shash').new('sha256'); return err(h.digest, 1, 'x')"))
                .isEqualTo("bad argument #1 to '?' (crypto_shash expected, got number)");
        assertThat(eval("local shash = require('crypto.shash'); local ok, e = pcall(function() return shash.new() end);"
                + " return e")).isEqualTo("test:1: bad argument #1 to 'new' (string expected, got no value)");
        // numbers are strings to luaL_checklstring
        assertThat(eval("return hex(require('crypto.shash').new('md5'):digest(1))"))
                .isEqualTo("c4ca4238a0b923820dcc509a6f75849b");
    }

    @Test
    void unknownAlgorithm() {
        assertThat(eval("return err(require('crypto.shash').new, 'sha257')"))
                .isEqualTo("Failed to allocate shash transform for sha257 (err -2)");
        assertThat(eval("return err(require('crypto.shash').new, 'cbc(aes)')"))
                .isEqualTo("Failed to allocate shash transform for cbc(aes) (err -2)");
        assertThat(eval("return err(require('crypto.shash').new, 'hmac(hmac(sha256))')"))
                .isEqualTo("Failed to allocate shash transform for hmac(hmac(sha256)) (err -2)");
    }

    @Test
    void closeReleasesNow() {
        assertThat(eval("""
                local shash = require('crypto.shash')
                local h = shash.new('sha256')
                h:__close()
                local e1 = err(h.digest, h, 'x')
                local e2 = err(h.__close, h)
                do local c <close> = shash.new('sha1'); c:digest('x'); h = c end
                return e1 .. '|' .. e2 .. '|' .. err(h.digestsize, h)
                """)).isEqualTo("bad argument #1 to '?' (null-pointer dereference)|"
                        + "bad argument #1 to '__close' (null-pointer dereference)|"
                        + "bad argument #1 to '?' (null-pointer dereference)");
    }

    @Test
    void unknownMethodIsNil() {
        assertThat(eval("return tostring(require('crypto.shash').new('sha256').nosuch)")).isEqualTo("nil");
    }

    @Test
    void refusedInNonSleepableRuntime() {
        LuaState N = newState(false);
        Object e = N.call(N.load("return err(require('crypto.shash').new, 'sha256')", "=t"));
        assertThat(Ops.tostring(N, e).toString()).isEqualTo("cannot use 'crypto_shash' class on non-sleepable runtime");
    }

    @Test
    void sharedBetweenRuntimesOnTwoThreads() throws Exception {
        Object u = run("H = require('crypto.shash').new('hmac(sha256)'); H:setkey('key'); return H");
        LunatikObject o = Objects.toObject(u);
        LuaState other = newState(true);
        other.globals.put(Ops.str("H"), Objects.share(other, o));
        String loop = """
                for i = 1, 300 do
                  assert(hex(H:digest('%s')) == '%s')
                  H:init(); H:update('The quick brown '); H:update('fox jumps over the lazy dog')
                end
                """.formatted(FOX, HMAC_FOX);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                other.call(other.load(loop, "=other"));
            } catch (Throwable x) {
                failure.set(x);
            }
        });
        t.start();
        run(loop);
        t.join();
        assertThat(failure.get()).isNull();
        assertThat(o.references()).isEqualTo(2);
    }

    @Test
    void crc() {
        // check values of "123456789": CRC-32C 0xe3069283; CRC-32 0xcbf43926, which the kernel's
        // crc32 reports uninverted (0x340bc6d9); both little-endian
        assertThat(eval("""
                local shash = require('crypto.shash')
                local c = shash.new('crc32c')
                assert(c:digestsize() == 4)
                assert(hex(c:digest('123456789')) == '839206e3')
                c:init(); c:update('1234'); local st = c:export(); assert(#st == 4)
                local d = shash.new('crc32c'); d:import(st)
                assert(hex(d:finup('56789')) == '839206e3')
                local k = shash.new('crc32')
                assert(hex(k:digest('123456789')) == 'd9c60b34')
                -- the key is the seed: seeding with the state after '1234' continues from there
                d:setkey(st); assert(hex(d:digest('56789')) == '839206e3')
                assert(err(k.setkey, k, 'abc') == 22)
                return hex(k:digest(''))
                """)).isEqualTo("ffffffff");
    }
}
