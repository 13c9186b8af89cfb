package lunatik.runtime.lib;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;

/**
 * {@code crypto_aead} (spec §8.2.3, the C level; scripts normally use the Lua wrapper
 * {@code crypto.aead}): authenticated encryption by kernel name, on the JDK's {@link Cipher}:
 * <ul>
 *   <li>{@code gcm(aes)}: 12-byte IV, tags of 4, 8 and 12 to 16 bytes as the kernel accepts;</li>
 *   <li>{@code rfc4106(gcm(aes))}: key = AES key + 4-byte salt, 8-byte IV, tags of 8, 12 or 16
 *       bytes; as in IPsec, the AAD length must be 16 or 20 and its last 8 bytes (a copy of the
 *       IV) are not authenticated;</li>
 *   <li>{@code rfc7539(chacha20,poly1305)}: 12-byte IV, 16-byte tag only.</li>
 * </ul>
 * The JDK's GCM only makes tags of 12 to 16 bytes; shorter tags are the leading bytes of the
 * full tag (NIST SP 800-38D), so GCM always computes the full tag: encryption truncates it, and
 * decryption recovers the plaintext with the GCM keystream (AES-CTR from counter 2) and then
 * compares the recomputed tag in constant time.
 *
 * <p>Data layout (as the kernel's): {@code encrypt(iv, AAD‖plain, #AAD)} returns
 * {@code AAD‖cipher‖tag}; {@code decrypt(iv, AAD‖cipher‖tag, #AAD)} returns {@code AAD‖plain}.
 */
public final class CryptoAeadLib {
    private CryptoAeadLib() {
    }

    /** The class of AEAD objects. */
    public static final ObjectClass CLASS = CryptoSupport.newClass("crypto_aead", b -> b
            .method("setkey", CryptoAeadLib::setkey)
            .method("setauthsize", CryptoAeadLib::setauthsize)
            .method("ivsize", (self, a) -> (long) aead(self).alg.ivSize)
            .method("authsize", (self, a) -> (long) aead(self).authSize)
            .method("encrypt", (self, a) -> crypt(self, a, true))
            .method("decrypt", (self, a) -> crypt(self, a, false)),
            p -> ((Aead) p).wipe());

    /** The AEAD families. */
    enum Kind { GCM, RFC4106, CHACHAPOLY }

    /** An AEAD: kernel name, family, IV size, accepted key lengths and tag sizes. */
    record Alg(String name, Kind kind, int ivSize, Set<Integer> keySizes, Set<Integer> authSizes) {
        int maxAuth() {
            return 16;
        }
    }

    private static final Map<String, Alg> ALGS = algs();

    private static Map<String, Alg> algs() {
        Map<String, Alg> m = new LinkedHashMap<>();
        m.put("gcm(aes)", new Alg("gcm(aes)", Kind.GCM, 12, Set.of(16, 24, 32),
                Set.of(4, 8, 12, 13, 14, 15, 16)));
        m.put("rfc4106(gcm(aes))", new Alg("rfc4106(gcm(aes))", Kind.RFC4106, 8, Set.of(20, 28, 36),
                Set.of(8, 12, 16)));
        m.put("rfc7539(chacha20,poly1305)", new Alg("rfc7539(chacha20,poly1305)", Kind.CHACHAPOLY, 12,
                Set.of(32), Set.of(16)));
        return Map.copyOf(m);
    }

