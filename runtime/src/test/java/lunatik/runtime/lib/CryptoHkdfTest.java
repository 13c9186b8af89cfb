package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** crypto.hkdf (lua/crypto/hkdf.lua): RFC 5869 and the QUIC initial keys (HKDF-Expand-Label). */
class CryptoHkdfTest extends CryptoLibTest {
    static final String EXPAND_LABEL = """
            local function expand_label(h, secret, label, context, length)
              local full = 'tls13 ' .. label
              local info = string.pack('>I2', length) .. string.char(#full) .. full .. string.char(#context) .. context
              return h:expand(secret, info, length)
            end
            """;

    @Test
    void rfc5869() {
        assertThat(eval("""
                local h = require('crypto.hkdf').new('sha256')
                local a1 = h:hkdf(unhex('000102030405060708090a0b0c'), unhex(string.rep('0b', 22)),
                  unhex('f0f1f2f3f4f5f6f7f8f9'), 42)
                assert(hex(a1) == '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865', hex(a1))
                local function range(a, b) local t = {} for i = a, b do t[#t + 1] = string.char(i) end return table.concat(t) end
                local a2 = h:hkdf(range(0x60, 0xaf), range(0x00, 0x4f), range(0xb0, 0xff), 82)
                assert(hex(a2) == 'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c'
                  .. '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87', hex(a2))
                local a3 = h:hkdf('', unhex(string.rep('0b', 22)), '', 42)
                assert(hex(a3) == '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8', hex(a3))
                -- the PRKs of A.1 and A.3
                assert(hex(h:extract(unhex('000102030405060708090a0b0c'), unhex(string.rep('0b', 22))))
                  == '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5')
                assert(hex(h:extract(nil, unhex(string.rep('0b', 22))))
                  == '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04')
                return #h
                """)).isEqualTo("32");
    }

    @Test
    void quicInitialKeys() {
        // https://quic.xargs.org (connection ID 0001020304050607)
        assertThat(eval(EXPAND_LABEL + """
                local h = require('crypto.hkdf').new('sha256')
                local init = h:extract(unhex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a'), unhex('0001020304050607'))
                assert(hex(init) == 'f016bb2dc9976dea2726c4e61e738a1e3680a2487591dc76b2aee2ed759822f6', hex(init))
                local csecret = expand_label(h, init, 'client in', '', 32)
                assert(hex(csecret) == '47c6a638d4968595cc20b7c8bc5fbfbfd02d7c17cc67fa548c043ecb547b0eaa', hex(csecret))
                assert(hex(expand_label(h, csecret, 'quic key', '', 16)) == 'b14b918124fda5c8d79847602fa3520b')
                return hex(expand_label(h, csecret, 'quic iv', '', 12))
                """)).isEqualTo("ddbc15dea80925a55686a7df");
        // RFC 9001 Appendix A.1 (connection ID 8394c8f03e515708)
        assertThat(eval(EXPAND_LABEL + """
                local h = require('crypto.hkdf').new('sha256')
                local init = h:extract(unhex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a'), unhex('8394c8f03e515708'))
                assert(hex(init) == '7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44', hex(init))
                local csecret = expand_label(h, init, 'client in', '', 32)
                assert(hex(csecret) == 'c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea', hex(csecret))
                assert(hex(expand_label(h, csecret, 'quic key', '', 16)) == '1f369613dd76d5467730efcbe3b1a22d')
                assert(hex(expand_label(h, csecret, 'quic hp', '', 16)) == '9f50449e04a0e810283a1e9933adedd2')
                return hex(expand_label(h, csecret, 'quic iv', '', 12))
                """)).isEqualTo("fa044b2f42a3fd3b46fb255c");
    }

    @Test
    void hmacAndOtherHashes() {
        assertThat(eval("""
                local hkdf = require('crypto.hkdf')
                local h = hkdf.new('sha256')
                assert(hex(h:hmac('key', 'The quick brown fox jumps over the lazy dog'))
                  == 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8')
                assert(h.salt == string.rep('\\0', 32))
                local s = hkdf.new('sha512')
                assert(#s == 64 and #s:hkdf(nil, 'ikm', nil, 100) == 100)
                -- expand: length up to 255 hash lengths, info defaults to ''
                assert(#h:expand(h:extract(nil, 'x'), nil, 255 * 32) == 255 * 32)
                assert(h:expand('prk', nil, 10) == h:expand('prk', '', 10))
                local ok, e = pcall(h.expand, h, 'prk', '', 255 * 32 + 1)
                assert(not ok and e:find('length too large'), e)
                return hex(h:expand('prk', 'info', 0))
                """)).isEmpty();
    }

    @Test
    void close() {
        assertThat(eval("""
                local hkdf = require('crypto.hkdf')
                local h = hkdf.new('sha256')
                local tfm = h.tfm
                h:close(); h:close()
                assert(h.tfm == nil)
                local e = err(tfm.digest, tfm, 'x')
                do local k <close> = hkdf.new('sha1'); tfm = k.tfm; assert(#k == 20) end
                assert(err(tfm.digest, tfm, 'x') == e)
                return e
                """)).isEqualTo("bad argument #1 to '?' (null-pointer dereference)");
        assertThat(eval("return err(require('crypto.hkdf').new, 'md4')"))
                .isEqualTo("Failed to allocate shash transform for hmac(md4) (err -2)");
    }

    @Test
    void gcClosesTheHmac() {
        assertThat(eval("""
                T = require('crypto.hkdf').new('sha256').tfm
                collectgarbage(); collectgarbage()
                return err(T.digestsize, T)
                """)).isEqualTo("bad argument #1 to '?' (null-pointer dereference)");
    }
}
