package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CryptoRngLibTest extends CryptoLibTest {
    static final String R = "local rng = require('crypto.rng'); local r = rng.new('stdrng'); ";

    @Test
    void generateAndGetbytes() {
        assertThat(eval(R + """
                assert(#r:generate(32) == 32)
                assert(#r:generate(1) == 1)
                assert(#r:generate(16, 'additional input') == 16)
                assert(#r:getbytes(16) == 16 and #r:getbytes(32) == 32)
                local a, b = r:getbytes(32), r:getbytes(32)
                assert(a ~= b, 'consecutive outputs differ')
                assert(r:generate(32) ~= r:generate(32))
                return #r:generate(100000)
                """)).isEqualTo("100000");
    }

    @Test
    void bounds() {
        assertThat(eval(R + "return err(r.generate, r, 0)")).isEqualTo("bad argument #2 to '?' (out of bounds)");
        assertThat(eval(R + "return err(r.getbytes, r, 0)")).isEqualTo("bad argument #2 to '?' (out of bounds)");
        assertThat(eval(R + "return err(r.getbytes, r, -5)")).isEqualTo("bad argument #2 to '?' (out of bounds)");
        assertThat(eval(R + "return err(r.generate, r, 1 << 32)")).isEqualTo("bad argument #2 to '?' (out of bounds)");
        assertThat(eval(R + "return err(r.generate, r)")).isEqualTo("bad argument #2 to '?' (number expected, got no value)");
        assertThat(eval(R + "return err(r.generate, r, 4, {})")).isEqualTo("bad argument #3 to '?' (string expected, got table)");
    }

    @Test
    void reset() {
        assertThat(eval(R + """
                r:reset()
                r:reset('a seed')
                r:reset(42)
                return #r:getbytes(8)
                """)).isEqualTo("8");
    }

    @Test
    void info() {
        assertThat(eval(R + """
                local i = r:info()
                assert(type(i.driver_name) == 'string' and type(i.seedsize) == 'number')
                return i.driver_name .. ' ' .. i.seedsize
                """)).isEqualTo("drbg_nopr_hmac_sha256 0");
        assertThat(eval("return require('crypto_rng').new('drbg_pr_hmac_sha256'):info().driver_name"))
                .isEqualTo("drbg_pr_hmac_sha256");
        assertThat(eval("local r = require('crypto_rng').new('drbg_pr_sha256'); r:reset('s'); return #r:generate(8, 'x')"))
                .isEqualTo("8");
    }

    @Test
    void constructorErrors() {
        assertThat(eval("return err(require('crypto.rng').new, 'jitterentropy_rng')"))
                .isEqualTo("Failed to allocate rng transform for jitterentropy_rng (err -2)");
        // the name is required (spec §8.2.4 [doc≠code])
        assertThat(eval("local rng = require('crypto.rng'); local ok, e = pcall(function() return rng.new() end); return e"))
                .isEqualTo("test:1: bad argument #1 to 'new' (string expected, got no value)");
    }

    @Test
    void close() {
        assertThat(eval(R + "r:__close(); return err(r.getbytes, r, 1)"))
                .isEqualTo("bad argument #1 to '?' (null-pointer dereference)");
    }
}