    /** Opens the module (require "crypto_aead"). */
    /*lua @module crypto_aead
     * Authenticated encryption by kernel name, the C-level module (scripts normally use the Lua
     * wrapper `crypto.aead`), on the JDK's Cipher: gcm(aes) (12-byte IV, tags of 4, 8, 12 to 16
     * bytes), rfc4106(gcm(aes)) (key = AES key + 4-byte salt, 8-byte IV, tags of 8, 12 or 16; the
     * AAD is 16 or 20 bytes and its last 8, a copy of the IV, are not authenticated),
     * rfc7539(chacha20,poly1305) (12-byte IV, 16-byte tag). Data layout as the kernel's:
     * `encrypt(iv, AAD..plain, #AAD)` returns `AAD..cipher..tag`, `decrypt(iv, AAD..cipher..tag,
     * #AAD)` returns `AAD..plain`. Objects are monitored and close with `<close>`.
     * @differs GCM tags shorter than 12 bytes are the leading bytes of the full tag (the JDK makes
     * 12 to 16), compared in constant time.
     */
    /*lua crypto_aead.new(algorithm)
     * Makes an AEAD object (tag size: the algorithm's largest).
     * @param algorithm string: a kernel name (above)
     * @return a crypto_aead object
     * @raise "Failed to allocate aead transform for <algorithm> (err -2)" for an unknown name
     */
    /*lua crypto_aead:setkey(key)
     * Sets the key.
     * @param key string: of a size the algorithm takes
     * @raise 22 (EINVAL) for another length
     */
    /*lua crypto_aead:setauthsize(size)
     * Sets the tag size.
     * @param size integer: bytes
     * @raise 22 (EINVAL) for a size the algorithm does not take; "bad argument #2 to
     *   'setauthsize' (out of bounds)" outside [1, 2^32-1]
     */
    /*lua crypto_aead:ivsize()
     * @return integer: the IV's size in bytes
     */
    /*lua crypto_aead:authsize()
     * @return integer: the tag's size in bytes
     */
    /*lua crypto_aead:encrypt(iv, data, aadlen)
     * Encrypts and authenticates.
     * @param iv string: of `ivsize()` bytes
     * @param data string: the AAD then the plaintext
     * @param aadlen integer: the AAD's length, 0 to #data
     * @return string: the AAD, the ciphertext and the tag
     * @raise "bad argument #2 to 'encrypt' (incorrect IV length)"; "bad argument #4 ... (out of
     *   bounds)"; "crypto operation failed with error code 126" without a key, "... 22" for bad input
     */
    /*lua crypto_aead:decrypt(iv, data, aadlen)
     * Checks and decrypts.
     * @param iv string: of `ivsize()` bytes
     * @param data string: the AAD, the ciphertext and the tag
     * @param aadlen integer: the AAD's length
     * @return string: the AAD then the plaintext
     * @raise "crypto operation failed with error code 74" (EBADMSG) when the tag does not match;
     *   "bad argument #3 to 'decrypt' (input data (ciphertext+tag) too short for tag)"; as `encrypt`
     */
    public static Object open(LuaState L) {
        return CryptoSupport.library(L, "crypto_aead", "aead", CLASS, name -> {
            Alg alg = ALGS.get(name);
            return alg == null ? null : new Aead(alg);
        });
    }

    private static Aead aead(LunatikObject self) {
        return self.payload(Aead.class);
    }

    private static Object setkey(LunatikObject self, Args a) {
        Aead x = aead(self);
        byte[] key = a.checkString(2).bytes();
        if (!x.alg.keySizes.contains(key.length)) {
            throw CryptoSupport.errno(CryptoSupport.EINVAL);
        }
        CryptoSupport.wipe(x.key);
        x.key = key.clone();
        return Varargs.NONE;
    }

    private static Object setauthsize(LunatikObject self, Args a) {
        Aead x = aead(self);
        long n = CryptoSupport.checkInteger(a, 2, 1, CryptoSupport.UINT_MAX);
        if (!x.alg.authSizes.contains((int) Math.min(n, Integer.MAX_VALUE))) {
            throw CryptoSupport.errno(CryptoSupport.EINVAL);
        }
        x.authSize = (int) n;
        return Varargs.NONE;
    }

