package lunatik.runtime.lib;

import java.security.DrbgParameters;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;

/**
 * {@code crypto_rng} (spec §8.2.4): the kernel's deterministic random bit generators, on the
 * JDK's DRBG ({@link SecureRandom} "DRBG", NIST SP 800-90A, seeded from the system's entropy).
 * Names: {@code stdrng} (the kernel's default, {@code drbg_nopr_hmac_sha256}) and the kernel's
 * {@code drbg_nopr_*} / {@code drbg_pr_*} names (with or without prediction resistance); the
 * mechanism itself is the JDK's configured one.
 *
 * <p>A seed given to {@code generate} is the DRBG's additional input; {@code reset(seed)}
 * reseeds with the seed mixed in. As in Lunatik 3.7, {@code reset()} without a seed reseeds with
 * the string "nil" (the argument is read with tostring semantics, spec §13 quirk 9).
 */
public final class CryptoRngLib {
    private CryptoRngLib() {
    }

    /** The class of RNG objects. */
    public static final ObjectClass CLASS = CryptoSupport.newClass("crypto_rng", b -> b
            .method("generate", CryptoRngLib::generate)
            .method("getbytes", (self, a) -> {
                Rng r = rng(self);
                int n = size(a);
                return LuaString.wrap(r.generate(n, null));
            })
            .method("reset", CryptoRngLib::reset)
            .method("info", (self, a) -> {
                Rng r = rng(self);
                LuaTable t = new LuaTable();
                t.put(Ops.str("driver_name"), Ops.str(r.driver));
                t.put(Ops.str("seedsize"), 0L);
                return t;
            }),
            p -> { });

    private static final Map<String, Boolean> DRIVERS = Map.of(
            "drbg_nopr_hmac_sha256", false, "drbg_pr_hmac_sha256", true,
            "drbg_nopr_hmac_sha384", false, "drbg_pr_hmac_sha384", true,
            "drbg_nopr_hmac_sha512", false, "drbg_pr_hmac_sha512", true,
            "drbg_nopr_sha256", false, "drbg_pr_sha256", true,
            "drbg_nopr_ctr_aes256", false, "drbg_pr_ctr_aes256", true);

    /** Opens the module (require "crypto_rng" / "crypto.rng"). */
    /*lua @module crypto_rng
     * The kernel's deterministic random bit generators (`require("crypto.rng")` gives the same
     * module), on the JDK's DRBG (NIST SP 800-90A, seeded from the system's entropy): `stdrng` (the
     * kernel's default, drbg_nopr_hmac_sha256) and the kernel's drbg_nopr_* and drbg_pr_* names
     * (with prediction resistance or not; the mechanism itself is the JDK's configured one).
     * Objects are monitored and close with `<close>`.
     */
    /*lua crypto_rng.new(algorithm)
     * Makes a generator.
     * @param algorithm string: `stdrng` or a drbg name
     * @return a crypto_rng object
     * @raise "Failed to allocate rng transform for <algorithm> (err -2)" for an unknown name
     */
    /*lua crypto_rng:generate(n [, seed])
     * Random bytes, with `seed` as the DRBG's additional input.
     * @param n integer: how many, at least 1
     * @param seed string
     * @return string
     * @raise "bad argument #2 to 'generate' (out of bounds)"; "not enough memory" for more than a
     *   Java array holds
     */
    /*lua crypto_rng:getbytes(n)
     * Random bytes.
     * @param n integer: how many, at least 1
     * @return string
     * @raise as `generate`
     */
    /*lua crypto_rng:reset([seed])
     * Reseeds, with `seed` mixed in.
     * @param seed any: read with tostring semantics (so no seed reseeds with the string "nil", as
     *   Lunatik 3.7 does)
     * @raise 22 (EINVAL) when the DRBG refuses
     */
    /*lua crypto_rng:info()
     * @return a table `{driver_name = <drbg name>, seedsize = 0}`
     */
    public static Object open(LuaState L) {
        return CryptoSupport.library(L, "crypto_rng", "rng", CLASS, name -> {
            String driver = name.equals("stdrng") ? "drbg_nopr_hmac_sha256" : name;
            Boolean pr = DRIVERS.get(driver);
            if (pr == null) {
                return null;
            }
            try {
                return new Rng(driver, pr);
            } catch (GeneralSecurityException e) {
                return null;
            }
        });
    }

    private static Rng rng(LunatikObject self) {
        return self.payload(Rng.class);
    }

    private static int size(Args a) {
        long n = CryptoSupport.checkInteger(a, 2, 1, CryptoSupport.UINT_MAX);
        if (n > CryptoSupport.MAX_ARRAY) {
            throw CryptoSupport.plain("not enough memory");
        }
        return (int) n;
    }

    private static Object generate(LunatikObject self, Args a) {
        Rng r = rng(self);
        int n = size(a);
        byte[] seed = a.isNoneOrNil(3) ? null : a.checkString(3).bytes();
        return LuaString.wrap(r.generate(n, seed));
    }

    private static Object reset(LunatikObject self, Args a) {
        Rng r = rng(self);
        LuaString seed = Ops.tostring(a.state(), a.get(2));
        try {
            r.random.reseed(DrbgParameters.reseed(r.pr, seed.bytes()));
        } catch (RuntimeException e) {
            throw CryptoSupport.errno(CryptoSupport.EINVAL);
        }
        return Varargs.NONE;
    }

    /** The payload: one DRBG instance. */
    static final class Rng {
        final String driver;
        final boolean pr;
        final SecureRandom random;

        Rng(String driver, boolean pr) throws GeneralSecurityException {
            this.driver = driver;
            this.pr = pr;
            DrbgParameters.Capability cap = pr ? DrbgParameters.Capability.PR_AND_RESEED
                    : DrbgParameters.Capability.RESEED_ONLY;
            this.random = SecureRandom.getInstance("DRBG", DrbgParameters.instantiation(-1, cap, null));
        }

        byte[] generate(int n, byte[] additional) {
            byte[] out = new byte[n];
            try {
                random.nextBytes(out, DrbgParameters.nextBytes(-1, pr, additional));
            } catch (RuntimeException e) {
                throw CryptoSupport.errno(CryptoSupport.EINVAL);
            }
            return out;
        }
    }
}
