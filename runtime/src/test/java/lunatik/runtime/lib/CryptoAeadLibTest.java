package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CryptoAeadLibTest extends CryptoLibTest {
    static final String VECTOR = "95be1ddc3dd13cdd2d8ffcc391561ade661d5b696ede5a918e";
    static final String WRAP = "local aead = require('crypto.aead'); local c = aead.new('gcm(aes)');"
            + " c:setkey('0123456789abcdef'); c:setauthsize(16); ";
    static final String C = "local c = require('crypto_aead').new('gcm(aes)'); c:setkey('0123456789abcdef'); ";

    @Test
    void wrapperVector() {
        assertThat(eval(WRAP + """
                assert(c:ivsize() == 12 and c:authsize() == 16)
                local ct, taglen = c:encrypt('abcdefghijkl', 'plaintext', '0123456789abcdef')
                assert(taglen == 16)
                assert(c:decrypt('abcdefghijkl', ct, '0123456789abcdef') == 'plaintext')
                return hex(ct)
                """)).isEqualTo(VECTOR);
    }

    @Test
    void wrapperTamperAndTruncate() {
        assertThat(eval(WRAP + """
                local ct = unhex('%s')
                local tampered = ct:sub(1, -2) .. string.char(ct:byte(-1) ~ 1)
                local e1 = err(c.decrypt, c, 'abcdefghijkl', tampered, '0123456789abcdef')
                local e2 = err(c.decrypt, c, 'abcdefghijkl', ct:sub(1, -2), '0123456789abcdef')
                local e3 = err(c.decrypt, c, 'abcdefghijkl', ct, 'wrong aad')
                assert(e1 == e2 and e2 == e3, e2)
                return e1
                """.formatted(VECTOR))).isEqualTo("crypto operation failed with error code 74");
    }

    @Test
    void wrapperErrors() {
        assertThat(run("local c = require('crypto.aead').new('gcm(aes)'); return err(c.setkey, c, 'short')")).isEqualTo(22L);
        assertThat(run(WRAP + "return err(c.setauthsize, c, 11)")).isEqualTo(22L);
        assertThat(eval(WRAP + "return err(c.encrypt, c, 'abcdefghijk', 'plaintext')"))
                .contains("incorrect IV length");
        assertThat(eval("return err(require('crypto.aead').new, 'ccm(aes)')"))
                .isEqualTo("Failed to allocate aead transform for ccm(aes) (err -2)");
    }

    @Test
    void wrapperDefaultsAndClose() {
        assertThat(eval("""
                local aead = require('crypto.aead')
                local c = aead.new('gcm(aes)'); c:setkey('0123456789abcdef')
                local ct, n = c:encrypt('abcdefghijkl', 'plaintext')
                assert(#ct == 9 + 16 and n == 16)
                assert(c:decrypt('abcdefghijkl', ct) == 'plaintext')
                assert(c:decrypt('abcdefghijkl', (c:encrypt('abcdefghijkl', ''))) == '')
                local tfm = c.tfm
                c:close(); c:close()
                assert(c.tfm == nil)
                local e = err(tfm.ivsize, tfm)
                do local d <close> = aead.new('gcm(aes)'); tfm = d.tfm end
                return e .. '|' .. err(tfm.ivsize, tfm)
                """)).isEqualTo("bad argument #1 to '?' (null-pointer dereference)|"
                        + "bad argument #1 to '?' (null-pointer dereference)");
    }

    @Test
    void shortTags() {
        // a GCM tag of n bytes is the first n bytes of the full tag
        assertThat(eval(WRAP + """
                local out = {}
                for _, n in ipairs{4, 8, 12, 13, 14, 15} do
                  c:setauthsize(n)
                  assert(c:authsize() == n)
                  local ct, taglen = c:encrypt('abcdefghijkl', 'plaintext', '0123456789abcdef')
                  assert(taglen == n and #ct == 9 + n)
                  assert(c:decrypt('abcdefghijkl', ct, '0123456789abcdef') == 'plaintext')
                  assert(err(c.decrypt, c, 'abcdefghijkl', ct:sub(1, -2) .. 'x', '0123456789abcdef')
                    == 'crypto operation failed with error code 74')
                  out[#out + 1] = hex(ct)
                end
                return table.concat(out, ' ')
                """)).isEqualTo(String.join(" ", VECTOR.substring(0, 26), VECTOR.substring(0, 34), VECTOR.substring(0, 42),
                        VECTOR.substring(0, 44), VECTOR.substring(0, 46), VECTOR.substring(0, 48)));
    }

    @Test
    void cLevelLayout() {
        assertThat(eval(C + """
                local out = c:encrypt('abcdefghijkl', '0123456789abcdefplaintext', 16)
                assert(out:sub(1, 16) == '0123456789abcdef')
                assert(c:decrypt('abcdefghijkl', out, 16) == '0123456789abcdefplaintext')
                return hex(out:sub(17))
                """)).isEqualTo(VECTOR);
    }

    @Test
    void cLevelErrors() {
        assertThat(eval(C + "return err(c.decrypt, c, 'abcdefghijkl', '0123456789abcdef0123', 16)"))
                .isEqualTo("bad argument #3 to '?' (input data (ciphertext+tag) too short for tag)");
        assertThat(eval(C + "return err(c.encrypt, c, 'abcdefghijkl', 'abc', 4)"))
                .isEqualTo("bad argument #4 to '?' (out of bounds)");
        assertThat(eval(C + "return err(c.encrypt, c, 'abcdefghijkl', 'abc', -1)"))
                .isEqualTo("bad argument #4 to '?' (out of bounds)");
        assertThat(eval(C + "return err(c.encrypt, c, 'abcdefghijklm', 'abc', 0)"))
                .isEqualTo("bad argument #2 to '?' (incorrect IV length)");
        assertThat(eval(C + "return err(c.setauthsize, c, 0)")).isEqualTo("bad argument #2 to '?' (out of bounds)");
        assertThat(eval(C + "return err(c.setauthsize, c, 1 << 32)")).isEqualTo("bad argument #2 to '?' (out of bounds)");
        assertThat(run(C + "return err(c.setauthsize, c, 17)")).isEqualTo(22L);
        assertThat(eval("local c = require('crypto_aead').new('gcm(aes)'); return err(c.encrypt, c, 'abcdefghijkl', 'x', 0)"))
                .isEqualTo("crypto operation failed with error code 126");
    }

    @Test
    void rfc4106() {
        // nonce = salt ‖ IV; the last 8 AAD bytes (the IV copy) are not authenticated
        assertThat(eval("""
                local aead = require('crypto_aead')
                local c = aead.new('rfc4106(gcm(aes))')
                assert(c:ivsize() == 8 and c:authsize() == 16)
                c:setkey('0123456789abcdefabcd')
                local spi = '01234567'
                local out = c:encrypt('efghijkl', spi .. 'efghijkl' .. 'plaintext', 16)
                local g = aead.new('gcm(aes)'); g:setkey('0123456789abcdef')
                local ref = g:encrypt('abcdefghijkl', spi .. 'plaintext', 8)
                assert(out:sub(17) == ref:sub(9), 'same as gcm(aes) with salt-prefixed nonce')
                assert(c:decrypt('efghijkl', out, 16) == spi .. 'efghijkl' .. 'plaintext')
                assert(err(c.encrypt, c, 'efghijkl', 'short aad', 9) == 'crypto operation failed with error code 22')
                assert(err(c.setkey, c, '0123456789abcdef') == 22)
                assert(err(c.setauthsize, c, 4) == 22)
                c:setauthsize(8)
                return #c:encrypt('efghijkl', spi .. 'efghijkl' .. 'plaintext', 16)
                """)).isEqualTo(String.valueOf(16 + 9 + 8));
    }

    @Test
    void chacha20Poly1305() {
        // RFC 7539 §2.8.2
        String text = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
                + " sunscreen would be it.";
        assertThat(eval("local c = require('crypto.aead').new('rfc7539(chacha20,poly1305)');"
                + " c:setkey(unhex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f'));"
                + " assert(c:ivsize() == 12 and c:authsize() == 16);"
                + " assert(err(c.setauthsize, c, 12) == 22);"
                + " local nonce, aad = unhex('070000004041424344454647'), unhex('50515253c0c1c2c3c4c5c6c7');"
                + " local ct = c:encrypt(nonce, \"" + text + "\", aad);"
                + " assert(c:decrypt(nonce, ct, aad) == \"" + text + "\");"
                + " assert(err(c.decrypt, c, nonce, ct, '') == 'crypto operation failed with error code 74');"
                + " return hex(ct:sub(-16))"))
                .isEqualTo("1ae10b594f09e26a7e902ecbd0600691");
    }

    @Test
    void wrapperGcClosesTheTransform() {
        assertThat(eval("""
                local aead = require('crypto.aead')
                T = aead.new('gcm(aes)').tfm
                collectgarbage(); collectgarbage()
                return err(T.ivsize, T)
                """)).isEqualTo("bad argument #1 to '?' (null-pointer dereference)");
    }
}