    private static Object crypt(LunatikObject self, Args a, boolean encrypt) {
        Aead x = aead(self);
        LuaString iv = a.checkString(2);
        if (iv.length() != x.alg.ivSize) {
            throw a.argError(2, "incorrect IV length");
        }
        byte[] data = a.checkString(3).bytes();
        int aadLen = (int) CryptoSupport.checkInteger(a, 4, 0, data.length);
        int cryptLen = data.length - aadLen;
        if (!encrypt && cryptLen < x.authSize) {
            throw a.argError(3, "input data (ciphertext+tag) too short for tag");
        }
        if (x.key == null) {
            throw failed(CryptoSupport.ENOKEY);
        }
        byte[] aad = Arrays.copyOfRange(data, 0, aadLen);
        byte[] body = Arrays.copyOfRange(data, aadLen, data.length);
        byte[] out;
        try {
            out = switch (x.alg.kind) {
                case GCM -> gcm(x.key, iv.bytes(), aad, body, x.authSize, encrypt);
                case RFC4106 -> rfc4106(x, iv.bytes(), aad, body, encrypt);
                case CHACHAPOLY -> chachaPoly(x.key, iv.bytes(), aad, body, encrypt);
            };
        } catch (AEADBadTagException e) {
            throw failed(CryptoSupport.EBADMSG);
        } catch (GeneralSecurityException | IllegalStateException e) {
            throw failed(CryptoSupport.EINVAL);
        }
        byte[] r = Arrays.copyOf(data, aadLen + out.length);
        System.arraycopy(out, 0, r, aadLen, out.length);
        return LuaString.wrap(r);
    }

    private static LuaError failed(long errno) {
        return CryptoSupport.plain("crypto operation failed with error code " + errno);
    }

    /**
     * GCM with a tag of {@code tagLen} bytes: encrypting returns cipher‖tag, decrypting takes
     * cipher‖tag and returns the plaintext (or throws AEADBadTagException).
     */
    static byte[] gcm(byte[] key, byte[] nonce, byte[] aad, byte[] in, int tagLen, boolean encrypt)
            throws GeneralSecurityException {
        SecretKeySpec k = new SecretKeySpec(key, "AES");
        if (encrypt) {
            byte[] full = gcmSeal(k, nonce, aad, in);
            return Arrays.copyOf(full, in.length + tagLen);
        }
        int n = in.length - tagLen;
        byte[] cipher = Arrays.copyOf(in, n);
        // the GCM keystream for a 96-bit nonce starts at counter block nonce‖00000002
        byte[] ctr = Arrays.copyOf(nonce, 16);
        ctr[15] = 2;
        Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
        c.init(Cipher.DECRYPT_MODE, k, new IvParameterSpec(ctr));
        byte[] plain = c.doFinal(cipher);
        byte[] full = gcmSeal(k, nonce, aad, plain);
        byte[] expected = Arrays.copyOfRange(full, n, n + tagLen);
        byte[] given = Arrays.copyOfRange(in, n, in.length);
        if (!MessageDigest.isEqual(expected, given)) {
            Arrays.fill(plain, (byte) 0);
            throw new AEADBadTagException();
        }
        return plain;
    }

    private static byte[] gcmSeal(SecretKeySpec k, byte[] nonce, byte[] aad, byte[] plain)
            throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, nonce));
        c.updateAAD(aad);
        return c.doFinal(plain);
    }

    /** RFC 4106: nonce = salt‖IV; AAD of 16 or 20 bytes whose last 8 (the IV) are skipped. */
    private static byte[] rfc4106(Aead x, byte[] iv, byte[] aad, byte[] in, boolean encrypt)
            throws GeneralSecurityException {
        if (aad.length != 16 && aad.length != 20) {
            throw new java.security.InvalidAlgorithmParameterException("assoclen");
        }
        int keyLen = x.key.length - 4;
        byte[] nonce = new byte[12];
        System.arraycopy(x.key, keyLen, nonce, 0, 4);
        System.arraycopy(iv, 0, nonce, 4, 8);
        return gcm(Arrays.copyOf(x.key, keyLen), nonce, Arrays.copyOf(aad, aad.length - 8), in,
                x.authSize, encrypt);
    }

    private static byte[] chachaPoly(byte[] key, byte[] nonce, byte[] aad, byte[] in, boolean encrypt)
            throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"),
                new IvParameterSpec(nonce));
        c.updateAAD(aad);
        return c.doFinal(in);
    }

    /** The payload: algorithm, key (null until setkey) and current tag size. */
    static final class Aead {
        final Alg alg;
        byte[] key;
        int authSize;

        Aead(Alg alg) {
            this.alg = alg;
            this.authSize = alg.maxAuth();
        }

        void wipe() {
            CryptoSupport.wipe(key);
            key = null;
        }
    }
}
