--- Authenticated encryption for scripts (spec §8.2.3), over the C-level module crypto_aead.
-- The C object takes and returns AAD..data with the AAD length apart; this wrapper takes the
-- AAD as an optional last argument and strips it from the results. Objects close with
-- `<close>`, and when collected.
--
--     local aead = require("crypto.aead")
--     local c <close> = aead.new("gcm(aes)")
--     c:setkey(key)
--     local sealed, taglen = c:encrypt(nonce, "secret", "header")
--     assert(c:decrypt(nonce, sealed, "header") == "secret")
-- @module crypto.aead

local crypto_aead = require("crypto_aead")
local sub = string.sub

local AEAD = {}
AEAD.__index = AEAD

--- A new AEAD object for the kernel algorithm `algname` (e.g. "gcm(aes)").
-- @param algname string: a kernel name crypto_aead knows
-- @raise "Failed to allocate aead transform for <algname> (err -2)"
function AEAD.new(algname)
	return setmetatable({tfm = crypto_aead.new(algname)}, AEAD)
end

--- Releases the transform now; later calls are harmless (the object is closed once).
function AEAD:close()
	local tfm = self.tfm
	if tfm then
		self.tfm = nil
		tfm:__close()
	end
end

AEAD.__gc = AEAD.close
AEAD.__close = AEAD.close

--- Sets the key (crypto_aead's setkey).
-- @param key string
-- @raise 22 (EINVAL) for a key of a length the algorithm does not take
function AEAD:setkey(key)
	return self.tfm:setkey(key)
end

--- Sets the tag size in bytes (crypto_aead's setauthsize).
-- @param size integer
-- @raise 22 (EINVAL) for a size the algorithm does not take
function AEAD:setauthsize(size)
	return self.tfm:setauthsize(size)
end

--- The nonce's size in bytes.
function AEAD:ivsize()
	return self.tfm:ivsize()
end

--- The tag's size in bytes.
function AEAD:authsize()
	return self.tfm:authsize()
end

--- Encrypts and authenticates `plaintext`, and authenticates `aad` ("" when absent).
-- @return ciphertext..tag, and the tag length
-- @raise "crypto operation failed with error code 126" without a key; crypto_aead's errors
function AEAD:encrypt(nonce, plaintext, aad)
	aad = aad or ""
	local out = self.tfm:encrypt(nonce, aad .. plaintext, #aad)
	return sub(out, #aad + 1), self.tfm:authsize()
end

--- Checks and decrypts `ciphertext` (ciphertext..tag) with `aad` ("" when absent).
-- @return the plaintext
-- @raise "crypto operation failed with error code 74" when the tag does not match
function AEAD:decrypt(nonce, ciphertext, aad)
	aad = aad or ""
	local out = self.tfm:decrypt(nonce, aad .. ciphertext, #aad)
	return sub(out, #aad + 1)
end

return AEAD
